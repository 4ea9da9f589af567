/**
 * The engines the control-plane handler tests run against: dynalite with the registry
 * tables, and a PutEvents capture endpoint, both on 127.0.0.1 ephemeral ports. The handler
 * env is set the way the control-plane stack sets it, and handlers run through the local
 * Lambda runtime, which passes them a JSON copy of the event and a Lambda context.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { DEFAULT_TIERS } from '../../../../config/defaults';
import { CONTROL_PLANE_TABLES } from '../../../../constructs/shared/table-specs';
import type { HandlerId } from '../../../../lambdas/catalog';
import { TenantRecord, TenantStatus, tenantNameKey } from '../../../../lambdas/shared/tenant';
import { LocalDynamoDb, ensureTable, startLocalDynamoDb } from '../../../../local/dynamodb';
import { invokeLocalHandler } from '../../../../local/lambda-runtime';
import { EventCapture, startEventCapture } from './event-capture';

export const TENANTS_TABLE = 'test-tenants';
export const TENANT_NAMES_TABLE = 'test-tenant-names';
export const CONTROL_PLANE_SOURCE = 'sbt.control.plane';
export const APPLICATION_PLANE_SOURCE = 'sbt.application.plane';
export const EVENT_BUS_NAME = 'test-events';

export interface ControlPlaneFixture {
  readonly dynamo: LocalDynamoDb;
  readonly documents: DynamoDBDocumentClient;
  readonly bus: EventCapture;
  stop(): Promise<void>;
}

export async function startControlPlaneFixture(): Promise<ControlPlaneFixture> {
  const dynamo = await startLocalDynamoDb();
  const bus = await startEventCapture();
  await ensureTable(dynamo.client, TENANTS_TABLE, CONTROL_PLANE_TABLES.tenants);
  await ensureTable(dynamo.client, TENANT_NAMES_TABLE, CONTROL_PLANE_TABLES.tenantNames);

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    TENANTS_TABLE,
    TENANT_NAMES_TABLE,
    EVENT_BUS_NAME,
    CONTROL_PLANE_EVENT_SOURCE: CONTROL_PLANE_SOURCE,
    APPLICATION_PLANE_EVENT_SOURCE: APPLICATION_PLANE_SOURCE,
    TIERS: JSON.stringify(DEFAULT_TIERS.map((tier) => ({ name: tier.name, model: tier.model }))),
  });

  const documents = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    dynamo,
    documents,
    bus,
    stop: async () => {
      await bus.stop();
      await dynamo.stop();
    },
  };
}

export interface ApiEventOptions {
  readonly method?: string;
  readonly path?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  /** Sent as the raw body when given, instead of `JSON.stringify(body)`. */
  readonly rawBody?: string;
  readonly base64?: boolean;
  readonly headers?: Record<string, string>;
  readonly claims?: Record<string, string>;
}

/** Builds an HTTP API payload 2.0 event, as API Gateway sends it after the JWT authorizer. */
export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  let body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && options.base64) {
    body = Buffer.from(body, 'utf8').toString('base64');
  }
  const headers = options.headers ?? (body !== undefined ? { 'content-type': 'application/json' } : {});
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();

  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers,
    queryStringParameters: options.query,
    pathParameters: options.pathParameters,
    body,
    isBase64Encoded: options.base64 ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'testapi',
      domainName: 'testapi.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'testapi',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: `request-${Math.random().toString(16).slice(2)}`,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims ?? { sub: 'admin-sub', username: 'admin' }, scopes: null } },
    },
  };
}

export interface HttpResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: any;
}

/** Invokes an API handler and parses its JSON body. */
export async function callApi(id: HandlerId, options: ApiEventOptions = {}): Promise<HttpResult> {
  const result = (await invokeLocalHandler(id, apiEvent(options))) as { statusCode: number; headers: Record<string, string>; body: string };
  return { statusCode: result.statusCode, headers: result.headers ?? {}, body: result.body ? JSON.parse(result.body) : undefined };
}

export async function countItems(fixture: ControlPlaneFixture, table: string): Promise<number> {
  const result = await fixture.dynamo.client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
  return result.Count ?? 0;
}

export async function readReservation(fixture: ControlPlaneFixture, tenantNameKey: string): Promise<Record<string, string> | undefined> {
  const result = await fixture.documents.send(new GetCommand({ TableName: TENANT_NAMES_TABLE, Key: { tenantNameKey }, ConsistentRead: true }));
  return result.Item as Record<string, string> | undefined;
}

export async function readTenant(fixture: ControlPlaneFixture, tenantId: string): Promise<TenantRecord | undefined> {
  const result = await fixture.documents.send(new GetCommand({ TableName: TENANTS_TABLE, Key: { tenantId }, ConsistentRead: true }));
  return result.Item as TenantRecord | undefined;
}

let seededCount = 0;

/**
 * Writes a tenant straight to the registry, with its name reservation, for tests that need
 * a tenant in a given state. `createdAt` defaults to a distinct, increasing timestamp.
 */
export async function seedTenant(
  fixture: ControlPlaneFixture,
  overrides: Partial<TenantRecord> & { status: TenantStatus },
): Promise<TenantRecord> {
  seededCount += 1;
  const tenantId = overrides.tenantId ?? `seed${seededCount.toString().padStart(6, '0')}${Math.random().toString(16).slice(2, 8)}`;
  const tenantName = overrides.tenantName ?? `Seeded Tenant ${tenantId}`;
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1) + seededCount * 1000).toISOString();
  const tier = overrides.tier ?? 'BASIC';
  const record: TenantRecord = {
    tenantId,
    tenantName,
    tenantNameKey: tenantNameKey(tenantName),
    email: 'owner@example.com',
    tier,
    model: DEFAULT_TIERS.find((candidate) => candidate.name === tier)?.model ?? 'pool',
    tenantRegistrationId: `registration-${tenantId}`,
    listPartition: 'TENANT',
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
  await fixture.documents.send(new PutCommand({ TableName: TENANTS_TABLE, Item: record }));
  await fixture.documents.send(
    new PutCommand({ TableName: TENANT_NAMES_TABLE, Item: { tenantNameKey: record.tenantNameKey, tenantName, tenantId, reservedAt: createdAt } }),
  );
  return record;
}

export async function deleteTenantItems(fixture: ControlPlaneFixture, tenant: TenantRecord): Promise<void> {
  await fixture.documents.send(new DeleteCommand({ TableName: TENANTS_TABLE, Key: { tenantId: tenant.tenantId } }));
  await fixture.documents.send(new DeleteCommand({ TableName: TENANT_NAMES_TABLE, Key: { tenantNameKey: tenant.tenantNameKey } }));
}
