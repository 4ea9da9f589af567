/**
 * First step of the rollout state machine: validates the input, reads the ACTIVE silo
 * tenants from the registry (a paginated Query of the `by-tier` index per silo tier, never a
 * Scan), splits them into waves and writes the rollout record. A rollback instead takes the
 * tenants that the earlier rollout updated, with their previous versions as targets.
 */
import { randomUUID } from 'crypto';
import { logger } from '../../shared/powertools';
import type { TenantRecord } from '../../shared/tenant';
import {
  PlannedWave,
  ROLLOUT_ERRORS,
  ROLLOUT_SCHEMA,
  RolloutHeader,
  RolloutInput,
  RolloutState,
  RolloutTenantItem,
  TEMPLATE_VERSION_PATTERN,
  WaveItem,
  rolloutInputSchema,
  tenantItemKey,
} from './rollout-model';
import { createRollout, getRolloutHeader, listRolloutTenants } from './rollout-store';
import { siloTenants } from './silo-tenants';
import { WaveSpecError, assignWaves, parseWaveSpec } from './wave-spec';

export interface PlanRolloutEvent {
  /** The execution input, with `template.version` when the state machine read the parameter. */
  readonly request: Record<string, unknown> & { template?: { version?: unknown } };
  readonly executionId: string;
  readonly executionName?: string;
}

/** Raised for input the rollout cannot run with; the state machine fails with this name. */
export class InvalidRolloutInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ROLLOUT_ERRORS.invalidInput;
  }
}

export async function handler(event: PlanRolloutEvent): Promise<RolloutState> {
  const { template, ...raw } = event.request ?? {};
  const parsed = rolloutInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'input';
    throw new InvalidRolloutInputError(`rollout input field ${field} is invalid: ${issue?.message ?? 'unexpected value'}`);
  }
  const input = parsed.data;
  const rolloutId = input.rolloutId ?? defaultRolloutId(event.executionName);
  logger.appendKeys({ rolloutId, executionId: event.executionId });

  const plan = input.mode === 'rollback' ? await planRollback(input) : await planDeploy(input, template?.version);
  const now = new Date().toISOString();
  const toleratedFailurePercentage = input.toleratedFailurePercentage ?? (input.mode === 'rollback' ? 100 : 0);

  const header: RolloutHeader & { executionId: string } = {
    rolloutId,
    itemKey: ROLLOUT_SCHEMA.headerItemKey,
    listPartition: ROLLOUT_SCHEMA.listPartition,
    mode: input.mode,
    status: 'RUNNING',
    targetVersion: plan.targetVersion,
    waveSpec: input.mode === 'rollback' ? 'waves of the rolled-back rollout' : input.waves,
    concurrency: input.concurrency,
    toleratedFailurePercentage,
    approveBetweenWaves: input.approveBetweenWaves,
    waves: plan.waves.map((wave) => ({ number: wave.number, tenants: wave.items.map((item) => item.tenantId), status: 'PENDING' as const })),
    createdAt: now,
    updatedAt: now,
    startedBy: input.startedBy,
    rollbackOf: input.rollbackOf,
    executionId: event.executionId,
  };
  const tenantItems: RolloutTenantItem[] = [
    ...plan.waves.flatMap((wave) =>
      wave.items.map((item) => ({
        rolloutId,
        itemKey: tenantItemKey(item.tenantId),
        tenantId: item.tenantId,
        wave: wave.number,
        targetVersion: item.targetVersion,
        result: 'PENDING' as const,
        updatedAt: now,
      })),
    ),
    ...plan.skipped.map((skip) => ({
      rolloutId,
      itemKey: tenantItemKey(skip.tenantId),
      tenantId: skip.tenantId,
      wave: 0,
      targetVersion: skip.targetVersion,
      result: 'SKIPPED' as const,
      reason: skip.reason,
      updatedAt: now,
    })),
  ];

  if (!(await createRollout(header, tenantItems))) {
    throw new InvalidRolloutInputError(`rollout ${rolloutId} already exists; choose another rollout id, or leave it out to get a new one`);
  }
  logger.info('rollout planned', { mode: input.mode, targetVersion: plan.targetVersion, waves: plan.waves.length, skipped: plan.skipped.length });

  return {
    rolloutId,
    mode: input.mode,
    targetVersion: plan.targetVersion,
    waves: plan.waves,
    waveCount: plan.waves.length,
    waveIndex: 0,
    concurrency: input.concurrency,
    toleratedFailurePercentage,
    approveBetweenWaves: input.approveBetweenWaves,
  };
}

