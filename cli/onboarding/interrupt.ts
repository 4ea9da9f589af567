/**
 * Waits for one tenant with Ctrl-C handling. The first Ctrl-C keeps waiting for a grace
 * period, so the running operation can finish. A second one, or the end of the grace
 * period, stops the wait. The target then marks the tenant failed with the reason
 * "interrupted" if it is still in progress, so it is never left PROVISIONING.
 */
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { formatDuration, Output } from '../output';
import type { Target } from '../targets/target';

export interface InterruptibleWait {
  readonly tenant: TenantRecord;
  readonly interrupted: boolean;
}

export async function waitWithInterrupts(
  output: Output,
  target: Target,
  tenantId: string,
  isDone: (tenant: TenantRecord) => boolean,
  graceMs: number,
): Promise<InterruptibleWait> {
  const stopWaiting = new AbortController();
  let interrupted = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const onInterrupt = () => {
    if (interrupted) {
      stopWaiting.abort();
      return;
    }
    interrupted = true;
    output.progress(`interrupted: waiting up to ${formatDuration(graceMs)} for tenant ${tenantId} to finish (press Ctrl-C again to stop now)`);
    graceTimer = setTimeout(() => stopWaiting.abort(), graceMs);
    graceTimer.unref();
  };
  process.on('SIGINT', onInterrupt);

  let tenant: TenantRecord;
  try {
    tenant = await target.waitForTenant(tenantId, isDone, stopWaiting.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
    clearTimeout(graceTimer);
  }

  if (!isDone(tenant) && stopWaiting.signal.aborted) {
    const [marked] = await target.abandon([tenantId]);
    tenant = marked ?? (await target.getTenant(tenantId)) ?? tenant;
  }
  return { tenant, interrupted };
}
