/**
 * Registry reads and writes that both targets share. They use the shared registry code
 * of the handlers, whose SDK clients reach dynalite or DynamoDB according to the
 * environment that the concrete target sets up in `prepareRegistry`.
 */
import type { PlatformConfig } from '../../config/platform-config';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { ControlPlaneClient } from '../control-plane-client';
import { OperationError } from '../errors';
import type { ExecutionFilter, ExecutionSummary, ExecutionView } from '../executions/execution-view';
import type { TerraformStateView } from '../state/terraform-state';
import type { Target, TargetKind } from './target';

export abstract class BaseTarget implements Target {
  abstract readonly kind: TargetKind;
  readonly controlPlane: ControlPlaneClient;

  constructor(
    readonly config: PlatformConfig,
    /** Interval between registry reads while waiting for a tenant, in milliseconds. */
    protected readonly pollIntervalMs: number,
  ) {
    this.controlPlane = new ControlPlaneClient({ region: config.region, accountId: config.accountId });
  }

  /** Makes the registry tables reachable through the shared SDK clients. */
  protected abstract prepareRegistry(): Promise<void>;
  abstract prepareLifecycle(): Promise<void>;
  abstract listExecutions(filter: ExecutionFilter): Promise<ExecutionSummary[]>;
  abstract getExecution(executionIdOrArn: string): Promise<ExecutionView | undefined>;
  abstract readTerraformState(tenant: TenantRecord): Promise<TerraformStateView | undefined>;
  abstract abandon(tenantIds: readonly string[]): Promise<TenantRecord[]>;
  abstract close(): Promise<void>;

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    await this.prepareRegistry();
    const { getTenant } = await import('../../lambdas/shared/registry');
    return getTenant(tenantId);
  }

  async findTenantByName(tenantName: string): Promise<TenantRecord | undefined> {
    await this.prepareRegistry();
    const { findReservation } = await import('../../lambdas/shared/tenant-names');
    const reservation = await findReservation(tenantName);
    return reservation ? this.getTenant(reservation.tenantId) : undefined;
  }

  async waitForTenant(tenantId: string, isDone: (tenant: TenantRecord) => boolean, signal?: AbortSignal): Promise<TenantRecord> {
    for (;;) {
      const idleBefore = this.lifecycleIdle();
      const tenant = await this.getTenant(tenantId);
      if (!tenant) {
        throw new OperationError(`tenant ${tenantId} disappeared from the registry while waiting for it`, 'tenantId');
      }
      // Idle is checked before the read, so a change made by the last piece of work is seen.
      if (isDone(tenant) || signal?.aborted || idleBefore) {
        return tenant;
      }
      await this.waitForChange(tenantId, signal);
    }
  }

  /** Whether no lifecycle work is left that could change a tenant; only the local target can tell. */
  protected lifecycleIdle(): boolean {
    return false;
  }

  /** Resolves when the tenant may have changed; the default waits one poll interval. */
  protected waitForChange(_tenantId: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async retryOnboarding(tenant: TenantRecord): Promise<TenantRecord | undefined> {
    await this.prepareLifecycle();
    const { retryFailedOnboarding } = await import('../onboarding/retry-onboarding');
    return retryFailedOnboarding(tenant);
  }
}
