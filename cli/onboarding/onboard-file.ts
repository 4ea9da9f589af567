/**
 * `tenants onboard --file FILE`: onboards every entry of the file, shows progress, and ends
 * with a summary table (or, with --json, the outcomes). Exit code 1 when any entry did not
 * end with an active tenant.
 */
import type { CommandContext } from '../commands/command-context';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../errors';
import { formatDuration } from '../output';
import { renderOutcomeTable, tenantJson } from '../render/tenants';
import { onboardBatch } from './batch';
import { isSuccessful, OnboardingOutcome } from './onboard-tenant';
import { readOnboardingFile } from './tenant-file';

export interface OnboardFileOptions {
  readonly wait: boolean;
  readonly concurrency: number;
  readonly interruptGrace: number;
}

export async function onboardFile(context: CommandContext, file: string, options: OnboardFileOptions): Promise<number> {
  const entries = readOnboardingFile(file);
  const { output } = context;
  if (entries.length === 0) {
    output.progress(`${file} lists no tenants; nothing to onboard`);
    output.result({ summary: summarise([], options.wait), tenants: [] }, () => '');
    return EXIT_SUCCESS;
  }

  const target = await context.target();
  output.progress(`onboarding ${entries.length} tenants from ${file} on the ${target.kind} target, ${options.concurrency} at a time`);
  const batch = await onboardBatch(target, entries, output, {
    concurrency: options.concurrency,
    wait: options.wait,
    interruptGraceMs: options.interruptGrace * 1000,
  });

  const summary = summarise(batch.outcomes, options.wait);
  output.progress(
    `${summary.succeeded} of ${summary.total} tenants ${options.wait ? 'active' : 'accepted'} (${summary.created} created, ${summary.existing} existing, ` +
      `${summary.retried} retried), ${summary.failed - summary.interrupted} failed, ${summary.interrupted} interrupted, in ${formatDuration(batch.durationMs)}` +
      (batch.interrupted ? '; the batch was interrupted, so run it again to onboard the rest' : ''),
  );
  if (summary.existing > 0 && summary.created === 0 && summary.retried === 0 && summary.failed === 0) {
    output.progress('every tenant in the file exists already; nothing was onboarded twice');
  }

  output.result(
    {
      summary,
      interrupted: batch.interrupted,
      tenants: batch.outcomes.map((outcome) => ({
        index: outcome.index,
        result: outcome.result,
        ...(outcome.tenant ? { tenant: tenantJson(outcome.tenant) } : { request: outcome.request }),
        ...(outcome.message ? { message: outcome.message } : {}),
        ...(outcome.field ? { field: outcome.field } : {}),
        durationMs: outcome.durationMs,
      })),
    },
    () => renderOutcomeTable(batch.outcomes),
  );
  return summary.failed === 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

function summarise(outcomes: readonly OnboardingOutcome[], waited: boolean) {
  const count = (result: OnboardingOutcome['result']) => outcomes.filter((outcome) => outcome.result === result).length;
  const succeeded = outcomes.filter((outcome) => isSuccessful(outcome, waited)).length;
  return {
    total: outcomes.length,
    succeeded,
    failed: outcomes.length - succeeded,
    created: count('created'),
    existing: count('exists'),
    retried: count('retried'),
    invalid: count('invalid'),
    interrupted: count('interrupted'),
  };
}
