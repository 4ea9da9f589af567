/**
 * `PATCH /tenants/{tenantId}`: changes `email`, `contactName` (null removes it) and, for an
 * ACTIVE tenant, `tier` within the same tenancy model. A change between a pool and a silo
 * tier moves the tenant's data and infrastructure, so it is rejected. Deleted and
 * deprovisioning tenants cannot change. Returns the updated tenant.
 */
import { z } from 'zod';
import { BadRequestError, ConflictError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { updateTenantAttributes } from '../../shared/registry';
import { TENANT_STATUSES, TenantRecord, TenantStatus } from '../../shared/tenant';
import { contactNameSchema, emailSchema, findConfiguredTier, tierNameSchema } from '../../shared/tenant-fields';
import { changeTier } from './tier-change';
import { requireTenant, tenantNotFound, tenantPath, toTenantView } from './tenant-view';

const CLOSED_STATUSES: readonly TenantStatus[] = ['DELETED', 'DEPROVISIONING'];
const OPEN_STATUSES = TENANT_STATUSES.filter((status) => !CLOSED_STATUSES.includes(status));

const body = z
  .strictObject({
    email: emailSchema.optional(),
    contactName: contactNameSchema.nullable().optional(),
    tier: tierNameSchema.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'must contain at least one of email, contactName, tier');

export const handler = apiHandler({ name: 'tenants-update', path: tenantPath, body }, async ({ path, body: changes, annotate }) => {
  const tenant = await requireTenant(path.tenantId);
  annotate({ tenantId: tenant.tenantId, tier: tenant.tier });
  checkOpen(tenant);

  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  if (changes.email !== undefined) {
    set.email = changes.email;
  }
  if (changes.contactName === null) {
    remove.push('contactName');
  } else if (changes.contactName !== undefined) {
    set.contactName = changes.contactName;
  }

  let updated: TenantRecord | undefined;
  if (changes.tier !== undefined && changes.tier !== tenant.tier) {
    const tier = findConfiguredTier(changes.tier);
    if (tier.model !== tenant.model) {
      throw new BadRequestError(
        `tier ${JSON.stringify(tier.name)} uses the ${tier.model} model and tenant ${tenant.tenantId} uses ${tenant.model}; ` +
          'a tier change across tenancy models needs a data migration, so offboard the tenant and register it again on the new tier',
        'tier',
      );
    }
    if (tenant.status !== 'ACTIVE') {
      throw new ConflictError(`tenant ${tenant.tenantId} is ${tenant.status}; its tier can change only while it is ACTIVE`, 'status');
    }
    updated = await changeTier(tenant, tier, { set, remove });
  } else {
    updated = await updateTenantAttributes(tenant.tenantId, { set, remove, whenStatus: OPEN_STATUSES });
  }

  if (!updated) {
    // The tenant changed between the read and the conditional write; report its current state.
    const current = await requireTenant(tenant.tenantId).catch(() => {
      throw tenantNotFound(tenant.tenantId);
    });
    checkOpen(current);
    throw new ConflictError(`tenant ${tenant.tenantId} changed to ${current.status} during the update; read it again and retry`, 'status');
  }
  return jsonResponse(200, toTenantView(updated));
});

function checkOpen(tenant: TenantRecord): void {
  if (CLOSED_STATUSES.includes(tenant.status)) {
    throw new ConflictError(`tenant ${tenant.tenantId} is ${tenant.status} and can no longer change`, 'status');
  }
}
