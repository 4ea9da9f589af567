/**
 * Runs `statemachines/rollout.asl.json` on this machine with aws-local-stepfunctions: the
 * same definition the control-plane stack deploys, with its Task states bound to local
 * stand-ins. Lambda tasks run the catalogued handlers in-process. The CodeBuild task calls
 * `startBuild`, which is the local CodeBuild runner in the sandbox and a fake in some tests.
 * The SSM task calls `getParameter`, and the approval gate polls a decision file (see
 * approval-records.ts) instead of waiting for SendTaskSuccess.
 *
 * The handlers read their tables from the environment (TENANTS_TABLE, ROLLOUTS_TABLE,
 * TIERS and the AWS_ENDPOINT_URL_* variables), which the caller sets.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../../lambdas/shared/aws-clients';
import type { HandlerId } from '../../lambdas/catalog';
import { APPROVAL_TIMEOUT_SECONDS, ROLLOUT_ERRORS, ROLLOUT_ID_PATTERN } from '../../lambdas/control-plane/rollout/rollout-model';
import { invokeLocalHandler } from '../lambda-runtime';
import { clearWaiting, markWaiting, waitForDecision } from './approval-records';

/** aws-local-stepfunctions 3.0.0 calls Promise.withResolvers, which Node.js 20 lacks. */
function ensurePromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: () => unknown };
  promise.withResolvers ??= () => {
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const created = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
}

export const ROLLOUT_DEFINITION_FILE = path.resolve(__dirname, '..', '..', 'statemachines', 'rollout.asl.json');

/** The fields of a StartBuild request the rollout sends. */
export interface RolloutBuildRequest {
  readonly ProjectName: string;
  readonly EnvironmentVariablesOverride: readonly { readonly Name: string; readonly Value: string; readonly Type?: string }[];
}

/** The parts of a CodeBuild Build the rollout reads. */
export interface RolloutBuild {
  readonly Id: string;
  readonly BuildStatus: string;
}

/** A failed build; the runner turns it into States.TaskFailed with the Build as the cause, as Step Functions does. */
export interface FailedBuildError extends Error {
  readonly build: RolloutBuild;
}

export interface LocalRolloutOptions {
  readonly prefix: string;
  /** Folder where approval records are written and polled. */
  readonly stateDir: string;
  /** Runs one build to its end; resolves with a SUCCEEDED build, rejects with a `FailedBuildError` otherwise. */
  readonly startBuild: (request: RolloutBuildRequest) => Promise<RolloutBuild>;
  /** Reads an SSM parameter; defaults to the SSM client, which honours AWS_ENDPOINT_URL_SSM. */
  readonly getParameter?: (name: string) => Promise<string>;
  /** @default 500 */
  readonly approvalPollMs?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Receives one line per state entered, for progress output. */
  readonly onProgress?: (message: string) => void;
}

export interface LocalRolloutResult {
  readonly rolloutId: string;
  readonly succeeded: boolean;
  /** Error name of a failed execution, such as Rollout.Halted. */
  readonly error?: string;
  readonly cause?: string;
  readonly output?: unknown;
}

/** Names the local stand-ins use for the placeholders of the definition. */
export function substitutePlaceholders(text: string, options: Pick<LocalRolloutOptions, 'prefix' | 'region' | 'accountId'>): string {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const values: Record<string, string> = {
    ProvisioningProjectName: `${options.prefix}-provisioning`,
    TemplateVersionParameter: `/${options.prefix}/control-plane/tenant-template-version`,
  };
  return text.replace(/\$\{([A-Za-z]+)(?::([a-z0-9-]+))?\}/g, (match, name: string, argument: string | undefined) => {
    if (name === 'Function' && argument) {
      return `arn:aws:lambda:${region}:${accountId}:function:${options.prefix}-${argument}`;
    }
    const value = values[name];
    if (value === undefined) {
      throw new Error(`placeholder ${match} in ${ROLLOUT_DEFINITION_FILE} has no local value`);
    }
    return value;
  });
}

