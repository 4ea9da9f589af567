/**
 * Runs `statemachines/rollout.asl.json` on this machine through the local Step Functions
 * runner (`local/stepfunctions`): the same definition the control-plane stack deploys, with
 * its Task states bound to local stand-ins. Lambda tasks run the catalogued handlers in-process. The CodeBuild task calls
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
import type { HandlerId } from '../../lambdas/catalog';
import { APPROVAL_TIMEOUT_SECONDS, ROLLOUT_ERRORS, ROLLOUT_ID_PATTERN } from '../../lambdas/control-plane/rollout/rollout-model';
import { templateVersionParameterName } from '../../constructs/shared/platform-parameters';
import { invokeLocalHandler } from '../lambda-runtime';
import { ExecutionRecord, LocalDefinitionValues, LocalStateMachine, TaskError } from '../stepfunctions';
import { clearWaiting, markWaiting, waitForDecision } from './approval-records';

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
  /** Receives one line per top-level work state entered, for progress output. */
  readonly onProgress?: (message: string) => void;
  /** Receives the execution record after each state event, for the sandbox's execution store. */
  readonly onExecutionUpdate?: (record: ExecutionRecord) => void;
}

export interface LocalRolloutResult {
  readonly rolloutId: string;
  readonly succeeded: boolean;
  /** Error name of a failed execution, such as Rollout.Halted. */
  readonly error?: string;
  readonly cause?: string;
  readonly output?: unknown;
  readonly execution?: ExecutionRecord;
}

/** Local values of the definition's placeholders, with the names the control-plane stack uses. */
export function rolloutDefinitionValues(options: Pick<LocalRolloutOptions, 'prefix' | 'region' | 'accountId'>): LocalDefinitionValues {
  const { prefix } = options;
  return {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    prefix,
    placeholders: {
      EventBusName: `${prefix}-bus`,
      ControlPlaneSource: 'sbt.control.plane',
      ApplicationPlaneSource: 'sbt.application.plane',
      TenantsTable: `${prefix}-tenants`,
      ProvisioningProjectName: `${prefix}-tenant-provisioning`,
      TemplateVersionParameter: templateVersionParameterName(prefix),
    },
  };
}

async function runBuild(request: RolloutBuildRequest, options: LocalRolloutOptions): Promise<RolloutBuild> {
  try {
    return await options.startBuild(request);
  } catch (error) {
    const build = (error as Partial<FailedBuildError>).build;
    if (build) {
      // Step Functions fails a .sync CodeBuild task with States.TaskFailed and the Build as JSON cause.
      throw new TaskError('States.TaskFailed', JSON.stringify(build));
    }
    throw error;
  }
}

interface ApprovalInput {
  readonly FunctionName: string;
  readonly Payload: { readonly rolloutId: string; readonly nextWaveNumber: number; readonly taskToken: string };
}

/**
 * The local approval gate: invokes the approval handler (which stores the token and sets
 * WAITING_FOR_APPROVAL), then polls for a decision file. An approval returns like
 * SendTaskSuccess, and a rejection fails like SendTaskFailure with Rollout.Rejected.
 */
async function waitForApproval(input: ApprovalInput, options: LocalRolloutOptions, signal: AbortSignal): Promise<unknown> {
  const handlerId = /:function:(.+)$/.exec(input.FunctionName)?.[1]?.slice(options.prefix.length + 1) as HandlerId | undefined;
  if (!handlerId) {
    throw new TaskError('States.TaskFailed', `approval FunctionName ${input.FunctionName} is not a function of prefix ${options.prefix}`);
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
    const by = decision?.decidedBy ? ` by ${decision.decidedBy}` : '';
    throw new TaskError(ROLLOUT_ERRORS.rejected, decision?.reason ?? `wave ${nextWaveNumber} was rejected${by}`);
  } finally {
    clearWaiting(options.stateDir, rolloutId);
  }
}

/** Returns the `errorMessage` of a Lambda error cause, which the runner reports as JSON. */
function readableCause(cause: string | undefined): string | undefined {
  if (!cause?.startsWith('{')) {
    return cause;
  }
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/**
 * Runs one rollout to its end through the local Step Functions runner and returns how it
 * ended. The input is the state machine's input; a `rolloutId` is generated when it has
 * none, so the caller can print it first. The execution is named after the rollout.
 */
export async function runLocalRollout(input: Record<string, unknown>, options: LocalRolloutOptions): Promise<LocalRolloutResult> {
  const rolloutId = typeof input.rolloutId === 'string' ? input.rolloutId : `rollout-${new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  if (!ROLLOUT_ID_PATTERN.test(rolloutId)) {
    return { rolloutId, succeeded: false, error: ROLLOUT_ERRORS.invalidInput, cause: `rollout id "${rolloutId}" is invalid: it must be 1 to 80 letters, digits, hyphens or underscores` };
  }

  const values = rolloutDefinitionValues(options);
  const stopped = new AbortController();
  const getParameter = options.getParameter;
  const machine = new LocalStateMachine({
    name: `${options.prefix}-rollout`,
    definitionFile: ROLLOUT_DEFINITION_FILE,
    values,
    bindings: {
      invokeLambda: (handlerId, payload) =>
        invokeLocalHandler(handlerId, payload, { functionName: `${options.prefix}-${handlerId}`, region: values.region, accountId: values.accountId, timeoutMs: 60_000 }),
      startBuildSync: (parameters) => runBuild(parameters as RolloutBuildRequest, options),
      getParameter: getParameter ? async ({ Name }) => ({ Parameter: { Name, Value: await getParameter(Name) } }) : undefined,
      waitForTaskToken: (parameters) => waitForApproval(parameters as unknown as ApprovalInput, options, stopped.signal),
    },
  });

  // Work states of the top level only; the states inside a wave report through the job runner.
  const definition = JSON.parse(fs.readFileSync(ROLLOUT_DEFINITION_FILE, 'utf8')) as { States: Record<string, { Type: string }> };
  const reported = new Set(Object.entries(definition.States).filter(([, state]) => state.Type === 'Task' || state.Type === 'Map').map(([name]) => name));
  let seen = 0;

  try {
    const record = await machine.run(
      { ...input, rolloutId },
      {
        name: rolloutId,
        onUpdate: (current) => {
          for (; seen < current.states.length; seen += 1) {
            const state = current.states[seen];
            if (state.iteration === undefined && reported.has(state.name)) {
              options.onProgress?.(`rollout ${rolloutId}: ${state.name}`);
            }
          }
          options.onExecutionUpdate?.(current);
        },
      },
    );
    options.onExecutionUpdate?.(record);
    if (record.status === 'SUCCEEDED') {
      return { rolloutId, succeeded: true, output: record.output, execution: record };
    }
    return { rolloutId, succeeded: false, error: record.error ?? record.status, cause: readableCause(record.cause), execution: record };
  } finally {
    stopped.abort();
  }
}
