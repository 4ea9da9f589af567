/**
 * Runs after each wave: counts the tenant results, writes the wave's summary to the rollout
 * record and decides whether the rollout goes on. The failure percentage is failed tenants
 * over tenants whose job ran, because skipped tenants ran nothing. A wave halts the rollout
 * when it has a failure and the percentage exceeds the tolerated one, so a tolerance of 0
 * halts on the first failed tenant.
 */
import { logger } from '../../shared/powertools';
import type { WaveSummary } from './rollout-model';
import { getRolloutHeader, setWaveSummary } from './rollout-store';
import type { TenantWaveResult } from './record-tenant';

export interface EvaluateWaveEvent {
  readonly rolloutId: string;
  /** 0-based position of the wave in the plan. */
  readonly waveIndex: number;
  readonly waveCount: number;
  readonly toleratedFailurePercentage: number;
  readonly results: readonly TenantWaveResult[];
}

export interface WaveEvaluation {
  readonly decision: 'CONTINUE' | 'HALT';
  readonly nextWaveIndex: number;
  /** 1-based number of the next wave, for the approval gate. */
  readonly nextWaveNumber: number;
  readonly failedTenants: string[];
  readonly failurePercentage: number;
  readonly reason: string;
}

export async function handler(event: EvaluateWaveEvent): Promise<WaveEvaluation> {
  const { rolloutId, waveIndex, results } = event;
  const waveNumber = waveIndex + 1;
  logger.appendKeys({ rolloutId, wave: waveNumber });

  const failedTenants = results.filter((result) => result.result === 'FAILED').map((result) => result.tenantId);
  const succeeded = results.filter((result) => result.result === 'SUCCEEDED').length;
  const skipped = results.filter((result) => result.result === 'SKIPPED').length;
  const attempted = succeeded + failedTenants.length;
  const failurePercentage = attempted === 0 ? 0 : Math.round((failedTenants.length / attempted) * 10000) / 100;
  const halt = failedTenants.length > 0 && failurePercentage > event.toleratedFailurePercentage;

  const header = await getRolloutHeader(rolloutId);
  const planned = header?.waves[waveIndex];
  const summary: WaveSummary = {
    number: waveNumber,
    tenants: planned?.tenants ?? results.map((result) => result.tenantId),
    status: failedTenants.length > 0 ? 'FAILED' : 'SUCCEEDED',
    succeeded,
    failed: failedTenants.length,
    skipped,
    failurePercentage,
    finishedAt: new Date().toISOString(),
  };
  await setWaveSummary(rolloutId, waveIndex, summary);

  const reason = halt
    ? `wave ${waveNumber} failed for ${failedTenants.length} of ${attempted} tenants (${failurePercentage}%, tolerated ${event.toleratedFailurePercentage}%): ${failedTenants.join(', ')}`
    : `wave ${waveNumber}: ${succeeded} updated, ${failedTenants.length} failed, ${skipped} skipped`;
  if (halt) {
    logger.warn('rollout halted', { failedTenants, failurePercentage });
  } else {
    logger.info('wave finished', { succeeded, failed: failedTenants.length, skipped });
  }

  return {
    decision: halt ? 'HALT' : 'CONTINUE',
    nextWaveIndex: waveIndex + 1,
    nextWaveNumber: waveNumber + 1,
    failedTenants,
    failurePercentage,
    reason,
  };
}