function defaultRolloutId(executionName: string | undefined): string {
  if (executionName && /^[A-Za-z0-9_-]{1,80}$/.test(executionName)) {
    return executionName;
  }
  return `rollout-${new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}

interface Plan {
  readonly targetVersion: string;
  readonly waves: PlannedWave[];
  readonly skipped: { tenantId: string; targetVersion: string; reason: string }[];
}

async function planDeploy(input: RolloutInput, parameterVersion: unknown): Promise<Plan> {
  if (input.rollbackOf !== undefined) {
    throw new InvalidRolloutInputError('rollout input field rollbackOf is only allowed with mode "rollback"');
  }
  const targetVersion = input.targetVersion ?? parameterVersion;
  if (typeof targetVersion !== 'string' || !TEMPLATE_VERSION_PATTERN.test(targetVersion)) {
    throw new InvalidRolloutInputError(
      `rollout target version ${JSON.stringify(targetVersion)} is invalid; pass targetVersion, or publish a version to the tenant-template version parameter first`,
    );
  }

  let targets;
  try {
    targets = parseWaveSpec(input.waves);
  } catch (error) {
    throw new InvalidRolloutInputError((error as Error).message);
  }

  const tenants = await siloTenants(['ACTIVE']);
  const pending = tenants.filter((tenant) => tenant.templateVersion !== targetVersion);
  const skipped = tenants
    .filter((tenant) => tenant.templateVersion === targetVersion)
    .map((tenant) => ({ tenantId: tenant.tenantId, targetVersion, reason: `tenant ${tenant.tenantId} already runs version ${targetVersion}` }));

  let grouped: TenantRecord[][];
  try {
    grouped = assignWaves(pending, targets);
  } catch (error) {
    if (error instanceof WaveSpecError) {
      throw new InvalidRolloutInputError(error.message);
    }
    throw error;
  }
  const waves = grouped.map((wave, index) => ({
    number: index + 1,
    items: wave.map((tenant): WaveItem => ({ tenantId: tenant.tenantId, targetVersion })),
  }));
  return { targetVersion, waves, skipped };
}

async function planRollback(input: RolloutInput): Promise<Plan> {
  if (!input.rollbackOf) {
    throw new InvalidRolloutInputError('rollout input field rollbackOf is required with mode "rollback"; give the id of the rollout to undo');
  }
  if (input.targetVersion !== undefined) {
    throw new InvalidRolloutInputError('rollout input field targetVersion is not allowed with mode "rollback"; each tenant returns to its own previous version');
  }
  const original = await getRolloutHeader(input.rollbackOf);
  if (!original) {
    throw new InvalidRolloutInputError(`rollout ${input.rollbackOf} was not found, so it cannot be rolled back`);
  }
  const problem = rollbackProblem(original);
  if (problem !== undefined) {
    throw new InvalidRolloutInputError(problem);
  }

  const updated = (await listRolloutTenants(input.rollbackOf)).filter((item) => item.result === 'SUCCEEDED');
  const byWave = new Map<number, WaveItem[]>();
  const skipped: Plan['skipped'] = [];
  for (const item of updated.sort((a, b) => a.wave - b.wave || a.tenantId.localeCompare(b.tenantId))) {
    if (!item.previousVersion) {
      skipped.push({ tenantId: item.tenantId, targetVersion: 'none', reason: `no version was recorded for tenant ${item.tenantId} before rollout ${input.rollbackOf}` });
      continue;
    }
    const wave = byWave.get(item.wave) ?? [];
    wave.push({ tenantId: item.tenantId, targetVersion: item.previousVersion, expectedVersion: item.targetVersion });
    byWave.set(item.wave, wave);
  }
  const waves = [...byWave.values()].map((items, index) => ({ number: index + 1, items }));
  const versions = [...new Set(waves.flatMap((wave) => wave.items.map((item) => item.targetVersion)))];
  return { targetVersion: versions.length > 0 ? versions.join(', ') : original.targetVersion, waves, skipped };
}

/**
 * Returns why the rollout with header `original` cannot be rolled back, or undefined when it
 * can. The CLI checks it too, so that it starts no execution that would fail.
 */
export function rollbackProblem(original: RolloutHeader): string | undefined {
  const rollbackOf = original.rolloutId;
  if (original.mode !== 'deploy') {
    return `rollout ${rollbackOf} is itself a rollback; roll back the original rollout instead`;
  }
  if (original.status === 'RUNNING' || original.status === 'WAITING_FOR_APPROVAL') {
    return `rollout ${rollbackOf} is ${original.status}; reject it or wait until it stops before rolling it back`;
  }
  if (original.status === 'ROLLED_BACK') {
    return `rollout ${rollbackOf} is already rolled back by ${original.rolledBackBy ?? 'an earlier rollback'}`;
  }
  return undefined;
}
