/** GET /products?limit=&cursor=: lists the caller's tenant's products a page at a time, by id. */
import { jsonResponse } from '../../shared/http';
import { productsTableName } from '../shared/app-environment';
import { queryTenantPage, readPageRequest } from '../shared/page';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { productResponse } from './product-model';

export const handler = tenantApiHandler('product-list', async ({ event, tenant, db }) => {
  const page = readPageRequest(event, tenant.tenantId, 'productId');
  const result = await queryTenantPage(db, productsTableName(), tenant.tenantId, page);
  return jsonResponse(200, {
    items: result.items.map(productResponse),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  });
});
