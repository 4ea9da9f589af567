/**
 * `POST /tenants/{tenantId}/activate`: requests activation of an INACTIVE tenant by
 * emitting `sbt_aws_activateRequest`, and returns 202. The registry updater moves the tenant
 * to ACTIVE when the activation state machine reports success.
 */
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { requestLifecycleOperation, requireStatus } from './lifecycle-request';
import { requireTenant, tenantPath } from './tenant-view';

export const handler = apiHandler({ name: 'tenants-activate', path: tenantPath }, async ({ path, annotate }) => {
  const tenant = await requireTenant(path.tenantId);
  annotate({ tenantId: tenant.tenantId, tier: tenant.tier });
  requireStatus(tenant, ['INACTIVE'], 'activated');

  await requestLifecycleOperation('sbt_aws_activateRequest', tenant);
  return jsonResponse(202, { tenantId: tenant.tenantId, status: tenant.status, requested: 'activate' });
});
