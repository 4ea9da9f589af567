/** DELETE /products/{productId}: deletes a product of the caller's tenant; 204, or 404 when absent. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../shared/http';
import { productsTableName } from '../shared/app-environment';
import { isConditionalCheckFailure, tenantApiHandler } from '../shared/tenant-api-handler';
import { productIdParameter } from './product-model';

export const handler = tenantApiHandler('product-delete', async ({ event, tenant, db, countMetric }) => {
  const productId = productIdParameter(event);
  try {
    await db.send(
      new DeleteCommand({
        TableName: productsTableName(),
        Key: { tenantId: tenant.tenantId, productId },
        ConditionExpression: 'attribute_exists(productId)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      throw new NotFoundError(`product ${productId} was not found`, 'productId');
    }
    throw error;
  }
  countMetric('ProductDeleted');
  return { statusCode: 204, headers: {}, body: '' };
});
