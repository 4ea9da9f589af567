/** `GET /tenants/{tenantId}`: returns one tenant, or 404 naming `tenantId`. */
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { requireTenant, tenantPath, toTenantView } from './tenant-view';

export const handler = apiHandler({ name: 'tenants-get', path: tenantPath }, async ({ path, annotate }) => {
  const tenant = await requireTenant(path.tenantId);
  annotate({ tenantId: tenant.tenantId, tier: tenant.tier });
  return jsonResponse(200, toTenantView(tenant));
});
