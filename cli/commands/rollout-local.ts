/**
 * Rollouts on the local target: the rollout state machine runs in this process through the
 * local runner, and each tenant's job is the real provisioning job in local mode, so it
 * stops at `terraform plan`. Approvals are decision files in the state directory, written
 * without the sandbox lock that the running rollout holds.
 */
import * as path from 'path';
import * as os from 'os';
import type { LocalTarget } from '../targets/local-target';
import { LocalBuildFailedError, runLocalBuild } from '../../local/codebuild';
import { ensureTenantTemplate } from '../../local/sandbox/tenant-template';
import { recordDecision, readWaiting, type ApprovalDecision, type WaitingRecord } from '../../local/rollout/approval-records';
import { runLocalRollout, type LocalRolloutResult, type RolloutBuildRequest } from '../../local/rollout/local-rollout-runner';
import { recoverInterruptedRollouts } from '../../local/rollout/rollout-recovery';
import { assertRolloutCanStart } from './rollout-view';

/** Shortest time between two writes of a running rollout's execution record, in milliseconds. */
const EXECUTION_SAVE_INTERVAL_MS = 500;

/**
 * Runs a rollout (or a rollback) to its end on the sandbox and returns how it ended. Every
 * version is planned from the sandbox's one synthesised template, so locally a version is
 * only the label recorded on the tenants. A rollout that an earlier process left unfinished
 * (Ctrl-C or a crash) is halted first, and its claimed tenants are released. Then a rollout
 * that cannot start (its id is taken, or the rollout to roll back is missing) throws an
 * `OperationError` before it writes anything.
 */
export async function runSandboxRollout(target: LocalTarget, input: Record<string, unknown> & { rolloutId: string }, progress: (message: string) => void): Promise<LocalRolloutResult> {
  const { sandbox, config } = target;
  const recovered = await recoverInterruptedRollouts(sandbox.directory.root, 'interrupted: the process running the rollout ended before the rollout finished');
  for (const rollout of recovered) {
    progress(`rollout ${rollout.rolloutId} was left unfinished by an earlier process: marked HALTED, released tenants: ${rollout.releasedTenants.join(', ') || 'none'}`);
  }
  await assertRolloutCanStart(input);

  progress(`rollout ${input.rolloutId}: local tenants are planned, not applied, so each job stops at terraform plan`);
  await target.prepareLifecycle();
  const template = await ensureTenantTemplate(sandbox.directory.templates, config, progress);
  const jobs = sandbox.tenantJobs;

  const startBuild = async (request: RolloutBuildRequest) => {
    const variables = Object.fromEntries(request.EnvironmentVariablesOverride.map((variable) => [variable.Name, variable.Value]));
    const tenantId = variables.TENANT_ID ?? '';
    const startedAt = new Date().toISOString();
    progress(`tenant ${tenantId}: planning version ${variables.TEMPLATE_VERSION} (local jobs stop at terraform plan)`);
    try {
      const build = await runLocalBuild(request, {
        // Each tenant gets its own folder for its builds and Terraform settings. Its plugin
        // cache contains only symlinks to the unpacked mirror, so this costs nothing.
        workDir: path.join(sandbox.directory.root, 'codebuild', 'rollout', tenantId),
        templateDir: template.directory,
        stateRoot: sandbox.directory.root,
        region: config.region,
        accountId: config.accountId,
        timeoutInMinutes: config.jobTimeoutMinutes,
        // The job keeps its working folder, so `state list` shows the saved plan.
        projectEnvironment: { KEEP_WORK_DIR: '1' },
      });
      jobs.record(tenantId, build, 'update', startedAt);
      return build;
    } catch (error) {
      if (error instanceof LocalBuildFailedError) {
        jobs.record(tenantId, error.build, 'update', startedAt);
        progress(`tenant ${tenantId}: job failed: ${error.errorText.split('\n').pop() ?? error.message}`);
      }
      throw error;
    }
  };

  // The execution is stored like the lifecycle executions, so `executions list` shows it.
  const executions = sandbox.executionStore;
  let lastSave = 0;
  const result = await runLocalRollout(input, {
    prefix: config.prefix,
    region: config.region,
    accountId: config.accountId,
    stateDir: sandbox.directory.root,
    startBuild,
    onProgress: progress,
    onExecutionUpdate: (record) => {
      if (record.status !== 'RUNNING' || Date.now() - lastSave >= EXECUTION_SAVE_INTERVAL_MS) {
        lastSave = Date.now();
        executions.save({ stateMachineId: 'rollout', ownerPid: process.pid, record });
      }
    },
  });
  return result;
}

/**
 * Records an approval or rejection for the gate a local rollout waits at. Needs no lock:
 * the waiting process polls the decision file and resumes or stops.
 */
export function decideSandboxRollout(
  stateDir: string,
  rolloutId: string,
  decision: 'approve' | 'reject',
  reason: string | undefined,
): { decision: ApprovalDecision; waiting: WaitingRecord | undefined } {
  const waiting = readWaiting(stateDir, rolloutId);
  const recorded = recordDecision(stateDir, rolloutId, { decision, decidedBy: operatorName(), ...(reason ? { reason } : {}) });
  return { decision: recorded, waiting };
}

function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
