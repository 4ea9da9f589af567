/**
 * Tenant names for tables that list tenants by id (executions, rollouts, drift), read from
 * the registry once per distinct id, so an operator recognises the tenant without a
 * second command.
 */
import type { Target } from '../targets/target';

/** Registry reads in flight at once, which bounds the load that a long list puts on the table. */
const CONCURRENT_READS = 8;

/**
 * Returns the name of each tenant in `tenantIds` that the registry contains. An id with no
 * record, such as a tenant deleted since, is left out.
 */
export async function readTenantNames(target: Pick<Target, 'getTenant'>, tenantIds: Iterable<string | undefined>): Promise<Map<string, string>> {
  const pending = [...new Set([...tenantIds].filter((tenantId): tenantId is string => typeof tenantId === 'string' && tenantId !== ''))];
  const names = new Map<string, string>();

  const worker = async (): Promise<void> => {
    for (let tenantId = pending.shift(); tenantId !== undefined; tenantId = pending.shift()) {
      const tenant = await target.getTenant(tenantId);
      if (tenant) {
        names.set(tenantId, tenant.tenantName);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, pending.length) }, worker));
  return names;
}

/** Formats a tenant for a table cell: `Acme Corp (acme1234)`, or the id alone without a name. */
export function tenantLabel(tenantId: string | undefined, tenantName: string | undefined): string {
  if (!tenantId) {
    return '';
  }
  return tenantName ? `${tenantName} (${tenantId})` : tenantId;
}
