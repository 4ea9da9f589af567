/**
 * `tenantform rollout ...`: bring every silo tenant to a tenant-template version in waves,
 * watch a rollout, approve or reject it at its gates, and roll it back. On the local target the
 * rollout runs in this process with plan-only jobs; on AWS it is an execution of the
 * deployed rollout state machine.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_FAILURE, EXIT_SUCCESS, OperationError } from '../errors';
import type { OutputStreams } from '../output';
import type { RunState } from '../program';
import { CommandContext, runCommand } from './command-context';
import type { LocalTarget } from '../targets/local-target';
import { positiveInteger } from './tenants';
import { DEFAULT_ROLLOUT_CONCURRENCY, MAX_ROLLOUT_CONCURRENCY, ROLLOUT_ID_PATTERN, TEMPLATE_VERSION_PATTERN } from '../../lambdas/control-plane/rollout/rollout-model';
import { DEFAULT_WAVE_SPEC, parseWaveSpec } from '../../lambdas/control-plane/rollout/wave-spec';

interface StartOptions {
  /** Tenant-template version to apply. */
  readonly version: string;
  readonly waves: string;
  readonly concurrency: number;
  readonly toleratedFailurePercentage?: number;
  readonly approveBetweenWaves?: boolean;
  readonly rolloutId?: string;
}

interface RollbackOptions {
  readonly concurrency: number;
  readonly rolloutId?: string;
}

export function registerRolloutCommands(program: Command, streams: OutputStreams, run: RunState): void {
  const rollout = program
    .command('rollout')
    .description('update every ACTIVE silo tenant to a tenant-template version in waves, with approval, halting and rollback');

  rollout
    .command('start')
    .description('start a rollout; locally it runs to its end here, and each tenant job stops at terraform plan')
    .requiredOption('--version <version>', 'tenant-template version to apply, such as 1.4.0-3f2a9c1d0b7e', parseVersion)
    .addOption(new Option('--waves <spec>', 'waves as cumulative targets: canary:N first, then counts N or percentages P%, ending with 100%').argParser(parseWaves).default(DEFAULT_WAVE_SPEC))
    .addOption(new Option('--concurrency <n>', `tenants updated at the same time within a wave, 1 to ${MAX_ROLLOUT_CONCURRENCY}`).argParser(parseConcurrency).default(DEFAULT_ROLLOUT_CONCURRENCY))
    .option('--tolerated-failure-percentage <p>', 'share of a wave\'s tenants, in percent, that may fail before the rollout halts (default: 0)', parsePercentage)
    .option('--approve-between-waves', 'wait for "rollout approve" before each wave after the first')
    .option('--rollout-id <id>', 'id of the rollout (default: generated)', parseRolloutId)
    .option('--json', 'print the rollout as JSON on stdout')
    .action((_options, command: Command) =>
      runCommand<StartOptions>(command, streams, run, (context, options) =>
        startRollout(context, {
          targetVersion: options.version,
          waves: options.waves,
          concurrency: options.concurrency,
          ...(options.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: options.toleratedFailurePercentage } : {}),
          approveBetweenWaves: options.approveBetweenWaves === true,
          startedBy: 'cli',
          rolloutId: options.rolloutId ?? newRolloutId(),
        }),
      ),
    );

  rollout
    .command('status')
    .description('show one rollout with its waves and tenants, or list the latest rollouts')
    .argument('[rollout]', 'rollout id; without it, the latest rollouts are listed', parseRolloutId)
    .addOption(new Option('--limit <n>', 'maximum number of rollouts to list').argParser(positiveInteger).default(20))
    .option('--json', 'print the rollout or the list as JSON on stdout')
    .action((rolloutId: string | undefined, _options, command: Command) =>
      runCommand<{ limit: number }>(command, streams, run, (context, options) => showStatus(context, rolloutId, options.limit)),
    );

  for (const decision of ['approve', 'reject'] as const) {
    rollout
      .command(decision)
      .description(decision === 'approve' ? 'let a rollout waiting at its approval gate start its next wave' : 'stop a rollout waiting at its approval gate; it ends REJECTED')
      .argument('<rollout>', 'rollout id', parseRolloutId)
      .option('--reason <text>', 'why, stored on the rollout')
      .option('--json', 'print the decision as JSON on stdout')
      .action((rolloutId: string, _options, command: Command) =>
        runCommand<{ reason?: string }>(command, streams, run, (context, options) => decide(context, rolloutId, decision, options.reason)),
      );
  }

  rollout
    .command('rollback')
    .description('return the tenants a rollout updated to the versions they ran before it')
    .argument('<rollout>', 'id of the rollout to undo', parseRolloutId)
    .addOption(new Option('--concurrency <n>', `tenants rolled back at the same time, 1 to ${MAX_ROLLOUT_CONCURRENCY}`).argParser(parseConcurrency).default(DEFAULT_ROLLOUT_CONCURRENCY))
    .option('--rollout-id <id>', 'id of the rollback (default: generated)', parseRolloutId)
    .option('--json', 'print the rollback as JSON on stdout')
    .action((rolloutId: string, _options, command: Command) =>
      runCommand<RollbackOptions>(command, streams, run, (context, options) =>
        startRollout(context, {
          mode: 'rollback',
          rollbackOf: rolloutId,
          concurrency: options.concurrency,
          startedBy: 'cli',
          rolloutId: options.rolloutId ?? newRolloutId(),
        }),
      ),
    );
}

