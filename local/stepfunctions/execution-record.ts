/**
 * The record of one local execution, with the fields the Step Functions console shows:
 * the execution (ARN, status, times, input, output, error and cause) and every state
 * entered (type, start, duration, status, retries, error and cause). It is built from the
 * event log of aws-local-stepfunctions and is plain JSON, so callers can store it.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** `CAUGHT`: the state failed and a Catch moved the execution on to another state. */
export type StateStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT' | 'ABORTED';

export interface StateRecord {
  readonly name: string;
  readonly type: string;
  /** Index of the Map iteration that ran the state; absent at the top level. */
  readonly iteration?: number;
  status: StateStatus;
  readonly startDate: string;
  stopDate?: string;
  durationMs?: number;
  readonly input: unknown;
  output?: unknown;
  /** Attempts after the first, one per Retry. */
  retries: number;
  error?: string;
  cause?: string;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly startDate: string;
  stopDate?: string;
  readonly input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  readonly states: StateRecord[];
}

/** The parts of aws-local-stepfunctions' event log that the record reads. */
export interface LibraryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly index?: number;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly output?: unknown;
}

/** Applies one library event to the record. */
export function applyEvent(record: ExecutionRecord, event: LibraryEvent): void {
  const at = new Date(event.timestamp).toISOString();
  switch (event.type) {
    case 'StateEntered':
      record.states.push({
        name: event.state!.name,
        type: event.state!.type,
        ...(event.index !== undefined ? { iteration: event.index } : {}),
        status: 'RUNNING',
        startDate: at,
        input: event.state!.input,
        retries: 0,
      });
      return;
    case 'StateExited':
      finish(openState(record, event), 'SUCCEEDED', at, (state) => {
        state.output = event.state!.output;
      });
      return;
    case 'StateFailed': {
      const state = openState(record, event);
      if (state) {
        state.error = event.Error;
        state.cause = causeText(event.Cause);
      }
      return;
    }
    case 'StateRetried': {
      const state = openState(record, event);
      if (state) {
        state.retries += 1;
      }
      return;
    }
    case 'StateCaught':
      finish(openState(record, event), 'CAUGHT', at);
      return;
    case 'ExecutionSucceeded':
      record.status = 'SUCCEEDED';
      record.output = event.output;
      record.stopDate = at;
      return;
    case 'ExecutionFailed':
      record.status = 'FAILED';
      record.error = event.Error;
      record.cause = causeText(event.Cause);
      record.stopDate = at;
      failOpenStates(record, at);
      return;
    case 'ExecutionTimeout':
      record.status = 'TIMED_OUT';
      record.error = 'States.Timeout';
      record.cause = 'the execution ran longer than the state machine TimeoutSeconds';
      record.stopDate = at;
      failOpenStates(record, at, 'FAILED', record.error, record.cause);
      return;
    case 'ExecutionAborted':
      record.status = 'ABORTED';
      record.stopDate = at;
      failOpenStates(record, at, 'ABORTED', 'ExecutionAborted', 'the execution was stopped before this state finished');
      return;
    default:
      // Map iteration and Parallel branch events add nothing that the state events lack.
      return;
  }
}

function openState(record: ExecutionRecord, event: LibraryEvent): StateRecord | undefined {
  for (let position = record.states.length - 1; position >= 0; position -= 1) {
    const state = record.states[position];
    if (state.status === 'RUNNING' && state.name === event.state?.name && state.iteration === event.index) {
      return state;
    }
  }
  return undefined;
}

function finish(state: StateRecord | undefined, status: StateStatus, at: string, update?: (state: StateRecord) => void): void {
  if (!state) {
    return;
  }
  state.status = status;
  state.stopDate = at;
  state.durationMs = Date.parse(at) - Date.parse(state.startDate);
  update?.(state);
}

/**
 * Ends the states still running when the execution ended, with `status`. A state without an
 * error of its own gets `error` and `cause`, so that the state table shows why it stopped.
 */
function failOpenStates(record: ExecutionRecord, at: string, status: StateStatus = 'FAILED', error?: string, cause?: string): void {
  for (const state of record.states) {
    if (state.status === 'RUNNING') {
      finish(state, status, at, (ended) => {
        if (!ended.error && error) {
          ended.error = error;
          ended.cause = cause;
        }
      });
    }
  }
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) {
    return undefined;
  }
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}
