/**
 * Reads a rollout record (header and tenant items) through the rollout store, and renders it
 * for `rollout status` and the end of `rollout start`. Also checks, before a rollout or a
 * rollback starts, that its id is new and that the rollout to roll back exists. Both targets
 * point the store at their rollouts table through ROLLOUTS_TABLE before calling these.
 */
import { OperationError } from '../errors';
import { renderFields, renderTable } from '../output';
import { readTenantNames, tenantLabel } from '../render/tenant-names';
import type { Target } from '../targets/target';
import type { RolloutHeader, RolloutTenantItem } from '../../lambdas/control-plane/rollout/rollout-model';
import { ROLLOUT_ID_PATTERN } from '../../lambdas/control-plane/rollout/rollout-model';
import { getRolloutHeader, listRolloutTenants, listRollouts } from '../../lambdas/control-plane/rollout/rollout-store';
import { rollbackProblem } from '../../lambdas/control-plane/rollout/plan-rollout';

export interface RolloutView {
  readonly rolloutId: string;
  readonly mode: RolloutHeader['mode'];
  readonly status: RolloutHeader['status'];
  readonly targetVersion: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly statusReason?: string;
  readonly failedTenants: readonly string[];
  readonly approvalForWave?: number;
  readonly rollbackOf?: string;
  readonly rolledBackBy?: string;
  readonly waves: RolloutHeader['waves'];
  readonly tenants: readonly RolloutTenantView[];
}

/** A tenant of a rollout, with its name from the registry when the tenant still exists. */
export type RolloutTenantView = Omit<RolloutTenantItem, 'rolloutId' | 'itemKey'> & { readonly tenantName?: string };

/**
 * Reads one rollout and the names of its tenants from `target`'s registry, or throws an
 * `OperationError` that explains how to list rollouts.
 */
export async function readRolloutView(rolloutId: string, target: Pick<Target, 'getTenant'>): Promise<RolloutView> {
  if (!ROLLOUT_ID_PATTERN.test(rolloutId)) {
    throw new OperationError(`rollout id ${JSON.stringify(rolloutId)} is invalid: it must be 1 to 80 letters, digits, hyphens or underscores`, 'rollout');
  }
  const header = await getRolloutHeader(rolloutId);
  if (!header) {
    throw new OperationError(`rollout ${rolloutId} was not found; list rollouts with "tenantform rollout status"`, 'rollout');
  }
  const items = await listRolloutTenants(rolloutId);
  const names = await readTenantNames(target, items.map((item) => item.tenantId));
  const tenants: RolloutTenantView[] = items
    .map(({ rolloutId: _rolloutId, itemKey: _itemKey, ...item }) => (names.has(item.tenantId) ? { ...item, tenantName: names.get(item.tenantId) } : item))
    .sort((a, b) => a.wave - b.wave || a.tenantId.localeCompare(b.tenantId));
  return {
    rolloutId: header.rolloutId,
    mode: header.mode,
    status: header.status,
    targetVersion: header.targetVersion,
    createdAt: header.createdAt,
    finishedAt: header.finishedAt,
    statusReason: header.statusReason,
    failedTenants: header.failedTenants ?? [],
    approvalForWave: header.approvalForWave,
    rollbackOf: header.rollbackOf,
    rolledBackBy: header.rolledBackBy,
    waves: header.waves,
    tenants,
  };
}

/**
 * Throws an `OperationError` when the rollout that `input` describes cannot start: its id is
 * taken, or it is a rollback of a rollout that does not exist or cannot be rolled back. The
 * state machine checks the same, but only after its execution has started.
 */
export async function assertRolloutCanStart(input: { readonly rolloutId: string; readonly mode?: unknown; readonly rollbackOf?: unknown }): Promise<void> {
  if (input.mode === 'rollback' && typeof input.rollbackOf === 'string') {
    const original = await getRolloutHeader(input.rollbackOf);
    if (!original) {
      throw new OperationError(`rollout ${input.rollbackOf} was not found; list rollouts with "tenantform rollout status"`, 'rollout');
    }
    const problem = rollbackProblem(original);
    if (problem !== undefined) {
      throw new OperationError(problem, 'rollout');
    }
  }

  const existing = await getRolloutHeader(input.rolloutId);
  if (existing) {
    throw new OperationError(
      `rollout ${input.rolloutId} already exists (${existing.status}, started ${existing.createdAt}); choose another --rollout-id or leave it out`,
      'rollout-id',
    );
  }
}

