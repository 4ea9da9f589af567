/**
 * Views of lifecycle executions for `executions list` and `executions show`. A summary
 * describes the execution. The full view adds each state it entered with its type, start,
 * duration and status, and the error and cause of a failure, as the Step Functions console
 * shows them. `statesFromHistory` builds the states from `GetExecutionHistory` events.
 */

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export interface ExecutionFilter {
  readonly tenantId?: string;
  readonly status?: ExecutionStatus;
  /** Most executions returned, newest first. */
  readonly limit?: number;
}

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly name: string;
  /** State machine id, such as `onboarding`. */
  readonly stateMachine: string;
  readonly status: ExecutionStatus;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly tenantId?: string;
  /** Name of the tenant, read from the registry by the CLI; absent once the tenant is gone. */
  readonly tenantName?: string;
  /** Detail type of the event that started the execution, when an event did. */
  readonly detailType?: string;
}

export type StateStatus = 'SUCCEEDED' | 'FAILED' | 'CAUGHT' | 'RUNNING' | 'ABORTED';

export interface StateView {
  readonly name: string;
  /** ASL state type, such as `Task` or `Choice`. */
  readonly type: string;
  readonly status: StateStatus;
  readonly enteredAt: string;
  readonly exitedAt?: string;
  readonly durationMs?: number;
  /** Attempts of a Task state, counting retries; 1 when it ran once. */
  readonly attempts?: number;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionView extends ExecutionSummary {
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly states: readonly StateView[];
}

/** One history event, with the fields of the SDK's `HistoryEvent` that the view reads. */
export interface HistoryEventLike {
  readonly id?: number;
  readonly type?: string;
  readonly timestamp?: Date | string;
  readonly [details: string]: unknown;
}

interface StateBuilder {
  name: string;
  type: string;
  enteredAt: Date;
  exitedAt?: Date;
  attempts: number;
  error?: string;
  cause?: string;
}

/**
 * Builds the state list of an execution from its history events (oldest first). A failure
 * followed by a new attempt of the same task is a retry. A failure followed by another
 * state's entry was caught. A state that never exited failed the execution, or is still
 * running.
 */
export function statesFromHistory(events: readonly object[], executionStatus: ExecutionStatus): StateView[] {
  const states: StateBuilder[] = [];
  let current: StateBuilder | undefined;

  for (const event of events as readonly HistoryEventLike[]) {
    const type = event.type ?? '';
    const timestamp = toDate(event.timestamp);
    const entered = /^(\w+)StateEntered$/.exec(type);
    if (entered) {
      if (current?.error && !current.exitedAt) {
        // Step Functions records no exit for a state whose error a Catch handled.
        current.exitedAt = timestamp;
      }
      const details = event.stateEnteredEventDetails as { name?: string } | undefined;
      current = { name: details?.name ?? '(unnamed)', type: entered[1], enteredAt: timestamp, attempts: 0 };
      states.push(current);
      continue;
    }
    if (!current) {
      continue;
    }
    if (/StateExited$/.test(type)) {
      current.exitedAt = timestamp;
      current = undefined;
    } else if (/^(LambdaFunction|Task|Activity)Scheduled$/.test(type)) {
      current.attempts += 1;
      // A new attempt after a failure is a retry, so the earlier error no longer decides the status.
      current.error = undefined;
      current.cause = undefined;
    } else if (/(Failed|TimedOut)$/.test(type) && !/^Execution/.test(type)) {
      const failure = failureDetails(event);
      current.error = failure.error ?? type;
      current.cause = failure.cause;
    }
  }

  return states.map((state) => toStateView(state, executionStatus));
}

function toStateView(state: StateBuilder, executionStatus: ExecutionStatus): StateView {
  let status: StateStatus;
  if (state.exitedAt) {
    status = state.error ? 'CAUGHT' : 'SUCCEEDED';
  } else if (executionStatus === 'RUNNING') {
    status = 'RUNNING';
  } else if (executionStatus === 'ABORTED') {
    status = 'ABORTED';
  } else if (executionStatus === 'SUCCEEDED' || state.type === 'Succeed') {
    // Succeed and Fail states end the execution without an exit event.
    status = 'SUCCEEDED';
  } else {
    status = 'FAILED';
  }

  return {
    name: state.name,
    type: state.type,
    status,
    enteredAt: state.enteredAt.toISOString(),
    ...(state.exitedAt ? { exitedAt: state.exitedAt.toISOString(), durationMs: state.exitedAt.getTime() - state.enteredAt.getTime() } : {}),
    ...(state.attempts > 0 ? { attempts: state.attempts } : {}),
    ...(state.error ? { error: state.error } : {}),
    ...(state.cause ? { cause: state.cause } : {}),
  };
}

/** Finds the error and cause in whichever `...EventDetails` field of an event carries them. */
export function failureDetails(event: HistoryEventLike): { error?: string; cause?: string } {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) {
      continue;
    }
    const { error, cause } = value as { error?: unknown; cause?: unknown };
    if (typeof error === 'string' || typeof cause === 'string') {
      return { error: typeof error === 'string' ? error : undefined, cause: typeof cause === 'string' ? cause : undefined };
    }
  }
  return {};
}

/** Reads `tenantId` and the detail type from an execution input that is an EventBridge event. */
export function eventFieldsOf(input: unknown): { tenantId?: string; detailType?: string } {
  if (typeof input !== 'object' || input === null) {
    return {};
  }
  const event = input as { detail?: { tenantId?: unknown }; 'detail-type'?: unknown; tenantId?: unknown };
  // An execution started by a rule gets the event; one started by hand may get the detail itself.
  let tenantId: string | undefined;
  if (typeof event.detail?.tenantId === 'string') {
    tenantId = event.detail.tenantId;
  } else if (typeof event.tenantId === 'string') {
    tenantId = event.tenantId;
  }
  const detailType = typeof event['detail-type'] === 'string' ? event['detail-type'] : undefined;
  return { ...(tenantId ? { tenantId } : {}), ...(detailType ? { detailType } : {}) };
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toDate(value: Date | string | undefined): Date {
  return value instanceof Date ? value : new Date(value ?? 0);
}
