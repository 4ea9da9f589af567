/**
 * PUT /products/{productId}: replaces the name, price, sku and description of an existing
 * product of the caller's tenant. Fields left out of the body are removed. Returns 404 when
 * the product does not exist in the tenant.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jsonResponse, NotFoundError } from '../../shared/http';
import { parseJsonObject } from '../shared/json-body';
import { productsTableName } from '../shared/app-environment';
import { isConditionalCheckFailure, tenantApiHandler } from '../shared/tenant-api-handler';
import { parseProductInput, productIdParameter, productResponse, storedPrice } from './product-model';

export const handler = tenantApiHandler('product-update', async ({ event, tenant, db, countMetric }) => {
  const productId = productIdParameter(event);
  const input = parseProductInput(parseJsonObject(event));

  // Every attribute goes through a name placeholder, because NAME and others are reserved words.
  const names: Record<string, string> = {
    '#name': 'name',
    '#price': 'price',
    '#updatedAt': 'updatedAt',
    '#updatedBy': 'updatedBy',
    '#sku': 'sku',
    '#description': 'description',
  };
  const set = ['#name = :name', '#price = :price', '#updatedAt = :now', '#updatedBy = :user'];
  const remove: string[] = [];
  const values: Record<string, unknown> = {
    ':name': input.name,
    ':price': storedPrice(input.priceCents),
    ':now': new Date().toISOString(),
    ':user': tenant.userName,
  };
  if (input.sku === undefined) {
    remove.push('#sku');
  } else {
    set.push('#sku = :sku');
    values[':sku'] = input.sku;
  }
  if (input.description === undefined) {
    remove.push('#description');
  } else {
    set.push('#description = :description');
    values[':description'] = input.description;
  }

  try {
    const result = await db.send(
      new UpdateCommand({
        TableName: productsTableName(),
        Key: { tenantId: tenant.tenantId, productId },
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(productId)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    countMetric('ProductUpdated');
    return jsonResponse(200, productResponse(result.Attributes ?? {}));
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      throw new NotFoundError(`product ${productId} was not found`, 'productId');
    }
    throw error;
  }
});
