/** GET /orders?limit=&cursor=: lists the caller's tenant's orders a page at a time, by id. */
import { jsonResponse } from '../../shared/http';
import { ordersTableName } from '../shared/app-environment';
import { queryTenantPage, readPageRequest } from '../shared/page';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { orderResponse } from './order-model';

export const handler = tenantApiHandler('order-list', async ({ event, tenant, db }) => {
  const page = readPageRequest(event, tenant.tenantId, 'orderId');
  const result = await queryTenantPage(db, ordersTableName(), tenant.tenantId, page);
  return jsonResponse(200, {
    items: result.items.map(orderResponse),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  });
});
