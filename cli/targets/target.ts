/**
 * The interface of a CLI target. Tenant operations go through the control-plane handlers on
 * both targets (see `ControlPlaneClient`). A target sets up the environment they run in and
 * supplies what differs: where executions and Terraform state are read from, and how to
 * wait for and repair lifecycle operations.
 */
import type { PlatformConfig } from '../../config/platform-config';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import type { ControlPlaneClient } from '../control-plane-client';
import type { ExecutionFilter, ExecutionSummary, ExecutionView } from '../executions/execution-view';
import type { TerraformStateView } from '../state/terraform-state';

export type TargetKind = 'local' | 'aws';

export interface Target {
  readonly kind: TargetKind;
  readonly config: PlatformConfig;
  readonly controlPlane: ControlPlaneClient;

  /** Makes ready everything a lifecycle operation needs; the local target starts its engines here. */
  prepareLifecycle(): Promise<void>;

  /** Reads one tenant, or returns undefined. */
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;

  /** Returns the tenant holding `tenantName` (compared trimmed and lowercased), or undefined. */
  findTenantByName(tenantName: string): Promise<TenantRecord | undefined>;

  /**
   * Reads the tenant until `isDone` accepts it, `signal` aborts, or (locally) the sandbox
   * has no lifecycle work left that could change it. Returns the last record read.
   */
  waitForTenant(tenantId: string, isDone: (tenant: TenantRecord) => boolean, signal?: AbortSignal): Promise<TenantRecord>;

  /**
   * Onboards a PROVISION_FAILED tenant again: a conditional move back to PENDING, then a
   * new onboarding request. Returns undefined when the tenant was no longer PROVISION_FAILED.
   */
  retryOnboarding(tenant: TenantRecord): Promise<TenantRecord | undefined>;

  listExecutions(filter: ExecutionFilter): Promise<ExecutionSummary[]>;
  getExecution(executionIdOrArn: string): Promise<ExecutionView | undefined>;

  /** The tenant's Terraform state, or undefined when the tenant has none (a pooled tenant). */
  readTerraformState(tenant: TenantRecord): Promise<TerraformStateView | undefined>;

  /**
   * Handles a wait interrupted by Ctrl-C: the local target marks tenants still in
   * progress failed (PROVISION_FAILED or DEPROVISION_FAILED) with the reason
   * "interrupted" and returns them; on AWS they keep running and nothing is marked.
   */
  abandon(tenantIds: readonly string[]): Promise<TenantRecord[]>;

  /** Stops engines and releases the state directory; safe to call more than once. */
  close(): Promise<void>;
}
