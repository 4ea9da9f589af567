/**
 * Reads a rollout record (header and tenant items) through the rollout store, and renders it
 * for `rollout status` and the end of `rollout start`. Both targets point the store at their
 * rollouts table through ROLLOUTS_TABLE before calling these.
 */
import { OperationError } from '../errors';
import { renderFields, renderTable } from '../output';
import { readTenantNames, tenantLabel } from '../render/tenant-names';
import type { Target } from '../targets/target';
import type { RolloutHeader, RolloutTenantItem } from '../../lambdas/control-plane/rollout/rollout-model';
import { ROLLOUT_ID_PATTERN } from '../../lambdas/control-plane/rollout/rollout-model';
import { getRolloutHeader, listRolloutTenants, listRollouts } from '../../lambdas/control-plane/rollout/rollout-store';

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
  const waves = renderTable(view.waves, [
    { header: 'WAVE', value: (wave) => String(wave.number) },
    { header: 'STATUS', value: (wave) => wave.status },
    { header: 'TENANTS', value: (wave) => String(wave.tenants.length) },
    { header: 'UPDATED', value: (wave) => (wave.succeeded === undefined ? '' : String(wave.succeeded)) },
    { header: 'FAILED', value: (wave) => (wave.failed === undefined ? '' : String(wave.failed)) },
    { header: 'SKIPPED', value: (wave) => (wave.skipped === undefined ? '' : String(wave.skipped)) },
  ]);
  const tenants = renderTable(view.tenants, [
    { header: 'TENANT', value: (tenant) => tenantLabel(tenant.tenantId, tenant.tenantName) },
    { header: 'WAVE', value: (tenant) => (tenant.wave === 0 ? '-' : String(tenant.wave)) },
    { header: 'RESULT', value: (tenant) => tenant.result },
    { header: 'FROM', value: (tenant) => tenant.previousVersion ?? '' },
    { header: 'TO', value: (tenant) => tenant.targetVersion },
    { header: 'REASON', value: (tenant) => tenant.reason ?? '' },
  ]);
  return [fields, '', waves, '', tenants].join('\n');
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
