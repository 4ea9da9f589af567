/**
 * The tenant record of the registry and the lifecycle it moves through. Every status
 * change is a conditional write from one of the states in `ALLOWED_TRANSITIONS`.
 */

export const TENANT_STATUSES = [
  'PENDING',
  'PROVISIONING',
  'ACTIVE',
  'PROVISION_FAILED',
  'INACTIVE',
  'UPDATING',
  'DEPROVISIONING',
  'DELETED',
  'DEPROVISION_FAILED',
] as const;

export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** For each target status, the statuses a tenant may move to it from. */
export const ALLOWED_TRANSITIONS: Readonly<Record<TenantStatus, readonly TenantStatus[]>> = {
  // A failed onboarding is retried by moving the tenant back to PENDING and requesting onboarding again.
  PENDING: ['PROVISION_FAILED'],
  PROVISIONING: ['PENDING'],
  ACTIVE: ['PROVISIONING', 'INACTIVE', 'UPDATING'],
  PROVISION_FAILED: ['PENDING', 'PROVISIONING'],
  INACTIVE: ['ACTIVE'],
  UPDATING: ['ACTIVE'],
  DEPROVISIONING: ['ACTIVE', 'INACTIVE', 'PROVISION_FAILED', 'DEPROVISION_FAILED'],
  DELETED: ['DEPROVISIONING'],
  DEPROVISION_FAILED: ['DEPROVISIONING'],
};

/** Statuses in which no lifecycle operation is running. */
export const FINAL_STATUSES: readonly TenantStatus[] = ['ACTIVE', 'INACTIVE', 'PROVISION_FAILED', 'DELETED', 'DEPROVISION_FAILED'];

export type TenancyModel = 'pool' | 'silo';

/** Outputs that onboarding stores for a sign-in page and for the tenant's operators. */
export interface TenantOutputs {
  readonly apiUrl?: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  readonly productsTableName?: string;
  readonly ordersTableName?: string;
  readonly apiKeyId?: string;
  /** True when a silo tenant's stack was planned by the local sandbox, not deployed. */
  readonly planned?: boolean;
  readonly [key: string]: string | boolean | undefined;
}

export interface TenantRecord {
  readonly tenantId: string;
  readonly tenantName: string;
  /** Lowercased, trimmed name; unique through the tenant-names table. */
  readonly tenantNameKey: string;
  readonly email: string;
  readonly tier: string;
  readonly model: TenancyModel;
  readonly status: TenantStatus;
  readonly tenantRegistrationId: string;
  /** Constant `TENANT`, the partition key of the listing index. */
  readonly listPartition: 'TENANT';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly statusReason?: string;
  readonly outputs?: TenantOutputs;
  /** Tenant-template version last applied to a silo tenant, and when. */
  readonly templateVersion?: string;
  readonly templateDeployedAt?: string;
  /** Rollout wave fixed for this tenant; unset tenants are placed by the rollout's spec. */
  readonly wave?: number;
  /** Fields a caller may set through PATCH, kept as given. */
  readonly contactName?: string;
  readonly [key: string]: unknown;
}

/** Key schema and index names of the registry tables, shared by stacks and handlers. */
export const REGISTRY_SCHEMA = {
  tenants: {
    partitionKey: 'tenantId',
    indexes: {
      byCreated: { name: 'by-created', partitionKey: 'listPartition', sortKey: 'createdAt' },
      byStatus: { name: 'by-status', partitionKey: 'status', sortKey: 'createdAt' },
      byTier: { name: 'by-tier', partitionKey: 'tier', sortKey: 'createdAt' },
    },
  },
  tenantNames: { partitionKey: 'tenantNameKey' },
} as const;

/** Longest failure reason stored on a tenant, in characters. */
export const MAX_STATUS_REASON_LENGTH = 2000;

/** Normalises a tenant name for the uniqueness check: trimmed and lowercased. */
export function tenantNameKey(tenantName: string): string {
  return tenantName.trim().toLowerCase();
}

/**
 * Tenant id that events about control-plane (system) users carry. Generated tenant ids are
 * 16 hexadecimal digits, so this id, which has letters beyond `f`, never names a tenant.
 */
export const SYSTEM_TENANT_ID = 'system';

/**
 * Cognito group of a tenant's users: in the pooled user pool it is the only link from a
 * user to its tenant that Cognito can list by, so onboarding, offboarding, activation and
 * tenant user management all use this one name.
 */
export function tenantGroupName(tenantId: string): string {
  return `tenant-${tenantId}`;
}
