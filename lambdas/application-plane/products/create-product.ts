/** POST /products: creates a product in the caller's tenant and returns it with 201. */
import { randomUUID } from 'crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { jsonResponse } from '../../shared/http';
import { parseJsonObject } from '../shared/json-body';
import { productsTableName } from '../shared/app-environment';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { parseProductInput, productResponse, storedPrice } from './product-model';

export const handler = tenantApiHandler('product-create', async ({ event, tenant, db, countMetric }) => {
  const input = parseProductInput(parseJsonObject(event));
  const now = new Date().toISOString();
  const item = {
    tenantId: tenant.tenantId,
    productId: randomUUID(),
    name: input.name,
    price: storedPrice(input.priceCents),
    sku: input.sku,
    description: input.description,
    createdAt: now,
    updatedAt: now,
    createdBy: tenant.userName,
  };

  await db.send(
    new PutCommand({
      TableName: productsTableName(),
      Item: item,
      // A UUID collision is practically impossible, but an overwrite would lose data silently.
      ConditionExpression: 'attribute_not_exists(productId)',
    }),
  );
  countMetric('ProductCreated');

  return jsonResponse(201, productResponse({ ...item, price: item.price.toString() }));
});
