/**
 * Invokes catalogued handlers in-process with a Lambda context of the real shape, the way
 * the Node.js 20 runtime calls them: one event, one context, and a timeout that fails the
 * invocation when the handler runs past it.
 */
import { randomUUID } from 'crypto';
import type { Context } from 'aws-lambda';
import { HANDLER_LOADERS, HandlerFunction } from './handler-registry';
import type { HandlerId } from '../lambdas/catalog';

export interface LocalInvokeOptions {
  /** Function name reported in the context; defaults to `tenantform-<handler id>`. */
  readonly functionName?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  readonly region?: string;
  readonly accountId?: string;
}

/** Raised when a handler throws. It keeps the Lambda error type and message that Step Functions receives. */
export class LambdaInvocationError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly handlerId: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export function createLambdaContext(options: LocalInvokeOptions & { functionName: string }): Context {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const timeoutMs = options.timeoutMs ?? 10000;
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();

  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 256),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const loaded = new Map<string, HandlerFunction>();

export async function loadHandler(id: HandlerId): Promise<HandlerFunction> {
  const cached = loaded.get(id);
  if (cached) {
    return cached;
  }
  const loader = HANDLER_LOADERS[id];
  if (!loader) {
    throw new Error(`handler "${id}" is not in the handler registry`);
  }
  const module = await loader();
  loaded.set(id, module.handler);
  return module.handler;
}

/**
 * Invokes handler `id` with `event`. A thrown error becomes a `LambdaInvocationError` with
 * the error's name as its type; a handler that runs past the timeout fails with
 * `Sandbox.Timedout`, the type Lambda reports.
 */
export async function invokeLocalHandler(id: HandlerId, event: unknown, options: LocalInvokeOptions = {}): Promise<unknown> {
  const handler = await loadHandler(id);
  const functionName = options.functionName ?? `tenantform-${id}`;
  const timeoutMs = options.timeoutMs ?? 10000;
  const context = createLambdaContext({ ...options, functionName, timeoutMs });
  // Handlers receive a copy, as they would after JSON serialisation across the Lambda API.
  const payload = event === undefined ? {} : JSON.parse(JSON.stringify(event));

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LambdaInvocationError('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`, id)),
      timeoutMs,
    );
  });

  try {
    const result = await Promise.race([handler(payload, context), timeout]);
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  } catch (error) {
    if (error instanceof LambdaInvocationError) {
      throw error;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    throw new LambdaInvocationError(failure.name || 'Error', failure.message, id);
  } finally {
    clearTimeout(timer);
  }
}
