/**
 * Request body parsing for the service handlers: a JSON object of bounded size, with an
 * `application/json` content type, and no fields beyond the ones a resource accepts.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../shared/http';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export function parseJsonObject(event: Pick<APIGatewayProxyEvent, 'body' | 'headers' | 'isBase64Encoded'>): Record<string, unknown> {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new BadRequestError('the request body is missing; send a JSON object', 'body');
  }

  const contentType = headerValue(event.headers, 'content-type');
  const mediaType = contentType?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError(`content-type "${contentType ?? ''}" is not supported; send application/json`);
  }

  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`the request body has ${size} bytes; the maximum is ${MAX_BODY_BYTES}`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`the request body is not valid JSON: ${(error as Error).message}`, 'body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError('the request body must be a JSON object', 'body');
  }
  return parsed as Record<string, unknown>;
}

/** Rejects the first field of `body` that is not in `allowed`, naming it. */
export function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[], prefix = ''): void {
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) {
      throw new BadRequestError(`${prefix}${field} is not a field of this resource; allowed fields are ${allowed.join(', ')}`, `${prefix}${field}`);
    }
  }
}

/** Case-insensitive header lookup, as HTTP defines header names. */
export function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) {
    return undefined;
  }
  const expected = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === expected) {
      return value;
    }
  }
  return undefined;
}

/** Validates an optional string field: trimmed length from `min` to `max`, matching `pattern` if given. */
export function optionalString(
  body: Record<string, unknown>,
  field: string,
  limits: { min?: number; max: number; pattern?: RegExp; patternHint?: string },
  prefix = '',
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  const name = `${prefix}${field}`;
  if (typeof value !== 'string') {
    throw new BadRequestError(`${name} must be a string, got ${JSON.stringify(value)}`, name);
  }
  const trimmed = value.trim();
  const min = limits.min ?? 1;
  if (trimmed.length < min || trimmed.length > limits.max) {
    throw new BadRequestError(`${name} must be ${min} to ${limits.max} characters after trimming, got ${trimmed.length}`, name);
  }
  if (limits.pattern && !limits.pattern.test(trimmed)) {
    throw new BadRequestError(`${name} "${trimmed}" is invalid: ${limits.patternHint ?? `it must match ${limits.pattern}`}`, name);
  }
  return trimmed;
}

export function requiredString(
  body: Record<string, unknown>,
  field: string,
  limits: { min?: number; max: number; pattern?: RegExp; patternHint?: string },
  prefix = '',
): string {
  const value = optionalString(body, field, limits, prefix);
  if (value === undefined) {
    throw new BadRequestError(`${prefix}${field} is required`, `${prefix}${field}`);
  }
  return value;
}
