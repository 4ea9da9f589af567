/**
 * An order of one tenant: request validation, the check that every ordered product exists
 * in the SAME tenant, the stored item and the response shape. Order lines keep the product
 * name and unit price at the time of the order, so later product changes do not alter it.
 */
import { BatchGetCommand, NumberValue } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BadRequestError, HttpError } from '../../shared/http';
import { optionalString, rejectUnknownFields } from '../shared/json-body';
import { decimalToCents, formatCents, formatStoredPrice } from '../shared/price';
import { ITEM_ID_PATTERN } from '../products/product-model';

export const ORDER_FIELDS = ['items', 'note'] as const;
export const ORDER_ITEM_FIELDS = ['productId', 'quantity'] as const;
export const MAX_ORDER_ITEMS = 50;
export const MAX_QUANTITY = 10000;

/** Attempts of a BatchGetItem, counting retries of the keys DynamoDB left unprocessed. */
const BATCH_GET_ATTEMPTS = 5;

export interface OrderItemInput {
  readonly productId: string;
  readonly quantity: number;
}

export interface OrderInput {
  readonly items: OrderItemInput[];
  readonly note?: string;
}

export interface OrderLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: bigint;
  readonly lineTotalCents: bigint;
}

/** Validates `{items: [{productId, quantity}], note?}`. Each error names the exact field, such as `items[2].quantity`. */
export function parseOrderInput(body: Record<string, unknown>): OrderInput {
  rejectUnknownFields(body, ORDER_FIELDS);
  const items = body.items;
  if (!Array.isArray(items) || items.length === 0) {
    throw new BadRequestError('items must be a non-empty array of {productId, quantity}', 'items');
  }
  if (items.length > MAX_ORDER_ITEMS) {
    throw new BadRequestError(`items has ${items.length} entries; an order may have at most ${MAX_ORDER_ITEMS}`, 'items');
  }

  const seen = new Set<string>();
  const parsed = items.map((entry: unknown, index): OrderItemInput => {
    const prefix = `items[${index}].`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new BadRequestError(`items[${index}] must be an object {productId, quantity}`, `items[${index}]`);
    }
    const item = entry as Record<string, unknown>;
    rejectUnknownFields(item, ORDER_ITEM_FIELDS, prefix);

    const productId = item.productId;
    if (typeof productId !== 'string' || !ITEM_ID_PATTERN.test(productId)) {
      throw new BadRequestError(`${prefix}productId ${JSON.stringify(productId) ?? 'is missing and'} must be a product id`, `${prefix}productId`);
    }
    if (seen.has(productId)) {
      throw new BadRequestError(`${prefix}productId ${productId} appears twice; combine the quantities in one item`, `${prefix}productId`);
    }
    seen.add(productId);

    const quantity = item.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new BadRequestError(
        `${prefix}quantity ${JSON.stringify(quantity) ?? 'is missing and'} must be a whole number from 1 to ${MAX_QUANTITY}`,
        `${prefix}quantity`,
      );
    }
    return { productId, quantity };
  });

  return { items: parsed, note: optionalString(body, 'note', { max: 500 }) };
}

/**
 * Reads every ordered product under the caller's tenant id with the tenant-scoped client,
 * and prices the lines. A product of another tenant is simply not found under this key,
 * so it fails like a product that does not exist.
 */
export async function priceOrderLines(
  db: DynamoDBDocumentClient,
  productsTable: string,
  tenantId: string,
  items: readonly OrderItemInput[],
): Promise<OrderLine[]> {
  const products = await batchGetProducts(db, productsTable, tenantId, items.map((item) => item.productId));

  return items.map((item, index) => {
    const product = products.get(item.productId);
    if (!product) {
      throw new BadRequestError(`items[${index}].productId ${item.productId} is not a product of your tenant`, `items[${index}].productId`);
    }
    const unitPriceCents = decimalToCents(formatStoredPrice(product.price));
    return {
      productId: item.productId,
      name: String(product.name),
      quantity: item.quantity,
      unitPriceCents,
      lineTotalCents: unitPriceCents * BigInt(item.quantity),
    };
  });
}

async function batchGetProducts(
  db: DynamoDBDocumentClient,
  productsTable: string,
  tenantId: string,
  productIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let keys: Record<string, unknown>[] = productIds.map((productId) => ({ tenantId, productId }));

  for (let attempt = 0; attempt < BATCH_GET_ATTEMPTS && keys.length > 0; attempt += 1) {
    if (attempt > 0) {
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
    const result = await db.send(
      new BatchGetCommand({
        RequestItems: { [productsTable]: { Keys: keys, ProjectionExpression: 'productId, #name, price', ExpressionAttributeNames: { '#name': 'name' } } },
      }),
    );
    for (const product of result.Responses?.[productsTable] ?? []) {
      found.set(String(product.productId), product);
    }
    keys = (result.UnprocessedKeys?.[productsTable]?.Keys ?? []) as Record<string, unknown>[];
  }

  if (keys.length > 0) {
    throw new HttpError(503, `the product table is throttling reads; ${keys.length} products could not be checked, retry the request`);
  }
  return found;
}

export function orderTotalCents(lines: readonly OrderLine[]): bigint {
  return lines.reduce((sum, line) => sum + line.lineTotalCents, 0n);
}

/** Order lines in the stored form, with prices as exact DynamoDB numbers. */
export function storedLines(lines: readonly OrderLine[]): Record<string, unknown>[] {
  return lines.map((line) => ({
    productId: line.productId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: NumberValue.from(formatCents(line.unitPriceCents)),
    lineTotal: NumberValue.from(formatCents(line.lineTotalCents)),
  }));
}

export interface OrderResponse {
  readonly orderId: string;
  readonly status: string;
  readonly items: { productId: string; name: string; quantity: number; unitPrice: string; lineTotal: string }[];
  readonly total: string;
  readonly note?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Builds the response from a stored item, whose numbers arrive as decimal strings. */
export function orderResponse(item: Record<string, unknown>): OrderResponse {
  const lines = (item.lines ?? []) as Record<string, unknown>[];
  return {
    orderId: String(item.orderId),
    status: String(item.status),
    items: lines.map((line) => ({
      productId: String(line.productId),
      name: String(line.name),
      quantity: Number(String(line.quantity)),
      unitPrice: formatStoredPrice(String(line.unitPrice)),
      lineTotal: formatStoredPrice(String(line.lineTotal)),
    })),
    total: formatStoredPrice(String(item.total)),
    ...(typeof item.note === 'string' ? { note: item.note } : {}),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
