/**
 * Reads the silo tenants from the registry: a paginated Query of the `by-tier` index for
 * each silo tier in TIERS, never a Scan, so the cost grows with the silo fleet and not with
 * the pooled tenants.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/aws-clients';
import { configuredTiers } from '../../shared/environment';
import { tenantsTableName } from '../../shared/registry';
import { REGISTRY_SCHEMA, TenantRecord, TenantStatus } from '../../shared/tenant';

/** Returns the silo tenants whose status is one of `statuses`, tier by tier, oldest first within a tier. */
export async function siloTenants(statuses: readonly TenantStatus[]): Promise<TenantRecord[]> {
  const index = REGISTRY_SCHEMA.tenants.indexes.byTier;
  const values: Record<string, string> = {};
  const placeholders = statuses.map((status, position) => {
    values[`:status${position}`] = status;
    return `:status${position}`;
  });

  const tenants: TenantRecord[] = [];
  for (const tier of configuredTiers().filter((candidate) => candidate.model === 'silo')) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tenantsTableName(),
          IndexName: index.name,
          KeyConditionExpression: '#tier = :tier',
          FilterExpression: `#status IN (${placeholders.join(', ')})`,
          ExpressionAttributeNames: { '#tier': index.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: { ':tier': tier.name, ...values },
          ExclusiveStartKey: startKey,
        }),
      );
      tenants.push(...((page.Items ?? []) as TenantRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return tenants;
}
