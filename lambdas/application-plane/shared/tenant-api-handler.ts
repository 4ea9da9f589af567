/**
 * The frame of every application-plane service handler. It reads the tenant context and
 * appends `tenantId`, `tenantTier` and the request id to every log line of the request. It
 * records metrics with a `tenantId` dimension and annotates the trace. It maps `HttpError`s
 * to their `{message, field}` responses, and clears the per-request keys afterwards.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { errorResponse, HttpError, jsonResponse } from '../../shared/http';
import { logger, metrics, tracer } from '../../shared/powertools';
import { readTenantContext, TenantContext } from './tenant-context';
import { scopedDocumentClient } from './scoped-document-client';

export interface TenantRequest {
  readonly event: APIGatewayProxyEvent;
  readonly tenant: TenantContext;
  /** Document client with the tenant-scoped credentials, created on first use. */
  readonly db: DynamoDBDocumentClient;
  /** Adds 1 to the count metric `name`, published with the `tenantId` dimension. */
  countMetric(name: string): void;
}

export type TenantWork = (request: TenantRequest) => Promise<APIGatewayProxyResult>;

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Wraps `work` as the Lambda handler of the operation `operation`, such as `product-create`. */
export function tenantApiHandler(operation: string, work: TenantWork): ProxyHandler {
  return async (event, context) => {
    const started = Date.now();
    logger.addContext(context);
    logger.appendKeys({ requestId: event.requestContext?.requestId, operation });

    let response: APIGatewayProxyResult;
    let tenant: TenantContext | undefined;
    try {
      tenant = readTenantContext(event);
      logger.appendKeys({ tenantId: tenant.tenantId, tenantTier: tenant.tier });
      metrics.addDimension('tenantId', tenant.tenantId);
      tracer.putAnnotation('tenantId', tenant.tenantId);
      tracer.putAnnotation('tenantTier', tenant.tier);

      response = await work(buildRequest(event, tenant));
    } catch (error) {
      response = failureResponse(error, context);
    }

    logger.info('request served', {
      method: event.httpMethod,
      resource: event.resource,
      statusCode: response.statusCode,
      durationMs: Date.now() - started,
      userName: tenant?.userName,
    });

    if (metrics.hasStoredMetrics()) {
      metrics.publishStoredMetrics();
    } else {
      metrics.clearDimensions();
    }
    logger.resetKeys();
    return response;
  };
}

function buildRequest(event: APIGatewayProxyEvent, tenant: TenantContext): TenantRequest {
  let db: DynamoDBDocumentClient | undefined;
  return {
    event,
    tenant,
    get db() {
      db ??= scopedDocumentClient(tenant.credentials);
      return db;
    },
    countMetric: (name) => {
      metrics.addMetric(name, MetricUnit.Count, 1);
    },
  };
}

function failureResponse(error: unknown, context: Context): APIGatewayProxyResult {
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) {
      logger.error('request failed', { error });
    } else {
      logger.info('request rejected', { statusCode: error.statusCode, reason: error.message, field: error.field });
    }
    return errorResponse(error);
  }
  logger.error('request failed with an unexpected error', { error: error as Error });
  return jsonResponse(500, {
    message: `the request failed because of an internal error; quote request id ${context.awsRequestId} when reporting it`,
  });
}

/** Reads the path parameter `name`, which API Gateway always sets on the routes that declare it. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new HttpError(400, `path parameter ${name} is missing`, name);
  }
  return value;
}

/** True for DynamoDB's ConditionalCheckFailedException, whichever SDK copy raised it. */
export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
