/**
 * Parts shared by the lifecycle handlers that the state machines invoke: input parsing,
 * per-invocation log keys, and the error types the state machines see. Step Functions
 * reports a thrown error's `name` as the Lambda error type, so Retry and Catch rules match
 * these names.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '../../shared/powertools';

/** Input or event detail that does not match its schema. Never retried. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** The tenant named by an event has no registry record. */
export class TenantNotFoundError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" was not found in the tenant registry`);
    this.name = 'TenantNotFoundError';
  }
}

/** The tenant is in a status from which the requested work cannot start. */
export class TenantStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantStatusError';
  }
}

/** A setting the platform should have published (SSM parameter, stored output) is missing. */
export class MissingSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingSettingError';
  }
}

/** The provisioning job did not return the outputs a tenant needs. */
export class JobOutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobOutputsError';
  }
}

/** A user with the admin's user name already exists and belongs to another tenant. */
export class UserConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserConflictError';
  }
}

/** Execution ARN that the state machines pass to every handler as `executionId`. */
export const executionIdSchema = z.string().min(1).max(2048);

/**
 * Parses a handler's input. The first problem becomes an `InvalidEventError` that names
 * the field, so a wrong state-machine payload fails the task with a readable cause.
 */
export function parseLifecycleInput<S extends z.ZodType>(handlerId: string, schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  throw new InvalidEventError(`${handlerId} input is invalid: ${describeIssues(result.error.issues)}`);
}

/** Formats zod issues as `field: message` pairs, such as `detail.email: Invalid email address`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Starts the log context of one invocation: clears the keys of the previous invocation
 * and appends the Lambda context, the tenant id, the tier and the execution id.
 */
export function startInvocation(context: Context | undefined, keys: { tenantId?: string; tier?: string; executionId?: string }): void {
  logger.resetKeys();
  if (context) {
    logger.addContext(context);
  }
  const present = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined && value !== ''));
  logger.appendKeys(present);
}

/** Error name and message of anything thrown, for logs. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
