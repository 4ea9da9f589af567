/**
 * Onboards the entries of a batch with bounded concurrency. A bad entry is reported and
 * does not stop the others. On Ctrl-C (SIGINT) the batch starts no new tenant and waits
 * for the running ones to reach a final status; a second Ctrl-C, or the end of the grace
 * period, stops the wait, and the target then marks every tenant still in progress as
 * PROVISION_FAILED with the reason "interrupted", so a rerun retries it.
 */
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { FINAL_STATUSES } from '../../lambdas/shared/tenant';
import { formatDuration, Output } from '../output';
import type { Target } from '../targets/target';
import { isSuccessful, onboardTenant, OnboardingOutcome } from './onboard-tenant';
import { BatchProgress } from './progress';
import type { OnboardingEntry } from './tenant-file';

export interface BatchOptions {
  readonly concurrency: number;
  readonly wait: boolean;
  /** How long running tenants may take to finish after the first Ctrl-C, in milliseconds. */
  readonly interruptGraceMs: number;
}

export interface BatchResult {
  readonly outcomes: OnboardingOutcome[];
  readonly interrupted: boolean;
  readonly durationMs: number;
}

export async function onboardBatch(target: Target, entries: readonly OnboardingEntry[], output: Output, options: BatchOptions): Promise<BatchResult> {
  const started = Date.now();
  const outcomes: OnboardingOutcome[] = new Array(entries.length);
  const progress = new BatchProgress(output, entries.length, (outcome) => isSuccessful(outcome, options.wait));
  const stopWaiting = new AbortController();
  let stopStarting = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let running = 0;

  const onInterrupt = () => {
    if (!stopStarting) {
      stopStarting = true;
      progress.note(
        `interrupted: no new tenant starts; waiting up to ${formatDuration(options.interruptGraceMs)} for ${running} running ` +
          'to finish (press Ctrl-C again to stop now)',
      );
      graceTimer = setTimeout(() => stopWaiting.abort(), options.interruptGraceMs);
      graceTimer.unref();
      return;
    }
    stopWaiting.abort();
  };
  process.on('SIGINT', onInterrupt);

  let next = 0;
  const worker = async () => {
    while (!stopStarting && next < entries.length) {
      const position = next;
      next += 1;
      const entry = entries[position];
      running += 1;
      progress.entryStarted();
      const outcome = entry.problem
        ? { index: entry.index, request: entry.request, result: 'invalid' as const, message: entry.problem, durationMs: 0 }
        : await onboardTenant(target, entry.request, { wait: options.wait, acceptExisting: true, signal: stopWaiting.signal }, entry.index);
      running -= 1;
      outcomes[position] = outcome;
      progress.entryFinished(outcome);
    }
  };

  progress.start();
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, entries.length)) }, worker));
  } finally {
    process.off('SIGINT', onInterrupt);
    clearTimeout(graceTimer);
  }

  if (stopStarting) {
    await abandonUnfinished(target, outcomes, options.wait);
    entries.forEach((entry, position) => {
      outcomes[position] ??= { index: entry.index, request: entry.request, result: 'interrupted', message: 'not started: the batch was interrupted', durationMs: 0 };
    });
  }
  progress.done();
  return { outcomes, interrupted: stopStarting, durationMs: Date.now() - started };
}

/** Lets the target mark the tenants an interrupted wait left in progress. */
async function abandonUnfinished(target: Target, outcomes: OnboardingOutcome[], waited: boolean): Promise<void> {
  if (!waited) {
    return;
  }
  const unfinished = outcomes
    .map((outcome, position) => ({ outcome, position }))
    .filter(({ outcome }) => outcome?.tenant && !FINAL_STATUSES.includes(outcome.tenant.status));
  if (unfinished.length === 0) {
    return;
  }

  const marked = new Map<string, TenantRecord>((await target.abandon(unfinished.map(({ outcome }) => outcome.tenant!.tenantId))).map((tenant) => [tenant.tenantId, tenant]));
  for (const { outcome, position } of unfinished) {
    const tenant = marked.get(outcome.tenant!.tenantId) ?? (await target.getTenant(outcome.tenant!.tenantId)) ?? outcome.tenant;
    outcomes[position] = {
      ...outcome,
      tenant,
      result: tenant && FINAL_STATUSES.includes(tenant.status) && tenant.status !== 'PROVISION_FAILED' ? outcome.result : 'interrupted',
      message:
        tenant?.statusReason ??
        (target.kind === 'aws'
          ? 'the CLI stopped waiting; onboarding goes on in the deployed control plane'
          : 'the batch was interrupted before onboarding finished'),
    };
  }
}
