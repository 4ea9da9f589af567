/**
 * The tenant context that the authorizer passes to every service function through
 * `requestContext.authorizer`. API Gateway delivers context values as strings, so both
 * sides use the key names and the reader below.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ForbiddenError } from '../../shared/http';
import { TENANT_ID_PATTERN } from '../../../config/naming';
import { isTenantRole, TenantRole } from './routes';
import { serviceSettings } from './app-environment';

/** Temporary credentials of the tenant-scoped role, limited to the tenant's own items. */
export interface ScopedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601 time after which STS rejects the credentials. */
  readonly expiration: string;
}

export interface TenantContext {
  readonly tenantId: string;
  readonly tier: string;
  readonly role: TenantRole;
  readonly userName: string;
  readonly credentials: ScopedCredentials;
}

/** Flat string map in the shape the authorizer returns as `context`. */
export type AuthorizerContextValues = Record<string, string>;

export function toAuthorizerContext(context: TenantContext): AuthorizerContextValues {
  return {
    tenantId: context.tenantId,
    tier: context.tier,
    role: context.role,
    userName: context.userName,
    accessKeyId: context.credentials.accessKeyId,
    secretAccessKey: context.credentials.secretAccessKey,
    sessionToken: context.credentials.sessionToken,
    credentialsExpiration: context.credentials.expiration,
  };
}

/**
 * Reads the tenant context of a proxy event and, in a silo stack, checks that the caller
 * belongs to the stack's tenant. A missing or malformed context means the method was
 * reached without the authorizer, which the handler rejects with 403 instead of serving
 * data with no tenant.
 */
export function readTenantContext(event: Pick<APIGatewayProxyEvent, 'requestContext'>): TenantContext {
  const values = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const text = (name: string): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') {
      throw new ForbiddenError(`the request carries no authorizer context value "${name}"; call the API through its authorizer`);
    }
    return value;
  };

  const tenantId = text('tenantId');
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new ForbiddenError(`authorizer context tenantId "${tenantId}" is not a valid tenant id`);
  }
  const role = text('role');
  if (!isTenantRole(role)) {
    throw new ForbiddenError(`authorizer context role "${role}" is not a tenant role`);
  }

  const settings = serviceSettings();
  if (settings.model === 'silo' && settings.siloTenantId !== tenantId) {
    throw new ForbiddenError(`this API serves tenant ${settings.siloTenantId} only; the token belongs to tenant ${tenantId}`);
  }

  return {
    tenantId,
    tier: text('tier'),
    role,
    userName: text('userName'),
    credentials: {
      accessKeyId: text('accessKeyId'),
      secretAccessKey: text('secretAccessKey'),
      sessionToken: text('sessionToken'),
      expiration: text('credentialsExpiration'),
    },
  };
}
