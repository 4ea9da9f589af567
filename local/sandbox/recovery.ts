/**
 * Marks tenants whose lifecycle operation was cut short as failed, with the reason, so none
 * is left PENDING, PROVISIONING or DEPROVISIONING with nothing running for it. The sandbox
 * calls it after taking over the lock of a process that died, and for the tenants of an
 * onboarding batch that Ctrl-C stopped. Each change is a conditional transition, so a
 * tenant that reached a final status meanwhile keeps it.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/shared/aws-clients';
import { getTenant, tenantsTableName, transitionTenantStatus, trimStatusReason } from '../../lambdas/shared/registry';
import { REGISTRY_SCHEMA, TenantRecord, TenantStatus } from '../../lambdas/shared/tenant';

/** The failed status each in-progress status ends in when its operation is cut short. */
const INTERRUPTED_TO: Readonly<Partial<Record<TenantStatus, TenantStatus>>> = {
  PENDING: 'PROVISION_FAILED',
  PROVISIONING: 'PROVISION_FAILED',
  DEPROVISIONING: 'DEPROVISION_FAILED',
};

/**
 * Marks the given tenants, or every tenant in an in-progress status when `tenantIds` is
 * omitted, and returns the records that changed.
 */
export async function markInterruptedTenants(reason: string, tenantIds?: readonly string[]): Promise<TenantRecord[]> {
  const candidates = tenantIds ? await readTenants(tenantIds) : await tenantsInProgress();
  const marked: TenantRecord[] = [];
  for (const tenant of candidates) {
    const to = INTERRUPTED_TO[tenant.status];
    if (!to) {
      continue;
    }
    const updated = await transitionTenantStatus(tenant.tenantId, to, { from: [tenant.status], set: { statusReason: trimStatusReason(reason) } });
    if (updated) {
      marked.push(updated);
    }
  }
  return marked;
}

async function readTenants(tenantIds: readonly string[]): Promise<TenantRecord[]> {
  const tenants = await Promise.all(tenantIds.map((tenantId) => getTenant(tenantId)));
  return tenants.filter((tenant): tenant is TenantRecord => tenant !== undefined);
}

async function tenantsInProgress(): Promise<TenantRecord[]> {
  const index = REGISTRY_SCHEMA.tenants.indexes.byStatus;
  const tenants: TenantRecord[] = [];
  for (const status of Object.keys(INTERRUPTED_TO)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tenantsTableName(),
          IndexName: index.name,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': index.partitionKey },
          ExpressionAttributeValues: { ':status': status },
          ExclusiveStartKey: startKey,
        }),
      );
      tenants.push(...((page.Items ?? []) as TenantRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return tenants;
}
