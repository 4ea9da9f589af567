/**
 * Exit codes of the CLI and the errors that choose them: 0 for success, 1 when the
 * operation failed (a validation error, a conflict, a tenant that ended in a failed
 * state), 2 for a usage error such as an unknown option or a missing argument.
 */

export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line itself is wrong; exit code 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The operation was rejected or failed; exit code 1. `field` names the input at fault,
 * as the API's `{ message, field }` error bodies do.
 */
export class OperationError extends Error {
  readonly exitCode = EXIT_FAILURE;

  constructor(
    message: string,
    readonly field?: string,
    /** HTTP status of the control-plane response that caused it, when there was one. */
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof OperationError) {
    return error.exitCode;
  }
  return EXIT_FAILURE;
}
