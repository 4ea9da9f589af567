/**
 * Binds every Task state of a definition (Map and Parallel states included) to a local
 * implementation of its resource, with results and errors shaped as Step Functions
 * reports them:
 * - A catalog handler's Lambda ARN runs the handler in-process. A thrown error keeps its
 *   name as the error, and the cause is Lambda's JSON error object.
 * - `events:putEvents` calls a caller-supplied bus function. A rejected entry fails the
 *   task with `EventBridge.FailedEntry`.
 * - `codebuild:startBuild.sync` runs the local CodeBuild runner (or a caller-supplied
 *   function) and returns `{ Build }`. A failed build fails with `States.TaskFailed`, and
 *   the cause is the build as JSON.
 * - `aws-sdk:ssm:getParameter` calls SSM through the SDK client, which
 *   AWS_ENDPOINT_URL_SSM points at the local emulator. Errors are named `Ssm.<Name>Exception`.
 * - `lambda:invoke.waitForTaskToken` calls a caller-supplied function that returns the task's
 *   output once the task is resumed, as SendTaskSuccess does, or throws a `TaskError` for a
 *   SendTaskFailure.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ALL_HANDLERS, HandlerId } from '../../lambdas/catalog';
import { invokeLocalHandler, LambdaInvocationError } from '../lambda-runtime';
import { LocalBuildFailedError } from '../codebuild/build-record';
import { LocalCodeBuildOptions, runLocalBuild, StartBuildParameters } from '../codebuild/local-codebuild';

export interface PutEventsRequestEntry {
  readonly EventBusName?: string;
  readonly Source?: string;
  readonly DetailType?: string;
  /** Always a JSON string here, as EventBridge receives it. */
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: string;
}

export interface PutEventsResponse {
  readonly FailedEntryCount: number;
  readonly Entries: readonly { readonly EventId?: string; readonly ErrorCode?: string; readonly ErrorMessage?: string }[];
}

export interface LocalTaskBindings {
  /** Runs a catalog handler; defaults to `invokeLocalHandler`. */
  readonly invokeLambda?: (handlerId: HandlerId, payload: unknown) => Promise<unknown>;
  /** Timeout of each default handler invocation, in milliseconds. @default 60000 */
  readonly lambdaTimeoutMs?: number;
  /** Puts events on the bus; required when a definition has a `events:putEvents` task. */
  readonly putEvents?: (entries: PutEventsRequestEntry[]) => Promise<PutEventsResponse> | PutEventsResponse;
  /** Runs a build to completion and returns its `Build`; takes precedence over `codeBuild`. */
  readonly startBuildSync?: (parameters: StartBuildParameters) => Promise<unknown>;
  /** Options of the local CodeBuild runner, used when `startBuildSync` is not given. */
  readonly codeBuild?: LocalCodeBuildOptions;
  /** Reads an SSM parameter; defaults to an `SSMClient` created from the environment. */
  readonly getParameter?: (parameters: { Name: string; WithDecryption?: boolean }) => Promise<unknown>;
  /** Runs a callback task; required when a definition has a `lambda:invoke.waitForTaskToken` task. */
  readonly waitForTaskToken?: (parameters: { FunctionName: string; Payload: unknown }) => Promise<unknown>;
}

/** Error thrown by a bound task; `name` is the error that Retry and Catch match. */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

type TaskHandler = (input: unknown) => Promise<unknown>;

interface TaskState {
  readonly name: string;
  readonly resource: string;
}

const LAMBDA_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)$/;

/** Lists every Task state of a definition, including those inside Map and Parallel states. */
export function taskStatesOf(definition: Record<string, unknown>): TaskState[] {
  const tasks: TaskState[] = [];
  const visit = (machine: unknown) => {
    const states = (machine as { States?: Record<string, Record<string, unknown>> } | undefined)?.States ?? {};
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        tasks.push({ name, resource: String(state.Resource) });
      }
      if (state.Type === 'Map') {
        visit(state.ItemProcessor ?? state.Iterator);
      }
      if (state.Type === 'Parallel') {
        for (const branch of (state.Branches as unknown[]) ?? []) {
          visit(branch);
        }
      }
    }
  };
  visit(definition);
  return tasks;
}

/**
 * Returns the handlers by state name that aws-local-stepfunctions runs in place of the
 * Task resources. Throws, naming the state, for a resource that has no local binding.
 */
export function bindTaskStates(definition: Record<string, unknown>, prefix: string, bindings: LocalTaskBindings): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  const resources = new Map<string, string>();

  for (const task of taskStatesOf(definition)) {
    const earlier = resources.get(task.name);
    if (earlier !== undefined && earlier !== task.resource) {
      throw new Error(`two Task states are named "${task.name}" with different resources; the local runner binds tasks by state name`);
    }
    resources.set(task.name, task.resource);
    handlers[task.name] = bindResource(task, prefix, bindings);
  }
  return handlers;
}

