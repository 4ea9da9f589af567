/**
 * Last step for each tenant of a wave: returns the tenant to ACTIVE and records the result.
 * On success the registry stores the new version, the time and the previous version, which a
 * rollback returns to. On failure it keeps the old version and stores the reason. Every path
 * returns a result instead of failing, so one tenant's failure never stops the rest of its
 * wave. The wave's failure threshold is checked once the wave ends.
 */
import { logger } from '../../shared/powertools';
import { getTenant } from '../../shared/registry';
import type { TenantResult, WaveItem } from './rollout-model';
import { setTenantResult } from './rollout-store';
import { ROLLOUT_CLAIM_ATTRIBUTE, releaseTenant } from './tenant-versions';
import type { PrepareTenantResult } from './prepare-tenant';

export interface RecordTenantEvent {
  readonly rolloutId: string;
  readonly waveNumber: number;
  readonly item: WaveItem;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  /** Output of the claim step; missing when the claim itself failed. */
  readonly claim?: PrepareTenantResult;
  /** Selected fields of the CodeBuild build. */
  readonly job?: { readonly buildId?: string; readonly buildStatus?: string };
  /** Error caught by the state machine, as Step Functions passes it. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface TenantWaveResult {
  readonly tenantId: string;
  readonly result: TenantResult;
  readonly reason?: string;
}

export async function handler(event: RecordTenantEvent): Promise<TenantWaveResult> {
  const { rolloutId, waveNumber, item } = event;
  logger.appendKeys({ rolloutId, tenantId: item.tenantId, wave: waveNumber });

  const previousVersion = event.claim?.action === 'apply' && event.claim.previousVersion !== '' ? event.claim.previousVersion : undefined;
  const succeeded = event.outcome === 'SUCCEEDED';
  const reason = succeeded ? undefined : describeFailure(event.error);
  const deployedAt = new Date().toISOString();

  const released = await releaseTenant(item.tenantId, rolloutId, { succeeded, targetVersion: item.targetVersion, previousVersion, reason, deployedAt });
  let result: TenantResult = succeeded ? 'SUCCEEDED' : 'FAILED';
  let finalReason = reason;
  if (!released) {
    const tenant = await getTenant(item.tenantId);
    const alreadyRecorded = succeeded && tenant?.templateVersion === item.targetVersion && tenant[ROLLOUT_CLAIM_ATTRIBUTE] === undefined;
    if (!alreadyRecorded && succeeded) {
      // The claim was lost: another operation changed the tenant while its job ran.
      result = 'FAILED';
      finalReason = `tenant ${item.tenantId} was no longer held by rollout ${rolloutId} when its job ended (status ${tenant?.status ?? 'deleted'}); check the tenant and run the rollout again`;
    }
  }

  await setTenantResult(rolloutId, item.tenantId, {
    result,
    reason: finalReason,
    wave: waveNumber,
    targetVersion: item.targetVersion,
    previousVersion,
    deployedAt: result === 'SUCCEEDED' ? deployedAt : undefined,
    buildId: event.job?.buildId ?? buildIdFromCause(event.error?.Cause),
  });
  if (result === 'FAILED') {
    logger.warn('tenant update failed', { reason: finalReason });
  } else {
    logger.info('tenant updated', { targetVersion: item.targetVersion, previousVersion });
  }
  return finalReason === undefined ? { tenantId: item.tenantId, result } : { tenantId: item.tenantId, result, reason: finalReason };
}

/**
 * Builds a one-line reason from a caught error. A failed `startBuild.sync` puts the Build as
 * JSON in the cause; its failed phase's message is the useful part.
 */
export function describeFailure(error: RecordTenantEvent['error']): string {
  const name = error?.Error ?? 'Error';
  const cause = error?.Cause ?? '';
  // Step Functions returns the Build with PascalCase fields; the CodeBuild API uses camelCase.
  const build = parseJson(cause) as
    | { BuildStatus?: string; Phases?: { PhaseType?: string; PhaseStatus?: string; Contexts?: { Message?: string; message?: string }[] }[] }
    | undefined;
  if (build && Array.isArray(build.Phases)) {
    const failed = build.Phases.find((phase) => phase.PhaseStatus && phase.PhaseStatus !== 'SUCCEEDED');
    const message = failed?.Contexts?.map((context) => context.Message ?? context.message).filter(Boolean).join('; ');
    return `${name}: build ${build.BuildStatus ?? 'FAILED'}${failed ? ` in phase ${failed.PhaseType}` : ''}${message ? `: ${message}` : ''}`;
  }
  return cause ? `${name}: ${cause}` : name;
}

function buildIdFromCause(cause: string | undefined): string | undefined {
  const build = parseJson(cause ?? '') as { Id?: unknown } | undefined;
  return typeof build?.Id === 'string' ? build.Id : undefined;
}

function parseJson(text: string): unknown {
  if (!text.startsWith('{')) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