async function startRollout(context: CommandContext, input: Record<string, unknown> & { rolloutId: string }): Promise<number> {
  const target = await context.target();
  const output = context.output;

  if (target.kind === 'aws') {
    const rollouts = await awsRollouts(context);
    const { assertRolloutCanStart } = await import('./rollout-view');
    await assertRolloutCanStart(input);
    const executionArn = await rollouts.start(input);
    output.progress(`rollout ${input.rolloutId} started as execution ${executionArn}; follow it with "tenantform --target aws rollout status ${input.rolloutId}"`);
    output.result({ rolloutId: input.rolloutId, executionArn }, () => input.rolloutId);
    return EXIT_SUCCESS;
  }

  const { runSandboxRollout } = await import('./rollout-local');
  const result = await runSandboxRollout(target as LocalTarget, input, (message) => output.progress(message));
  if (result.error === 'Rollout.InvalidInput') {
    throw new OperationError(result.cause ?? 'the rollout input is invalid', 'rollout');
  }
  const { describeEmptyRollout, readRolloutView, renderRollout } = await import('./rollout-view');
  const view = await readRolloutView(result.rolloutId, target);
  const empty = describeEmptyRollout(view);
  output.progress(result.succeeded ? `rollout ${result.rolloutId} ${view.status}` : `rollout ${result.rolloutId} ${view.status}: ${result.cause ?? result.error}`);
  if (empty !== undefined) {
    output.progress(empty);
  }
  output.result(view, () => renderRollout(view));
  return result.succeeded ? EXIT_SUCCESS : EXIT_FAILURE;
}

async function showStatus(context: CommandContext, rolloutId: string | undefined, limit: number): Promise<void> {
  if (context.options.target === 'local') {
    await explainLockedSandbox(context, rolloutId);
  }
  const target = await context.target();
  if (target.kind === 'aws') {
    await awsRollouts(context);
  }
  // Loaded here, after the target has set the handlers' environment, because the store's
  // SDK clients and Powertools read it when they are first loaded.
  const { listRolloutSummaries, readRolloutView, renderRollout, renderRolloutList } = await import('./rollout-view');
  if (rolloutId === undefined) {
    const rollouts = await listRolloutSummaries(limit);
    context.output.result(rollouts, () => renderRolloutList(rollouts));
    return;
  }
  const view = await readRolloutView(rolloutId, target);
  context.output.result(view, () => renderRollout(view));
}

/**
 * A running local rollout holds the sandbox lock, so its record cannot be read. This prints
 * what the rollout waits for, before the lock error names the holder.
 */
async function explainLockedSandbox(context: CommandContext, rolloutId: string | undefined): Promise<void> {
  const { resolveStateDirectory } = await import('../../local/sandbox/state-directory');
  const { readWaiting } = await import('../../local/rollout/approval-records');
  const waiting = rolloutId === undefined ? undefined : readWaiting(resolveStateDirectory(context.options.stateDir), rolloutId);
  if (waiting) {
    context.output.progress(`rollout ${waiting.rolloutId} is waiting for approval of wave ${waiting.wave} in process ${waiting.pid} (since ${waiting.since})`);
  }
}

