/**
 * Runs a state machine of `statemachines/` on this machine with aws-local-stepfunctions
 * 3.0.0. Placeholders get local values, and every Task is bound to a local implementation
 * of its resource (see `task-bindings.ts`). The execution is recorded as the Step Functions
 * console shows it, and the caller stores the record, because nothing is written here.
 *
 * Differences from Step Functions: executions run in this process and end with it; the
 * context object has `Execution` (Id, Name, StartTime, Input), `StateMachine`, and a
 * `Task.Token` that is the same for every task of the execution;
 * Retry delays can be shortened with `retryDelayMs` for tests.
 */
import './promise-with-resolvers';
import { randomUUID } from 'crypto';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import { loadDefinition, LocalDefinitionValues } from './asl-template';
import { applyEvent, ExecutionRecord, LibraryEvent } from './execution-record';
import { bindTaskStates, LocalTaskBindings } from './task-bindings';

export interface LocalStateMachineOptions {
  /** Name of the state machine, such as `tenantform-onboarding`. */
  readonly name: string;
  /** Path of the ASL file, with placeholders. */
  readonly definitionFile: string;
  readonly values: LocalDefinitionValues;
  readonly bindings: LocalTaskBindings;
  /**
   * Wait before each retry, in milliseconds, in place of the Retry intervals with backoff
   * and jitter. Tests set it to keep retries fast.
   */
  readonly retryDelayMs?: number;
  /**
   * Replaces the TimeoutSeconds of the named Task states, so a test reaches a task
   * timeout in seconds instead of the hours a provisioning job may take.
   */
  readonly taskTimeoutSeconds?: Readonly<Record<string, number>>;
}

export interface StartExecutionOptions {
  /** Execution name; a random UUID when unset, as StartExecution does. */
  readonly name?: string;
  /** Called after each state event with the record so far, for progress or persistence. */
  readonly onUpdate?: (record: ExecutionRecord) => void;
  /** Aborts the execution (status ABORTED), as StopExecution does. */
  readonly signal?: AbortSignal;
}

/** A state machine loaded once and run any number of times. */
export class LocalStateMachine {
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly taskHandlers: ReturnType<typeof bindTaskStates>;
  private readonly retryIntervalOverrides: Record<string, number>;

  constructor(private readonly options: LocalStateMachineOptions) {
    const definition = loadDefinition(options.definitionFile, options.values);
    overrideTaskTimeouts(definition, options.taskTimeoutSeconds ?? {});
    // The validator rejects Lambda ARNs that do not name a real region and account, and
    // checks JSONPath syntax; both stay on.
    this.machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
    this.taskHandlers = bindTaskStates(definition, options.values.prefix, options.bindings);
    this.retryIntervalOverrides =
      options.retryDelayMs === undefined ? {} : Object.fromEntries(retryableStateNames(definition).map((name) => [name, options.retryDelayMs as number]));
    const { region, accountId } = options.values;
    this.stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:${options.name}`;
  }

  /**
   * Runs one execution to its end and returns its record. A failed, timed-out or aborted
   * execution is reported in the record's status; only an error of the runner itself throws.
   */
  async run(input: unknown, options: StartExecutionOptions = {}): Promise<ExecutionRecord> {
    const name = options.name ?? randomUUID();
    const { region, accountId } = this.options.values;
    const record: ExecutionRecord = {
      executionArn: `arn:aws:states:${region}:${accountId}:execution:${this.options.name}:${name}`,
      stateMachineArn: this.stateMachineArn,
      stateMachineName: this.options.name,
      name,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      input,
      states: [],
    };

    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers as never,
        retryIntervalOverrides: this.retryIntervalOverrides,
      },
      context: {
        Execution: { Id: record.executionArn, Name: name },
        StateMachine: { Id: this.stateMachineArn, Name: this.options.name },
        // One token per execution: a local callback task is identified by its execution and
        // its input, not by the token.
        Task: { Token: `local:${name}` },
      },
    });
    const onAbort = () => execution.abort();
    options.signal?.addEventListener('abort', onAbort);

    const collecting = (async () => {
      for await (const event of execution.eventLogs) {
        applyEvent(record, event as unknown as LibraryEvent);
        options.onUpdate?.(record);
      }
    })();

    try {
      await execution.result;
    } catch (error) {
      if (!(error instanceof ExecutionError || error instanceof ExecutionTimeoutError || error instanceof ExecutionAbortedError)) {
        throw error;
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    await collecting;

    if (record.status === 'RUNNING') {
      // The library ended without a final event, which the event log always has; record it.
      record.status = 'FAILED';
      record.error = 'Local.IncompleteEventLog';
      record.cause = 'aws-local-stepfunctions ended the execution without a final event';
      record.stopDate = new Date().toISOString();
    }
    return record;
  }
}

/** Sets TimeoutSeconds of the named Task states; a name that is not a Task state is an error. */
function overrideTaskTimeouts(definition: Record<string, unknown>, timeouts: Readonly<Record<string, number>>): void {
  const pending = new Set(Object.keys(timeouts));
  forEachState(definition, (name, state) => {
    if (pending.has(name) && state.Type === 'Task') {
      state.TimeoutSeconds = timeouts[name];
      delete state.TimeoutSecondsPath;
      pending.delete(name);
    }
  });
  if (pending.size > 0) {
    throw new Error(`taskTimeoutSeconds names ${[...pending].join(', ')}, which are not Task states of the definition`);
  }
}

/** Names of every state with a Retry field, including those in Map and Parallel states. */
function retryableStateNames(definition: Record<string, unknown>): string[] {
  const names: string[] = [];
  forEachState(definition, (name, state) => {
    if (Array.isArray(state.Retry)) {
      names.push(name);
    }
  });
  return names;
}

/** Calls `visit` for every state, including the states of Map iterations and Parallel branches. */
function forEachState(machine: unknown, visit: (name: string, state: Record<string, unknown>) => void): void {
  const states = (machine as { States?: Record<string, Record<string, unknown>> } | undefined)?.States ?? {};
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    if (state.Type === 'Map') {
      forEachState(state.ItemProcessor ?? state.Iterator, visit);
    }
    for (const branch of (state.Branches as unknown[] | undefined) ?? []) {
      forEachState(branch, visit);
    }
  }
}
