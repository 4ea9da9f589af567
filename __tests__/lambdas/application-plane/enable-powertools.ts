// Imported first by the observability test, before any module creates the Powertools
// logger or metrics, which read these variables once at construction.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_SERVICE_NAME = 'application-plane-test';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'TenantformTest';
process.env.POWERTOOLS_DEV = 'false';
