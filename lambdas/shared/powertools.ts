/**
 * Powertools logger, metrics and tracer shared by the handlers of one bundle. Handlers
 * append `tenantId`, `tier` and the request id once per invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();
