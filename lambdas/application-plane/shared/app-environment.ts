/**
 * Environment variables that only the application plane reads, beyond the shared names in
 * `lambdas/shared/environment.ts`. The application-plane stack and the tenant template set
 * them on every service function and on the authorizer.
 */
import { ENV, configuredTiers, requireEnv, TierModel } from '../../shared/environment';

export const APP_ENV = {
  /** `pool` for the shared application plane, `silo` for one tenant's own stack. */
  tenantModel: 'TENANT_MODEL',
  /** Silo only: the tenant the stack belongs to; tokens of any other tenant are rejected. */
  tenantId: 'TENANT_ID',
  /** ARN of the role the authorizer assumes, with session tags, for tenant-scoped credentials. */
  tenantScopedRoleArn: 'TENANT_SCOPED_ROLE_ARN',
  /** Expected `iss` claim; defaults to the Cognito issuer of USER_POOL_ID in AWS_REGION. */
  tokenIssuer: 'TOKEN_ISSUER',
  /** JWKS location; defaults to `<issuer>/.well-known/jwks.json`. */
  jwksUri: 'JWKS_URI',
  /** Seconds the authorizer caches a tenant's registry status; 30 when unset. */
  tenantStatusCacheSeconds: 'TENANT_STATUS_CACHE_SECONDS',
} as const;

export type TenantModel = 'pool' | 'silo';

export interface ServiceSettings {
  readonly model: TenantModel;
  /** Set for a silo stack only. */
  readonly siloTenantId?: string;
}

/** Reads TENANT_MODEL (and TENANT_ID for a silo) at invocation time. */
export function serviceSettings(): ServiceSettings {
  const model = requireEnv(APP_ENV.tenantModel);
  if (model !== 'pool' && model !== 'silo') {
    throw new Error(`environment variable ${APP_ENV.tenantModel} is "${model}"; it must be pool or silo`);
  }
  if (model === 'pool') {
    return { model };
  }
  return { model, siloTenantId: requireEnv(APP_ENV.tenantId) };
}

/** Returns the tiers this stack serves: the pooled tiers for the pool, the silo tiers for a silo. */
export function servedTiers(model: TenantModel): TierModel[] {
  return configuredTiers().filter((tier) => tier.model === model);
}

export function productsTableName(): string {
  return requireEnv(ENV.productsTable);
}

export function ordersTableName(): string {
  return requireEnv(ENV.ordersTable);
}

/** Reads a whole number of seconds from `name`, or returns `fallback` when it is unset. */
export function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`environment variable ${name} is "${raw}"; it must be a whole number of seconds, 0 or more`);
  }
  return value;
}
