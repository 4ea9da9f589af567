/**
 * Test fixture of the product and order handlers: dynalite with the pooled service tables,
 * the environment the stack sets, and API Gateway proxy events that carry the context the
 * authorizer would pass.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable, LocalDynamoDb, startLocalDynamoDb } from '../../../local/dynamodb';
import { SERVICE_TABLES } from '../../../constructs/shared/table-specs';
import { invokeLocalHandler } from '../../../local/lambda-runtime';
import type { HandlerId } from '../../../lambdas/catalog';

export const PRODUCTS_TABLE = 'test-products';
export const ORDERS_TABLE = 'test-orders';

export interface CallerOptions {
  readonly tenantId: string;
  readonly role?: 'TenantAdmin' | 'TenantUser';
  readonly tier?: string;
  readonly userName?: string;
}

export interface ProxyRequest {
  readonly method: string;
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  /** Raw body text, sent unchanged; wins over `body`. */
  readonly rawBody?: string;
  readonly contentType?: string;
  /** Authorizer context; `null` sends none, as when a method has no authorizer. */
  readonly caller: CallerOptions | null;
}

export interface ServiceResponse {
  readonly statusCode: number;
  readonly body: any;
}

export async function startServiceFixture(): Promise<LocalDynamoDb> {
  const dynamo = await startLocalDynamoDb();
  await ensureTable(dynamo.client, PRODUCTS_TABLE, SERVICE_TABLES.products);
  await ensureTable(dynamo.client, ORDERS_TABLE, SERVICE_TABLES.orders);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.PRODUCTS_TABLE = PRODUCTS_TABLE;
  process.env.ORDERS_TABLE = ORDERS_TABLE;
  process.env.TENANT_MODEL = 'pool';
  delete process.env.TENANT_ID;
  return dynamo;
}

export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const path = request.resource.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.pathParameters?.[name] ?? ''));
  const body = request.rawBody ?? (request.body === undefined ? null : JSON.stringify(request.body));
  const caller = request.caller;
  return {
    resource: request.resource,
    path,
    httpMethod: request.method,
    headers: body === null ? {} : { 'Content-Type': request.contentType ?? 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'testapi',
      httpMethod: request.method,
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: `request-${Math.random().toString(16).slice(2)}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'resource',
      resourcePath: request.resource,
      stage: 'prod',
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      authorizer: caller
        ? {
            principalId: caller.userName ?? `${caller.tenantId}-user`,
            tenantId: caller.tenantId,
            tier: caller.tier ?? 'BASIC',
            role: caller.role ?? 'TenantAdmin',
            userName: caller.userName ?? `${caller.tenantId}-user`,
            accessKeyId: `ASIA${caller.tenantId.toUpperCase()}`,
            secretAccessKey: 'secret',
            sessionToken: 'token',
            credentialsExpiration: new Date(Date.now() + 3600_000).toISOString(),
          }
        : undefined,
    },
  } as APIGatewayProxyEvent;
}

/** Invokes the catalog handler `id` with a proxy event and parses the JSON body. */
export async function callService(id: HandlerId, request: ProxyRequest): Promise<ServiceResponse> {
  const result = (await invokeLocalHandler(id, proxyEvent(request))) as APIGatewayProxyResult;
  return { statusCode: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}

/** Every item of `table`, read with the fixture's own client, not a tenant's. */
export async function scanTable(dynamo: LocalDynamoDb, table: string): Promise<Record<string, any>[]> {
  const result = await dynamo.client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return result.Items ?? [];
}