/** Returns the reason a rollout has no waves, as one line, or undefined when it has waves. */
export function describeEmptyRollout(view: RolloutView): string | undefined {
  if (view.waves.length > 0) {
    return undefined;
  }
  const skipped = view.tenants.filter((tenant) => tenant.result === 'SKIPPED').length;
  if (view.mode === 'rollback') {
    return skipped > 0
      ? `nothing to roll back: rollout ${view.rollbackOf} recorded no previous version for the ${countTenants(skipped)} it updated`
      : `nothing to roll back: rollout ${view.rollbackOf} updated no tenant`;
  }
  return skipped > 0
    ? `no silo tenants to update: the ${countTenants(skipped, 'ACTIVE silo')} already ${skipped === 1 ? 'runs' : 'run'} version ${view.targetVersion}`
    : 'no silo tenants to update: no ACTIVE tenant is on a silo tier';
}

function countTenants(count: number, kind = ''): string {
  const noun = count === 1 ? 'tenant' : 'tenants';
  return kind === '' ? `${count} ${noun}` : `${count} ${kind} ${noun}`;
}

export async function listRolloutSummaries(limit: number): Promise<RolloutHeader[]> {
  return listRollouts(limit);
}

export function renderRollout(view: RolloutView): string {
  const fields = renderFields([
    ['Rollout', view.rolloutId],
    ['Mode', view.mode === 'rollback' ? `rollback of ${view.rollbackOf}` : 'deploy'],
    ['Status', view.status],
    ['Target version', view.targetVersion],
    ['Started', view.createdAt],
    ['Finished', view.finishedAt],
    ['Waiting for', view.status === 'WAITING_FOR_APPROVAL' && view.approvalForWave ? `approval of wave ${view.approvalForWave}` : undefined],
    ['Reason', view.statusReason],
    ['Failed tenants', view.failedTenants.length > 0 ? view.failedTenants.join(', ') : undefined],
    ['Rolled back by', view.rolledBackBy],
  ]);
  const empty = describeEmptyRollout(view);
  if (empty !== undefined) {
    return [fields, '', empty, ...(view.tenants.length > 0 ? ['', renderTenants(view)] : [])].join('\n');
  }
  const waves = renderTable(view.waves, [
    { header: 'WAVE', value: (wave) => String(wave.number) },
    { header: 'STATUS', value: (wave) => wave.status },
    { header: 'TENANTS', value: (wave) => String(wave.tenants.length) },
    { header: 'UPDATED', value: (wave) => (wave.succeeded === undefined ? '' : String(wave.succeeded)) },
    { header: 'FAILED', value: (wave) => (wave.failed === undefined ? '' : String(wave.failed)) },
    { header: 'SKIPPED', value: (wave) => (wave.skipped === undefined ? '' : String(wave.skipped)) },
  ]);
  return [fields, '', waves, '', renderTenants(view)].join('\n');
}

function renderTenants(view: RolloutView): string {
  return renderTable(view.tenants, [
    { header: 'TENANT', value: (tenant) => tenantLabel(tenant.tenantId, tenant.tenantName) },
    { header: 'WAVE', value: (tenant) => (tenant.wave === 0 ? '-' : String(tenant.wave)) },
    { header: 'RESULT', value: (tenant) => tenant.result },
    { header: 'FROM', value: (tenant) => tenant.previousVersion ?? '' },
    { header: 'TO', value: (tenant) => tenant.targetVersion },
    { header: 'REASON', value: (tenant) => tenant.reason ?? '' },
  ]);
}

export function renderRolloutList(rollouts: readonly RolloutHeader[]): string {
  if (rollouts.length === 0) {
    return 'no rollouts yet; start one with "tenantform rollout start --version V"';
  }
  return renderTable(rollouts, [
    { header: 'ROLLOUT', value: (rollout) => rollout.rolloutId },
    { header: 'MODE', value: (rollout) => rollout.mode },
    { header: 'STATUS', value: (rollout) => rollout.status },
    { header: 'VERSION', value: (rollout) => rollout.targetVersion },
    { header: 'WAVES', value: (rollout) => String(rollout.waves.length) },
    { header: 'STARTED', value: (rollout) => rollout.createdAt },
  ]);
}
