/** GET /orders/{orderId}: returns one order of the caller's tenant, or 404. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { jsonResponse, NotFoundError } from '../../shared/http';
import { ordersTableName } from '../shared/app-environment';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { itemIdParameter } from '../products/product-model';
import { orderResponse } from './order-model';

export const handler = tenantApiHandler('order-get', async ({ event, tenant, db }) => {
  const orderId = itemIdParameter(event, 'orderId');
  const result = await db.send(new GetCommand({ TableName: ordersTableName(), Key: { tenantId: tenant.tenantId, orderId } }));
  if (!result.Item) {
    throw new NotFoundError(`order ${orderId} was not found`, 'orderId');
  }
  return jsonResponse(200, orderResponse(result.Item));
});
