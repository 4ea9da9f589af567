/**
 * A product of one tenant: request validation, the stored item and the response shape.
 * Items live in the products table under the key (tenantId, productId).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '../../shared/http';
import { optionalString, rejectUnknownFields, requiredString } from '../shared/json-body';
import { formatCents, formatStoredPrice, parsePrice } from '../shared/price';
import { pathParameter } from '../shared/tenant-api-handler';

export const PRODUCT_FIELDS = ['name', 'price', 'sku', 'description'] as const;

/** Ids that this service generates are UUIDs; the pattern also admits ids of imported data. */
export const ITEM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface ProductInput {
  readonly name: string;
  readonly priceCents: bigint;
  readonly sku?: string;
  readonly description?: string;
}

export interface ProductResponse {
  readonly productId: string;
  readonly name: string;
  /** Decimal string with two decimal places, such as `19.90`. */
  readonly price: string;
  readonly sku?: string;
  readonly description?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Validates a create or replace body: `{name, price, sku?, description?}`, nothing else. */
export function parseProductInput(body: Record<string, unknown>): ProductInput {
  rejectUnknownFields(body, PRODUCT_FIELDS);
  if (body.price === undefined || body.price === null) {
    throw new BadRequestError('price is required', 'price');
  }
  return {
    name: requiredString(body, 'name', { max: 200 }),
    priceCents: parsePrice(body.price, 'price'),
    sku: optionalString(body, 'sku', {
      max: 64,
      pattern: /^[A-Za-z0-9._-]+$/,
      patternHint: 'use letters, digits, dots, hyphens and underscores',
    }),
    description: optionalString(body, 'description', { max: 2000 }),
  };
}

/** Reads and checks the `{productId}` path parameter. */
export function productIdParameter(event: APIGatewayProxyEvent): string {
  return itemIdParameter(event, 'productId');
}

export function itemIdParameter(event: APIGatewayProxyEvent, name: string): string {
  const id = pathParameter(event, name);
  if (!ITEM_ID_PATTERN.test(id)) {
    throw new BadRequestError(`${name} "${id}" is invalid: use 1 to 64 letters, digits, hyphens or underscores`, name);
  }
  return id;
}

/** Converts cents to a DynamoDB number that keeps the exact decimal, such as `19.90`. */
export function storedPrice(cents: bigint): NumberValue {
  return NumberValue.from(formatCents(cents));
}

export function productResponse(item: Record<string, unknown>): ProductResponse {
  return {
    productId: String(item.productId),
    name: String(item.name),
    price: formatStoredPrice(item.price),
    ...(typeof item.sku === 'string' ? { sku: item.sku } : {}),
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