async function decide(context: CommandContext, rolloutId: string, decision: 'approve' | 'reject', reason: string | undefined): Promise<void> {
  if (context.options.target === 'local') {
    const { resolveStateDirectory } = await import('../../local/sandbox/state-directory');
    const { readWaiting } = await import('../../local/rollout/approval-records');
    const stateDir = resolveStateDirectory(context.options.stateDir);
    if (!readWaiting(stateDir, rolloutId)) {
      throw await explainMissingGate(context, rolloutId, decision);
    }
    const { decideSandboxRollout } = await import('./rollout-local');
    let recorded;
    try {
      recorded = decideSandboxRollout(stateDir, rolloutId, decision, reason);
    } catch (error) {
      throw new OperationError((error as Error).message, 'rollout');
    }
    context.output.progress(`wave ${recorded.decision.wave} of rollout ${rolloutId} ${decision === 'approve' ? 'approved' : 'rejected'}; the waiting process resumes within a second`);
    context.output.result(recorded.decision, () => '');
    return;
  }

  await context.target();
  const rollouts = await awsRollouts(context);
  const { wave } = await rollouts.decide(rolloutId, decision, reason);
  context.output.progress(`wave ${wave} of rollout ${rolloutId} ${decision === 'approve' ? 'approved' : 'rejected'}`);
  context.output.result({ rolloutId, wave, decision, ...(reason ? { reason } : {}) }, () => '');
}

/**
 * Explains why local rollout `rolloutId` has no approval gate to `decision`: it was not
 * found, or it is in another status. Reading the record opens the sandbox. When another
 * process holds the sandbox lock, the error names that process instead.
 */
async function explainMissingGate(context: CommandContext, rolloutId: string, decision: 'approve' | 'reject'): Promise<OperationError> {
  const { StateDirectoryLockedError } = await import('../../local/sandbox/process-lock');
  try {
    await context.target();
  } catch (error) {
    if (!(error instanceof StateDirectoryLockedError)) {
      throw error;
    }
    const { pid, command } = error.holder;
    return new OperationError(
      `rollout ${rolloutId} is not waiting for approval, and its record cannot be read while process ${pid} ("${command}") uses the state directory; check it with "tenantform rollout status ${rolloutId}" after that process ends`,
      'rollout',
    );
  }
  // Loaded after the target has set the handlers' environment, as in showStatus.
  const { getRolloutHeader } = await import('../../lambdas/control-plane/rollout/rollout-store');
  const header = await getRolloutHeader(rolloutId);
  if (!header) {
    return new OperationError(`rollout ${rolloutId} was not found; list rollouts with "tenantform rollout status"`, 'rollout');
  }
  if (header.status === 'RUNNING' || header.status === 'WAITING_FOR_APPROVAL') {
    // This process holds the sandbox lock, so the process that ran the rollout has ended.
    return new OperationError(
      `rollout ${rolloutId} is recorded as ${header.status}, but the process that ran it has ended, so there is nothing to ${decision}; the next "tenantform rollout start" or "rollout rollback" marks it HALTED`,
      'rollout',
    );
  }
  return new OperationError(`rollout ${rolloutId} is ${header.status}, not WAITING_FOR_APPROVAL, so there is nothing to ${decision}`, 'rollout');
}

async function awsRollouts(context: CommandContext) {
  const { AwsRollouts, loadAwsRolloutSettings } = await import('./rollout-aws');
  const { resolveAwsSettingsFile } = await import('../targets/aws/aws-settings');
  return new AwsRollouts(loadAwsRolloutSettings(resolveAwsSettingsFile(context.options.awsConfig), await context.config()));
}

function newRolloutId(): string {
  const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14);
  return `rollout-${stamp}-${Math.random().toString(16).slice(2, 8)}`;
}

function parseVersion(value: string): string {
  if (!TEMPLATE_VERSION_PATTERN.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not a template version: use 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.`);
  }
  return value;
}

function parseWaves(value: string): string {
  try {
    parseWaveSpec(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
  return value;
}

function parseConcurrency(value: string): number {
  const parsed = positiveInteger(value);
  if (parsed > MAX_ROLLOUT_CONCURRENCY) {
    throw new InvalidArgumentError(`"${value}" is more than ${MAX_ROLLOUT_CONCURRENCY}, the most iterations Step Functions runs at once in an inline Map.`);
  }
  return parsed;
}

function parsePercentage(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 100) {
    throw new InvalidArgumentError(`"${value}" is not a percentage from 0 to 100.`);
  }
  return parsed;
}

function parseRolloutId(value: string): string {
  if (!ROLLOUT_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not a rollout id: use 1 to 80 letters, digits, hyphens or underscores.`);
  }
  return value;
}
