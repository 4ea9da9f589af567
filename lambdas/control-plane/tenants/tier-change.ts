/**
 * Moves an ACTIVE tenant to another tier of the same tenancy model. The tenant passes
 * through UPDATING, so no lifecycle operation starts while its API key moves. A pooled
 * tenant's own API key moves from the old tier's usage plan to the new one, which is what
 * changes its rate, burst and quota. The usage-plan ids come from the application-plane
 * SSM parameters `usage-plan-id/<TIER>`.
 */
import { CreateUsagePlanKeyCommand, DeleteUsagePlanKeyCommand, GetUsagePlanKeyCommand } from '@aws-sdk/client-api-gateway';
import { apiGatewayClient } from '../../shared/aws-clients';
import { readApplicationPlaneSettings } from '../../shared/application-plane-settings';
import { TierModel } from '../../shared/environment';
import { HttpError } from '../../shared/http';
import { logger } from '../../shared/powertools';
import { transitionTenantStatus, trimStatusReason } from '../../shared/registry';
import { TenantRecord } from '../../shared/tenant';

/**
 * Changes `tenant` to `tier` and writes `otherChanges` in the same final update. Returns
 * the updated record, or `undefined` when the tenant was no longer ACTIVE. When moving the
 * key fails, the key goes back to its old plan, the tenant returns to ACTIVE on its old
 * tier with the reason in `statusReason`, and a 500 is thrown.
 */
export async function changeTier(
  tenant: TenantRecord,
  tier: TierModel,
  otherChanges: { set: Record<string, unknown>; remove: string[] },
): Promise<TenantRecord | undefined> {
  const updating = await transitionTenantStatus(tenant.tenantId, 'UPDATING', { from: ['ACTIVE'] });
  if (!updating) {
    return undefined;
  }

  const apiKeyId = typeof updating.outputs?.apiKeyId === 'string' ? updating.outputs.apiKeyId : undefined;
  try {
    if (tier.model === 'pool' && apiKeyId) {
      await moveApiKey(apiKeyId, updating.tier, tier.name);
    }
    // NOTE: a silo tenant's stack and the custom:tenantTier attribute of existing users keep the old tier until the tenant template is applied again and the users are updated.
  } catch (error) {
    logger.error('tier change failed; returning the tenant to ACTIVE on its old tier', error as Error);
    await transitionTenantStatus(tenant.tenantId, 'ACTIVE', {
      from: ['UPDATING'],
      set: { statusReason: trimStatusReason(`tier change from ${updating.tier} to ${tier.name} failed: ${(error as Error).message}`) },
    });
    throw new HttpError(500, `the tier change from ${updating.tier} to ${tier.name} failed and was undone; retry the request`);
  }

  // NOTE: if this write fails after the key moved, the tenant stays UPDATING on its old tier until an operator sets it ACTIVE.
  return transitionTenantStatus(tenant.tenantId, 'ACTIVE', {
    from: ['UPDATING'],
    set: { ...otherChanges.set, tier: tier.name },
    remove: [...otherChanges.remove, 'statusReason'],
  });
}

/**
 * Moves the key from the old tier's usage plan to the new one. API Gateway lets a key
 * belong to only one usage plan per API stage, and every pooled plan covers the same stage,
 * so the key leaves the old plan first and is briefly on none. Both steps are idempotent.
 */
async function moveApiKey(apiKeyId: string, fromTier: string, toTier: string): Promise<void> {
  const { usagePlanIds } = await readApplicationPlaneSettings();
  const fromPlan = usagePlanIds[fromTier];
  const toPlan = usagePlanIds[toTier];
  if (!toPlan || !fromPlan) {
    throw new Error(`no usage-plan-id parameter for tier ${!toPlan ? toTier : fromTier} under the application-plane parameter path`);
  }

  const client = apiGatewayClient();
  try {
    await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: fromPlan, keyId: apiKeyId }));
  } catch (error) {
    if ((error as Error).name !== 'NotFoundException') {
      throw error;
    }
  }

  try {
    await attachKey(apiKeyId, toPlan);
  } catch (error) {
    // Put the key back on its old plan, so the tenant keeps its old limits instead of none.
    await attachKey(apiKeyId, fromPlan).catch((undoError: Error) => {
      logger.error('returning the API key to its old usage plan failed; the key is on no usage plan', undoError);
    });
    throw error;
  }
}

/** Attaches the key to the plan; succeeds when it is attached already. */
async function attachKey(apiKeyId: string, usagePlanId: string): Promise<void> {
  const client = apiGatewayClient();
  try {
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: apiKeyId, keyType: 'API_KEY' }));
  } catch (error) {
    if ((error as Error).name !== 'ConflictException') {
      throw error;
    }
    // A conflict also means "attached to another plan", so confirm it is this one.
    await client.send(new GetUsagePlanKeyCommand({ usagePlanId, keyId: apiKeyId }));
  }
}
