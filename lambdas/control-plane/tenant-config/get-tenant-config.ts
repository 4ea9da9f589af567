/**
 * `GET /tenant-config/{tenantName}`: the public route that a sign-in page calls to find a
 * tenant's user pool, app client and API URL. It finds the tenant by its exact name (the
 * name key is trimmed and lowercased, so case does not matter), never by prefix and never by
 * listing. Only ACTIVE tenants are returned: an unknown name and a tenant in any other
 * status get the same 404, so the route does not reveal which names exist.
 *
 * A silo tenant's settings come from its provisioning outputs. A pooled tenant shares the
 * pooled application plane, whose settings come from the application-plane SSM parameters.
 */
import { z } from 'zod';
import { readApplicationPlaneSettings } from '../../shared/application-plane-settings';
import { NotFoundError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { getTenant } from '../../shared/registry';
import { tenantNameKey } from '../../shared/tenant';
import { MAX_TENANT_NAME_LENGTH } from '../../shared/tenant-fields';
import { findReservation } from '../../shared/tenant-names';

const path = z.strictObject({ tenantName: z.string() });

export const handler = apiHandler({ name: 'tenant-config-get', path }, async ({ path: params, annotate }) => {
  const requested = decodePathValue(params.tenantName);
  const notFound = new NotFoundError(`no active tenant is named ${JSON.stringify(requested.slice(0, MAX_TENANT_NAME_LENGTH))}; check the spelling`, 'tenantName');

  // Names longer than the registration limit cannot exist, so they never reach DynamoDB.
  const key = tenantNameKey(requested.normalize('NFC'));
  if (key.length === 0 || key.length > MAX_TENANT_NAME_LENGTH) {
    throw notFound;
  }
  const reservation = await findReservation(key);
  const tenant = reservation ? await getTenant(reservation.tenantId) : undefined;
  if (!tenant || tenant.status !== 'ACTIVE' || tenant.tenantNameKey !== key) {
    throw notFound;
  }
  annotate({ tenantId: tenant.tenantId, tier: tenant.tier });

  const outputs = tenant.outputs ?? {};
  const shared = tenant.model === 'pool' ? await readApplicationPlaneSettings() : undefined;
  const config = {
    tenantName: tenant.tenantName,
    userPoolId: stringOrUndefined(outputs.userPoolId) ?? shared?.userPoolId,
    userPoolClientId: stringOrUndefined(outputs.userPoolClientId) ?? shared?.userPoolClientId,
    apiUrl: stringOrUndefined(outputs.apiUrl) ?? shared?.apiUrl,
  };
  const missing = Object.entries(config).filter(([, value]) => value === undefined).map(([name]) => name);
  if (missing.length > 0) {
    // An ACTIVE tenant always has these settings, so a gap is a fault of ours, not the caller's.
    throw new Error(`tenant ${tenant.tenantId} is ACTIVE but has no ${missing.join(', ')} in its outputs or the application-plane parameters`);
  }
  return jsonResponse(200, config);
});

/**
 * Decodes a path value that still contains percent-encoding. Tenant names cannot contain
 * `%`, so decoding is safe whether or not API Gateway decoded the value first.
 */
function decodePathValue(value: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(value)) {
    return value;
  }
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
