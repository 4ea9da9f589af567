/**
 * HTTP errors and responses of the API handlers. Every client error is a 4xx whose body
 * names the field at fault: `{ "message": ..., "field": ... }`. Only a fault of ours is a 5xx.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, field?: string) {
    super(400, message, field);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'the request has no valid credentials') {
    super(401, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, field?: string) {
    super(404, message, field);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, field?: string) {
    super(409, message, field);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, message, 'body');
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, message, 'content-type');
  }
}

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: HttpError): APIGatewayProxyResult {
  return jsonResponse(error.statusCode, { message: error.message, ...(error.field ? { field: error.field } : {}) });
}
