/**
 * Key schemas of every DynamoDB table. The stacks create the tables from these specs and
 * the local sandbox creates the same tables in dynalite, so both agree on keys and indexes.
 */
import { REGISTRY_SCHEMA } from '../../lambdas/shared/tenant';

export interface KeySpec {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
}

export interface TableSpec {
  /** Name suffix after the prefix (and, for silo tables, the tenant id). */
  readonly suffix: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
  readonly indexes: readonly IndexSpec[];
}

const tenantIndexes = REGISTRY_SCHEMA.tenants.indexes;

export const CONTROL_PLANE_TABLES = {
  tenants: {
    suffix: 'tenants',
    partitionKey: { name: REGISTRY_SCHEMA.tenants.partitionKey, type: 'S' },
    indexes: [tenantIndexes.byCreated, tenantIndexes.byStatus, tenantIndexes.byTier].map((index) => ({
      name: index.name,
      partitionKey: { name: index.partitionKey, type: 'S' as const },
      sortKey: { name: index.sortKey, type: 'S' as const },
    })),
  },
  tenantNames: {
    suffix: 'tenant-names',
    partitionKey: { name: REGISTRY_SCHEMA.tenantNames.partitionKey, type: 'S' },
    indexes: [],
  },
  /** Rollout records: one header item per rollout and one item per tenant it touches. */
  rollouts: {
    suffix: 'rollouts',
    partitionKey: { name: 'rolloutId', type: 'S' },
    sortKey: { name: 'itemKey', type: 'S' },
    indexes: [
      {
        name: 'by-created',
        partitionKey: { name: 'listPartition', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
  },
} as const satisfies Record<string, TableSpec>;

/**
 * Product and order tables. In the pool, the partition key is the tenant id, so an IAM
 * condition on `dynamodb:LeadingKeys` confines each tenant to its own items; the silo
 * tables use the same schema so one handler serves both.
 */
export const SERVICE_TABLES = {
  products: {
    suffix: 'products',
    partitionKey: { name: 'tenantId', type: 'S' },
    sortKey: { name: 'productId', type: 'S' },
    indexes: [],
  },
  orders: {
    suffix: 'orders',
    partitionKey: { name: 'tenantId', type: 'S' },
    sortKey: { name: 'orderId', type: 'S' },
    indexes: [],
  },
} as const satisfies Record<string, TableSpec>;

/** Attribute definitions of a spec: every key attribute of the table and its indexes, once. */
export function attributeDefinitions(spec: TableSpec): KeySpec[] {
  const keys = [spec.partitionKey, spec.sortKey, ...spec.indexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  const unique = new Map<string, KeySpec>();
  for (const key of keys) {
    if (key) {
      unique.set(key.name, key);
    }
  }
  return [...unique.values()];
}
