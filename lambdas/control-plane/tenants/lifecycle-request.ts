/**
 * Shared steps of the routes that request a lifecycle operation: the 409 for a tenant in
 * the wrong status, and the emission of the request event.
 */
import { publishEvent } from '../../shared/event-publisher';
import { ConflictError } from '../../shared/http';
import { DetailType } from '../../shared/events';
import { TenantRecord, TenantStatus } from '../../shared/tenant';

/** Throws a 409 naming `status` unless the tenant is in one of `allowed`. */
export function requireStatus(tenant: TenantRecord, allowed: readonly TenantStatus[], operation: string): void {
  if (!allowed.includes(tenant.status)) {
    throw statusConflict(tenant, allowed, operation);
  }
}

export function statusConflict(tenant: TenantRecord, allowed: readonly TenantStatus[], operation: string): ConflictError {
  return new ConflictError(
    `tenant ${tenant.tenantId} is ${tenant.status}, so it cannot be ${operation}; that needs status ${allowed.join(' or ')}`,
    'status',
  );
}

/** Emits a lifecycle request event with the detail `{tenantId, tier}`. */
export async function requestLifecycleOperation(detailType: DetailType, tenant: TenantRecord): Promise<void> {
  await publishEvent(detailType, { tenantId: tenant.tenantId, tier: tenant.tier });
}
