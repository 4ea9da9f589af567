/**
 * The environment the handlers run in when the CLI invokes them in its own process: the
 * variables the control-plane stack sets on each function (names from
 * `lambdas/shared/environment.ts`), Powertools settings for a process that is not a Lambda
 * function, and where the handlers' log lines go instead of the CLI's stdout.
 */
import { Console } from 'console';
import type { Writable } from 'stream';
import type { PlatformConfig } from '../../config/platform-config';
import { ENV } from '../../lambdas/shared/environment';

export interface HandlerResourceNames {
  readonly tenantsTable: string;
  readonly tenantNamesTable: string;
  readonly eventBusName: string;
  readonly applicationPlaneParameterPath: string;
  readonly controlPlaneUserPoolId?: string;
  readonly rolloutsTable?: string;
}

/** Environment variables of the control-plane functions, as the stack sets them. */
export function controlPlaneEnvironment(config: PlatformConfig, names: HandlerResourceNames): Record<string, string> {
  return {
    [ENV.tenantsTable]: names.tenantsTable,
    [ENV.tenantNamesTable]: names.tenantNamesTable,
    [ENV.eventBusName]: names.eventBusName,
    [ENV.controlPlaneSource]: config.eventSources.controlPlane,
    [ENV.applicationPlaneSource]: config.eventSources.applicationPlane,
    [ENV.tiers]: JSON.stringify(config.tiers.map((tier) => ({ name: tier.name, model: tier.model }))),
    [ENV.applicationPlaneParameterPath]: names.applicationPlaneParameterPath,
    [ENV.platformPrefix]: config.prefix,
    ...(names.controlPlaneUserPoolId ? { [ENV.controlPlaneUserPoolId]: names.controlPlaneUserPoolId } : {}),
    ...(names.rolloutsTable ? { [ENV.rolloutsTable]: names.rolloutsTable } : {}),
  };
}

/**
 * Settings for Powertools inside the CLI: metrics are not published (there is no
 * CloudWatch agent reading stdout), tracing is off (there is no X-Ray daemon), and the
 * log level is INFO unless POWERTOOLS_LOG_LEVEL is already set.
 */
export function powertoolsEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
    POWERTOOLS_SERVICE_NAME: env.POWERTOOLS_SERVICE_NAME ?? 'tenantform-cli',
  };
}

/** Sets `variables` on this process, whose in-process handlers read them at invocation time. */
export function applyEnvironment(variables: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(variables)) {
    process.env[name] = value;
  }
}

/**
 * Sends the JSON log lines of the handlers' shared Powertools logger to `stream`, so they
 * do not mix with the CLI's results on stdout.
 */
export async function redirectHandlerLogs(stream: Writable): Promise<void> {
  const { logger } = await import('../../lambdas/shared/powertools');
  // NOTE: Powertools Logger 2.x writes through its private `console` field; this replaces it.
  (logger as unknown as { console: Console }).console = new Console({ stdout: stream, stderr: stream });
}
