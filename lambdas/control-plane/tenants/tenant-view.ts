/**
 * The tenant view that the tenant routes return, and the lookups they share. The view leaves
 * out the registry's internal index attributes (`listPartition`, `tenantNameKey`).
 */
import { z } from 'zod';
import { NotFoundError } from '../../shared/http';
import { getTenant } from '../../shared/registry';
import { TenantRecord } from '../../shared/tenant';

export type TenantView = Omit<TenantRecord, 'listPartition' | 'tenantNameKey'>;

/** Path parameters of the `/tenants/{tenantId}` routes; the value is checked by the lookup. */
export const tenantPath = z.strictObject({ tenantId: z.string().max(256, 'must be at most 256 characters') });

export function toTenantView(record: TenantRecord): TenantView {
  const { listPartition: _listPartition, tenantNameKey: _tenantNameKey, ...view } = record;
  return view;
}

/** Reads tenant `tenantId`, or throws a 404 naming `tenantId`. */
export async function requireTenant(tenantId: string): Promise<TenantRecord> {
  const tenant = await getTenant(tenantId);
  if (!tenant) {
    throw tenantNotFound(tenantId);
  }
  return tenant;
}

export function tenantNotFound(tenantId: string): NotFoundError {
  return new NotFoundError(`tenant ${JSON.stringify(tenantId.slice(0, 64))} was not found; list tenants with GET /tenants`, 'tenantId');
}
