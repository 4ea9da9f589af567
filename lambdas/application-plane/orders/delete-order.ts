/** DELETE /orders/{orderId}: deletes an order of the caller's tenant; 204, or 404 when absent. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../shared/http';
import { ordersTableName } from '../shared/app-environment';
import { isConditionalCheckFailure, tenantApiHandler } from '../shared/tenant-api-handler';
import { itemIdParameter } from '../products/product-model';

export const handler = tenantApiHandler('order-delete', async ({ event, tenant, db, countMetric }) => {
  const orderId = itemIdParameter(event, 'orderId');
  try {
    await db.send(
      new DeleteCommand({
        TableName: ordersTableName(),
        Key: { tenantId: tenant.tenantId, orderId },
        ConditionExpression: 'attribute_exists(orderId)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      throw new NotFoundError(`order ${orderId} was not found`, 'orderId');
    }
    throw error;
  }
  countMetric('OrderDeleted');
  return { statusCode: 204, headers: {}, body: '' };
});
