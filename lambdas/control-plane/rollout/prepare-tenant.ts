/**
 * First step for each tenant of a wave: claims the tenant for the rollout (ACTIVE to
 * UPDATING, conditional on its recorded version), or reports why it is skipped. A tenant
 * already at the target version is skipped, which makes a rerun of a rollout safe.
 */
import { logger } from '../../shared/powertools';
import type { WaveItem } from './rollout-model';
import { setTenantResult } from './rollout-store';
import { claimTenant } from './tenant-versions';

export interface PrepareTenantEvent {
  readonly rolloutId: string;
  readonly waveNumber: number;
  readonly item: WaveItem;
}

/** Result of the claim: for a claimed tenant, the CodeBuild step's inputs, each a string because they become environment variables. */
export type PrepareTenantResult =
  | {
      readonly action: 'apply';
      readonly tenantId: string;
      readonly tenantName: string;
      readonly tier: string;
      readonly email: string;
      readonly targetVersion: string;
      readonly previousVersion: string;
    }
  | { readonly action: 'skip'; readonly tenantId: string; readonly reason: string };

export async function handler(event: PrepareTenantEvent): Promise<PrepareTenantResult> {
  const { rolloutId, waveNumber, item } = event;
  logger.appendKeys({ rolloutId, tenantId: item.tenantId, wave: waveNumber });

  const claim = await claimTenant(item.tenantId, rolloutId, item.targetVersion, item.expectedVersion);
  if (!claim.claimed) {
    logger.info('tenant skipped', { reason: claim.reason });
    await setTenantResult(rolloutId, item.tenantId, { result: 'SKIPPED', reason: claim.reason, wave: waveNumber, targetVersion: item.targetVersion });
    return { action: 'skip', tenantId: item.tenantId, reason: claim.reason };
  }

  logger.appendKeys({ tier: claim.tenant.tier });
  await setTenantResult(rolloutId, item.tenantId, {
    result: 'UPDATING',
    wave: waveNumber,
    targetVersion: item.targetVersion,
    previousVersion: claim.previousVersion,
  });
  logger.info('tenant claimed for update', { targetVersion: item.targetVersion, previousVersion: claim.previousVersion });

  return {
    action: 'apply',
    tenantId: item.tenantId,
    tenantName: claim.tenant.tenantName,
    tier: claim.tenant.tier,
    email: claim.tenant.email,
    targetVersion: item.targetVersion,
    previousVersion: claim.previousVersion ?? '',
  };
}
