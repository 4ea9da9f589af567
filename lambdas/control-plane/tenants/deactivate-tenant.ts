/**
 * `POST /tenants/{tenantId}/deactivate`: requests deactivation of an ACTIVE tenant by
 * emitting `sbt_aws_deactivateRequest`, and returns 202. The registry updater moves the
 * tenant to INACTIVE when the activation state machine reports success.
 */
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { requestLifecycleOperation, requireStatus } from './lifecycle-request';
import { requireTenant, tenantPath } from './tenant-view';

export const handler = apiHandler({ name: 'tenants-deactivate', path: tenantPath }, async ({ path, annotate }) => {
  const tenant = await requireTenant(path.tenantId);
  annotate({ tenantId: tenant.tenantId, tier: tenant.tier });
  requireStatus(tenant, ['ACTIVE'], 'deactivated');

  await requestLifecycleOperation('sbt_aws_deactivateRequest', tenant);
  return jsonResponse(202, { tenantId: tenant.tenantId, status: tenant.status, requested: 'deactivate' });
});
