/**
 * POST /orders: creates an order of the caller's tenant after checking, with the tenant's
 * own credentials, that every ordered product exists in that tenant. Returns 201.
 */
import { randomUUID } from 'crypto';
import { NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { jsonResponse } from '../../shared/http';
import { parseJsonObject } from '../shared/json-body';
import { formatCents } from '../shared/price';
import { ordersTableName, productsTableName } from '../shared/app-environment';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { orderResponse, orderTotalCents, parseOrderInput, priceOrderLines, storedLines } from './order-model';

export const handler = tenantApiHandler('order-create', async ({ event, tenant, db, countMetric }) => {
  const input = parseOrderInput(parseJsonObject(event));
  const lines = await priceOrderLines(db, productsTableName(), tenant.tenantId, input.items);
  const total = formatCents(orderTotalCents(lines));
  const now = new Date().toISOString();
  const orderId = randomUUID();

  const item = {
    tenantId: tenant.tenantId,
    orderId,
    status: 'PLACED',
    lines: storedLines(lines),
    total: NumberValue.from(total),
    note: input.note,
    createdAt: now,
    updatedAt: now,
    createdBy: tenant.userName,
  };
  await db.send(
    new PutCommand({ TableName: ordersTableName(), Item: item, ConditionExpression: 'attribute_not_exists(orderId)' }),
  );
  countMetric('OrderCreated');

  return jsonResponse(201, orderResponse({ ...item, total, lines: item.lines.map((line) => stringifyNumbers(line)) }));
});

function stringifyNumbers(line: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(line).map(([key, value]) => [key, value instanceof NumberValue ? value.toString() : value]));
}
