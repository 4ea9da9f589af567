/** POST /users/{userName}/disable: disables a user of the caller's tenant; 404 for any other user. */
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { setTenantUserEnabled } from './set-tenant-user-enabled';

export const handler = tenantApiHandler('tenant-user-disable', (request) => setTenantUserEnabled(request, false));