type TaskOverride = (input: any) => Promise<unknown>;

interface StateDefinition {
  readonly Type: string;
  readonly Resource?: string;
  readonly ItemProcessor?: { readonly States: Record<string, StateDefinition> };
}

/** Builds one local override per Task state, including those inside Map states. */
function taskOverrides(rawStates: Record<string, StateDefinition>, options: LocalRolloutOptions, signal: AbortSignal): Record<string, TaskOverride> {
  const overrides: Record<string, TaskOverride> = {};
  for (const [name, state] of Object.entries(rawStates)) {
    if (state.ItemProcessor) {
      Object.assign(overrides, taskOverrides(state.ItemProcessor.States, options, signal));
    }
    if (state.Type !== 'Task' || !state.Resource) {
      continue;
    }
    const lambda = /^\$\{Function:([a-z0-9-]+)\}$/.exec(state.Resource);
    if (lambda) {
      const id = lambda[1] as HandlerId;
      overrides[name] = (input) => invokeLocalHandler(id, input, { functionName: `${options.prefix}-${id}`, timeoutMs: 60_000 });
    } else if (state.Resource === 'arn:aws:states:::codebuild:startBuild.sync') {
      overrides[name] = (input) => runBuild(input as RolloutBuildRequest, options);
    } else if (state.Resource === 'arn:aws:states:::aws-sdk:ssm:getParameter') {
      overrides[name] = async (input: { Name: string }) => ({ Parameter: { Name: input.Name, Value: await readParameter(input.Name, options) } });
    } else if (state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      overrides[name] = (input) => waitForApproval(input, options, signal);
    } else {
      throw new Error(`Task state "${name}" uses resource ${state.Resource}, which the local rollout runner cannot run`);
    }
  }
  return overrides;
}

async function runBuild(request: RolloutBuildRequest, options: LocalRolloutOptions): Promise<{ Build: RolloutBuild }> {
  try {
    return { Build: await options.startBuild(request) };
  } catch (error) {
    const build = (error as Partial<FailedBuildError>).build;
    if (build) {
      // Step Functions fails a .sync CodeBuild task with States.TaskFailed and the Build as JSON cause.
      const failure = new Error(JSON.stringify(build));
      failure.name = 'States.TaskFailed';
      throw failure;
    }
    throw error;
  }
}

async function readParameter(name: string, options: LocalRolloutOptions): Promise<string> {
  if (options.getParameter) {
    return options.getParameter(name);
  }
  const result = await ssmClient().send(new GetParameterCommand({ Name: name }));
  const value = result.Parameter?.Value;
  if (value === undefined) {
    throw new Error(`SSM parameter ${name} has no value`);
  }
  return value;
}

interface ApprovalInput {
  readonly FunctionName: string;
  readonly Payload: { readonly rolloutId: string; readonly nextWaveNumber: number; readonly taskToken: string };
}

/**
 * The local approval gate: invokes the approval handler (which stores the token and sets
 * WAITING_FOR_APPROVAL), then polls for a decision file. An approval returns like
 * SendTaskSuccess; a rejection fails like SendTaskFailure with Rollout.Rejected.
 */
