/**
 * The wrapper of every control-plane API handler. It receives API Gateway HTTP API events
 * (payload format 2.0), bounds and parses the body, path and query with the route's
 * schemas, maps `HttpError` to a 4xx `{message, field}` body and any other error to a 500
 * that hides internals, logs one line per request through Powertools, and flushes metrics.
 * It never logs headers, tokens or whole events.
 */
import { TextDecoder } from 'util';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { BadRequestError, HttpError, PayloadTooLargeError, UnsupportedMediaTypeError, errorResponse, jsonResponse } from './http';
import { logger, metrics, tracer } from './powertools';
import { reportUnhandledError } from './unhandled-errors';
import { parseInput } from './validation';

/** Maximum request body, in bytes after base64 decoding. */
export const MAX_BODY_BYTES = 16 * 1024;

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer | APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** Schemas of one route. A route without `body` accepts no body other than `{}`. */
export interface RouteSchemas<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType> {
  /** Handler name written to logs and metrics, such as `registration-create`. */
  readonly name: string;
  readonly body?: B;
  readonly path?: P;
  readonly query?: Q;
}

export interface ApiRequest<B, P, Q> {
  readonly event: ApiEvent;
  readonly context: Context;
  readonly body: B;
  readonly path: P;
  readonly query: Q;
  /** Appends `tenantId`, `tier` or other keys to every later log line of this request. */
  annotate(keys: { tenantId?: string; tier?: string; [key: string]: string | undefined }): void;
}

const EMPTY_OBJECT = z.strictObject({});

/**
 * Wraps `handle` as a Lambda handler for one HTTP API route. `handle` returns the response
 * (use `jsonResponse`) or throws an `HttpError` for a client error.
 */
export function apiHandler<B extends z.ZodType = typeof EMPTY_OBJECT, P extends z.ZodType = typeof EMPTY_OBJECT, Q extends z.ZodType = typeof EMPTY_OBJECT>(
  route: RouteSchemas<B, P, Q>,
  handle: (request: ApiRequest<z.infer<B>, z.infer<P>, z.infer<Q>>) => Promise<ApiResult>,
): (event: ApiEvent, context: Context) => Promise<ApiResult> {
  return async (event, context) => {
    const started = Date.now();
    logger.addContext(context);
    logger.appendKeys({ handler: route.name, requestId: event.requestContext?.requestId, routeKey: event.routeKey, caller: callerId(event) });

    let result: ApiResult;
    try {
      const request: ApiRequest<z.infer<B>, z.infer<P>, z.infer<Q>> = {
        event,
        context,
        body: parseInput((route.body ?? EMPTY_OBJECT) as B, readJsonBody(event) ?? (route.body ? undefined : {}), ''),
        path: parseInput((route.path ?? EMPTY_OBJECT) as P, event.pathParameters ?? {}),
        query: parseInput((route.query ?? EMPTY_OBJECT) as Q, event.queryStringParameters ?? {}),
        annotate: (keys) => annotate(keys),
      };
      result = await handle(request);
    } catch (error) {
      result = toErrorResult(error, event);
    }

    const statusCode = result.statusCode ?? 200;
    metrics.addMetric(statusCode >= 500 ? 'ServerErrors' : statusCode >= 400 ? 'ClientErrors' : 'Successes', MetricUnit.Count, 1);
    logger.info('request completed', { statusCode, durationMs: Date.now() - started });
    metrics.publishStoredMetrics();
    logger.resetKeys();
    return result;
  };
}

/**
 * Reads the body as a JSON object. Returns `undefined` when there is no body. Throws 413
 * above `MAX_BODY_BYTES`, 415 when the content type is not `application/json`, and 400
 * naming `body` when it is not valid UTF-8 JSON.
 */
export function readJsonBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded' | 'headers'>): unknown {
  if (event.body === undefined || event.body === null || event.body === '') {
    return undefined;
  }

  // Base64 grows a payload by a third, so an encoded body this long is over the limit already.
  if (event.isBase64Encoded && event.body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4 + 4) {
    throw new PayloadTooLargeError(`body is larger than ${MAX_BODY_BYTES} bytes; send a smaller JSON object`);
  }
  const bytes = event.isBase64Encoded ? decodeBase64(event.body) : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`body is ${bytes.length} bytes, larger than ${MAX_BODY_BYTES}; send a smaller JSON object`);
  }

  const contentType = header(event.headers, 'content-type');
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `content-type ${contentType === undefined ? 'is missing' : `"${contentType}" is not supported`}; send the body as application/json`,
    );
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequestError('body is not valid UTF-8; send UTF-8 encoded JSON', 'body');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text, rejectPrototypeKeys);
  } catch (error) {
    if (error instanceof BadRequestError) {
      throw error;
    }
    throw new BadRequestError(`body is not valid JSON (${(error as Error).message}); send a JSON object`, 'body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new BadRequestError(`body must be a JSON object, got ${kind}`, 'body');
  }
  return parsed;
}

/**
 * Rejects `__proto__` keys at any depth. JSON.parse stores them as own properties, which
 * schema checks do not see as unknown fields and which later object spreads may turn into
 * prototype changes.
 */
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') {
    throw new BadRequestError('__proto__ is not a known field; remove it', '__proto__');
  }
  return value;
}

/** True for `application/json`, with an optional UTF-8 charset parameter. */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) {
    return false;
  }
  const [mediaType, ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    return false;
  }
  return parameters.every((parameter) => parameter === '' || parameter === 'charset=utf-8' || parameter === 'charset="utf-8"');
}

function decodeBase64(body: string): Buffer {
  const compact = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new BadRequestError('body is marked base64-encoded but is not valid base64', 'body');
  }
  return Buffer.from(compact, 'base64');
}

/** Reads a header by case-insensitive name; HTTP API lowercases names, other callers may not. */
function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) {
      return value;
    }
  }
  return undefined;
}

/** Returns the caller's user or client id from the JWT claims: an id, never the token. */
function callerId(event: ApiEvent): string | undefined {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer;
  const claims = authorizer?.jwt?.claims;
  const id = claims?.sub ?? claims?.client_id;
  return typeof id === 'string' ? id : undefined;
}

function annotate(keys: Record<string, string | undefined>): void {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined)) as Record<string, string>;
  logger.appendKeys(defined);
  for (const [key, value] of Object.entries(defined)) {
    if (key === 'tenantId' || key === 'tier') {
      tracer.putAnnotation(key, value);
    }
  }
}

function toErrorResult(error: unknown, event: ApiEvent): ApiResult {
  if (error instanceof HttpError && error.statusCode >= 500) {
    logger.error('request failed', { statusCode: error.statusCode, reason: error.message });
    return errorResponse(error);
  }
  if (error instanceof HttpError) {
    logger.info('request rejected', { statusCode: error.statusCode, field: error.field, reason: error.message });
    return errorResponse(error);
  }
  logger.error('request failed', error as Error);
  const requestId = event.requestContext?.requestId ?? 'unknown';
  reportUnhandledError(error, requestId);
  return jsonResponse(500, { message: `internal error while handling the request; retry later, or report request id ${requestId}` });
}