function bindResource(task: TaskState, prefix: string, bindings: LocalTaskBindings): TaskHandler {
  const lambdaMatch = LAMBDA_ARN.exec(task.resource);
  if (lambdaMatch) {
    return bindLambda(task, handlerIdOf(task, lambdaMatch[1], prefix), bindings);
  }
  switch (task.resource) {
    case 'arn:aws:states:::events:putEvents':
      return bindPutEvents(task, bindings);
    case 'arn:aws:states:::codebuild:startBuild.sync':
      return bindStartBuild(task, bindings);
    case 'arn:aws:states:::aws-sdk:ssm:getParameter':
      return bindGetParameter(bindings);
    case 'arn:aws:states:::lambda:invoke.waitForTaskToken':
      return bindWaitForTaskToken(task, bindings);
    default:
      throw new Error(
        `Task state "${task.name}" uses resource ${task.resource}, which the local runner cannot run; it runs catalog ` +
          'Lambda ARNs, events:putEvents, codebuild:startBuild.sync, aws-sdk:ssm:getParameter and lambda:invoke.waitForTaskToken',
      );
  }
}

function handlerIdOf(task: TaskState, functionName: string, prefix: string): HandlerId {
  const id = functionName.startsWith(`${prefix}-`) ? functionName.slice(prefix.length + 1) : '';
  if (!ALL_HANDLERS.some((handler) => handler.id === id)) {
    throw new Error(`Task state "${task.name}" invokes function ${functionName}, which is not "${prefix}-<catalog handler id>"`);
  }
  return id as HandlerId;
}

function bindLambda(task: TaskState, handlerId: HandlerId, bindings: LocalTaskBindings): TaskHandler {
  const invoke = bindings.invokeLambda ?? ((id: HandlerId, payload: unknown) => invokeLocalHandler(id, payload, { timeoutMs: bindings.lambdaTimeoutMs ?? 60_000 }));
  return async (input) => {
    try {
      return await invoke(handlerId, input);
    } catch (error) {
      const errorType = error instanceof LambdaInvocationError ? error.errorType : (error as Error).name || 'Error';
      const errorMessage = (error as Error).message ?? String(error);
      // Step Functions reports a function error's cause as Lambda's JSON error object.
      throw new TaskError(errorType, JSON.stringify({ errorType, errorMessage, trace: [] }));
    }
  };
}

function bindPutEvents(task: TaskState, bindings: LocalTaskBindings): TaskHandler {
  const putEvents = bindings.putEvents;
  if (!putEvents) {
    throw new Error(`Task state "${task.name}" puts events, but no putEvents binding was given`);
  }
  return async (input) => {
    const rawEntries = (input as { Entries?: unknown })?.Entries;
    if (!Array.isArray(rawEntries)) {
      throw new TaskError('EventBridge.ValidationException', 'Parameters.Entries must be a list of entries');
    }
    // The optimised integration accepts Detail as an object and sends it as JSON text.
    const entries = rawEntries.map((entry: Record<string, unknown>) => ({
      ...entry,
      Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail ?? {}),
    })) as PutEventsRequestEntry[];

    let response: PutEventsResponse;
    try {
      response = await putEvents(entries);
    } catch (error) {
      throw new TaskError(`EventBridge.${(error as Error).name || 'EventBridgeException'}`, (error as Error).message);
    }
    if (response.FailedEntryCount > 0) {
      const failures = response.Entries.filter((entry) => entry.ErrorCode).map((entry) => `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`.trim());
      throw new TaskError('EventBridge.FailedEntry', `${response.FailedEntryCount} entries were rejected: ${failures.join('; ')}`);
    }
    return { Entries: response.Entries, FailedEntryCount: 0 };
  };
}

function bindStartBuild(task: TaskState, bindings: LocalTaskBindings): TaskHandler {
  const codeBuild = bindings.codeBuild;
  const start = bindings.startBuildSync ?? (codeBuild ? (parameters: StartBuildParameters) => runLocalBuild(parameters, codeBuild) : undefined);
  if (!start) {
    throw new Error(`Task state "${task.name}" starts a build, but neither a startBuildSync nor a codeBuild binding was given`);
  }
  return async (input) => {
    try {
      return { Build: await start(input as StartBuildParameters) };
    } catch (error) {
      if (error instanceof LocalBuildFailedError) {
        throw new TaskError('States.TaskFailed', JSON.stringify(error.build));
      }
      if (error instanceof TaskError) {
        throw error;
      }
      throw new TaskError('CodeBuild.CodeBuildException', (error as Error).message);
    }
  };
}

function bindGetParameter(bindings: LocalTaskBindings): TaskHandler {
  let client: SSMClient | undefined;
  const getParameter =
    bindings.getParameter ??
    (async (parameters: { Name: string; WithDecryption?: boolean }) => {
      client ??= new SSMClient({});
      const { $metadata: _metadata, ...output } = await client.send(new GetParameterCommand(parameters));
      return JSON.parse(JSON.stringify(output)) as unknown;
    });
  return async (input) => {
    try {
      return await getParameter(input as { Name: string; WithDecryption?: boolean });
    } catch (error) {
      const name = (error as Error).name || 'SsmException';
      throw new TaskError(`Ssm.${name.endsWith('Exception') ? name : `${name}Exception`}`, (error as Error).message);
    }
  };
}

function bindWaitForTaskToken(task: TaskState, bindings: LocalTaskBindings): TaskHandler {
  const wait = bindings.waitForTaskToken;
  if (!wait) {
    throw new Error(`Task state "${task.name}" waits for a task token, but no waitForTaskToken binding was given`);
  }
  return async (input) => {
    try {
      return await wait(input as { FunctionName: string; Payload: unknown });
    } catch (error) {
      if (error instanceof TaskError) {
        throw error;
      }
      throw new TaskError('States.TaskFailed', (error as Error).message);
    }
  };
}