async function waitForApproval(input: ApprovalInput, options: LocalRolloutOptions, signal: AbortSignal): Promise<unknown> {
  const handlerId = /:function:(.+)$/.exec(input.FunctionName)?.[1]?.slice(options.prefix.length + 1) as HandlerId | undefined;
  if (!handlerId) {
    throw new Error(`approval FunctionName ${input.FunctionName} is not a function of prefix ${options.prefix}`);
  }
  await invokeLocalHandler(handlerId, input.Payload, { functionName: `${options.prefix}-${handlerId}` });

  const { rolloutId, nextWaveNumber } = input.Payload;
  markWaiting(options.stateDir, { rolloutId, wave: nextWaveNumber, since: new Date().toISOString(), pid: process.pid });
  options.onProgress?.(`rollout ${rolloutId} waits for approval of wave ${nextWaveNumber}: run "tenantform rollout approve ${rolloutId}" or "tenantform rollout reject ${rolloutId}"`);
  try {
    // The Task state's TimeoutSeconds fails the state when no decision arrives in time.
    // The signal then stops the polling, because the execution has ended.
    const decision = await waitForDecision(options.stateDir, rolloutId, nextWaveNumber, {
      pollMs: options.approvalPollMs ?? 500,
      timeoutMs: APPROVAL_TIMEOUT_SECONDS * 1000,
      signal,
    });
    if (signal.aborted) {
      return { approved: false };
    }
    if (decision?.decision === 'approve') {
      return { approved: true, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt };
    }
    const rejection = new Error(decision?.reason ?? `wave ${nextWaveNumber} was rejected${decision?.decidedBy ? ` by ${decision.decidedBy}` : ''}`);
    rejection.name = ROLLOUT_ERRORS.rejected;
    throw rejection;
  } finally {
    clearWaiting(options.stateDir, rolloutId);
  }
}

/**
 * Runs one rollout to its end and returns how it ended. The input is the state machine's
 * input; a `rolloutId` is generated when it has none, so the caller can print it first.
 */
export async function runLocalRollout(input: Record<string, unknown>, options: LocalRolloutOptions): Promise<LocalRolloutResult> {
  ensurePromiseWithResolvers();
  // aws-local-stepfunctions is an ES module build with a CommonJS entry; load it lazily so
  // the polyfill is in place first.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StateMachine, ExecutionError } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');

  const rolloutId = typeof input.rolloutId === 'string' ? input.rolloutId : `rollout-${new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  if (!ROLLOUT_ID_PATTERN.test(rolloutId)) {
    return { rolloutId, succeeded: false, error: ROLLOUT_ERRORS.invalidInput, cause: `rollout id "${rolloutId}" is invalid: it must be 1 to 80 letters, digits, hyphens or underscores` };
  }
  const executionInput = { ...input, rolloutId };

  const rawText = fs.readFileSync(ROLLOUT_DEFINITION_FILE, 'utf8');
  const raw = JSON.parse(rawText) as { States: Record<string, StateDefinition> };
  const definition = JSON.parse(substitutePlaceholders(rawText, options));
  const stopped = new AbortController();
  const overrides = taskOverrides(raw.States, options, stopped.signal);

  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:${options.prefix}-rollout`;
  const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(executionInput, {
    overrides: { taskResourceLocalHandlers: overrides },
    context: {
      Execution: {
        Id: `arn:aws:states:${region}:${accountId}:execution:${options.prefix}-rollout:${rolloutId}`,
        Name: rolloutId,
        Input: executionInput,
        StartTime: new Date().toISOString(),
      },
      StateMachine: { Id: stateMachineArn, Name: `${options.prefix}-rollout` },
      // Local gates are keyed by rollout and wave, so one token serves every task.
      Task: { Token: `local:${rolloutId}` },
    },
  } as Parameters<typeof machine.run>[1]);

  const progress = options.onProgress;
  // Work states of the top level only; the states inside a wave report through the job runner.
  const reported = new Set(Object.entries(raw.States).filter(([, state]) => state.Type === 'Task' || state.Type === 'Map').map(([name]) => name));
  if (progress) {
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered' && 'state' in event && reported.has(event.state.name)) {
          progress(`rollout ${rolloutId}: ${event.state.name}`);
        }
      }
    })();
  }

  try {
    const output = await execution.result;
    return { rolloutId, succeeded: true, output };
  } catch (error) {
    const cause = error instanceof ExecutionError ? (error.cause as Error) : (error as Error);
    return { rolloutId, succeeded: false, error: cause?.name ?? 'Error', cause: cause?.message };
  } finally {
    stopped.abort();
  }
}
