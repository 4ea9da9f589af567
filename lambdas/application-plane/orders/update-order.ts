/**
 * PUT /orders/{orderId}: replaces the items and note of an existing order of the caller's
 * tenant and re-prices every line from the tenant's current products. Returns 404 when the
 * order does not exist in the tenant.
 */
import { NumberValue, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jsonResponse, NotFoundError } from '../../shared/http';
import { parseJsonObject } from '../shared/json-body';
import { formatCents } from '../shared/price';
import { ordersTableName, productsTableName } from '../shared/app-environment';
import { isConditionalCheckFailure, tenantApiHandler } from '../shared/tenant-api-handler';
import { itemIdParameter } from '../products/product-model';
import { orderResponse, orderTotalCents, parseOrderInput, priceOrderLines, storedLines } from './order-model';

export const handler = tenantApiHandler('order-update', async ({ event, tenant, db, countMetric }) => {
  const orderId = itemIdParameter(event, 'orderId');
  const input = parseOrderInput(parseJsonObject(event));
  const lines = await priceOrderLines(db, productsTableName(), tenant.tenantId, input.items);

  const values: Record<string, unknown> = {
    ':lines': storedLines(lines),
    ':total': NumberValue.from(formatCents(orderTotalCents(lines))),
    ':now': new Date().toISOString(),
    ':user': tenant.userName,
  };
  // Every attribute goes through a name placeholder, because LINES and others are reserved words.
  const names: Record<string, string> = { '#lines': 'lines', '#total': 'total', '#updatedAt': 'updatedAt', '#updatedBy': 'updatedBy', '#note': 'note' };
  const set = ['#lines = :lines', '#total = :total', '#updatedAt = :now', '#updatedBy = :user'];
  let remove = '';
  if (input.note === undefined) {
    remove = ' REMOVE #note';
  } else {
    set.push('#note = :note');
    values[':note'] = input.note;
  }

  try {
    const result = await db.send(
      new UpdateCommand({
        TableName: ordersTableName(),
        Key: { tenantId: tenant.tenantId, orderId },
        UpdateExpression: `SET ${set.join(', ')}${remove}`,
        ConditionExpression: 'attribute_exists(orderId)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    countMetric('OrderUpdated');
    return jsonResponse(200, orderResponse(result.Attributes ?? {}));
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      throw new NotFoundError(`order ${orderId} was not found`, 'orderId');
    }
    throw error;
  }
});
