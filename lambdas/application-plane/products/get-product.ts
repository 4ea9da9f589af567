/** GET /products/{productId}: returns one product of the caller's tenant, or 404. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { jsonResponse, NotFoundError } from '../../shared/http';
import { productsTableName } from '../shared/app-environment';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { productIdParameter, productResponse } from './product-model';

export const handler = tenantApiHandler('product-get', async ({ event, tenant, db }) => {
  const productId = productIdParameter(event);
  // The key starts with the caller's tenant id, so another tenant's product is not found.
  const result = await db.send(
    new GetCommand({ TableName: productsTableName(), Key: { tenantId: tenant.tenantId, productId } }),
  );
  if (!result.Item) {
    throw new NotFoundError(`product ${productId} was not found`, 'productId');
  }
  return jsonResponse(200, productResponse(result.Item));
});
