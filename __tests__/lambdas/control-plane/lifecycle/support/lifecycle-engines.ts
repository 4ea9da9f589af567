/**
 * The local engines that the lifecycle handlers and state machines run against in tests.
 * They are dynalite with the registry and pooled tables, the local API Gateway with one
 * usage plan per pooled tier, and the local SSM with the application-plane parameters.
 * cognito-local holds the pooled user pool, and the local event bus sits behind an
 * EventBridge endpoint. Every engine listens on 127.0.0.1, and the handler environment
 * points the SDK clients at them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, CreateUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TIERS } from '../../../../../config/defaults';
import { CONTROL_PLANE_TABLES, SERVICE_TABLES } from '../../../../../constructs/shared/table-specs';
import { ensureTable, LocalDynamoDb, startLocalDynamoDb } from '../../../../../local/dynamodb';
import { LocalApiGateway, startLocalApiGateway } from '../../../../../local/emulators/api-gateway';
import { LocalSsm, startLocalSsm } from '../../../../../local/emulators/ssm';
import { BusEvent } from '../../../../../local/eventbridge/bus-event';
import { DeadLetterStore } from '../../../../../local/eventbridge/dead-letter-store';
import { LocalEventBridgeEndpoint, startEventBridgeEndpoint } from '../../../../../local/eventbridge/eventbridge-endpoint';
import { BusRuleDefinition, LocalEventBus } from '../../../../../local/eventbridge/local-bus';
import { CognitoLocal, findFreeLoopbackPort, startCognitoLocal } from '../../../../../local/sandbox/cognito-local';
import type { TenantRecord, TenantStatus } from '../../../../../lambdas/shared/tenant';

export const PREFIX = 'tf';
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
export const BUS_NAME = `${PREFIX}-events`;
export const CONTROL_PLANE_SOURCE = 'sbt.control.plane';
export const APPLICATION_PLANE_SOURCE = 'sbt.application.plane';
export const PARAMETER_PATH = `/${PREFIX}/application-plane/`;
export const TEMPLATE_VERSION_PARAMETER = `/${PREFIX}/control-plane/tenant-template-version`;
export const TABLES = {
  tenants: `${PREFIX}-tenants`,
  tenantNames: `${PREFIX}-tenant-names`,
  products: `${PREFIX}-products`,
  orders: `${PREFIX}-orders`,
};

export interface LifecycleEngines {
  readonly dynamo: LocalDynamoDb;
  readonly documents: DynamoDBDocumentClient;
  readonly apiGateway: LocalApiGateway;
  readonly ssm: LocalSsm;
  readonly cognito: CognitoLocal;
  readonly cognitoClient: CognitoIdentityProviderClient;
  readonly bus: LocalEventBus;
  readonly deadLetters: DeadLetterStore;
  /** Every event the bus accepted, in order. */
  readonly events: BusEvent[];
  readonly pooledUserPoolId: string;
  readonly usagePlanIds: Readonly<Record<string, string>>;
  readonly tempDir: string;
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** Bus rules, such as the registry updater as consumer of the result events. */
  readonly rules?: (events: BusEvent[]) => readonly BusRuleDefinition[];
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts every engine and points the handler environment at them. */
export async function startLifecycleEngines(options: EngineOptions = {}): Promise<LifecycleEngines> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
  const dynamo = await startLocalDynamoDb();
  const apiGateway = await startLocalApiGateway();
  const ssm = await startLocalSsm();
  const cognito = await startCognitoLocal({
    dataDirectory: path.join(tempDir, 'cognito'),
    port: await findFreeLoopbackPort(),
    // Triggers are not configured, so this endpoint (dynalite's) is never called.
    unemulatedServiceEndpoint: dynamo.endpoint,
  });

  const events: BusEvent[] = [];
  const deadLetters = new DeadLetterStore(path.join(tempDir, 'dead-letters.json'));
  const bus = new LocalEventBus({
    name: BUS_NAME,
    account: ACCOUNT_ID,
    region: REGION,
    rules: options.rules?.(events) ?? [],
    deadLetters,
    archive: (event) => events.push(event),
    retryPolicy: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
  });
  const busEndpoint: LocalEventBridgeEndpoint = await startEventBridgeEndpoint(bus);

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_API_GATEWAY: apiGateway.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: busEndpoint.endpoint,
    TENANTS_TABLE: TABLES.tenants,
    TENANT_NAMES_TABLE: TABLES.tenantNames,
    EVENT_BUS_NAME: BUS_NAME,
    CONTROL_PLANE_EVENT_SOURCE: CONTROL_PLANE_SOURCE,
    APPLICATION_PLANE_EVENT_SOURCE: APPLICATION_PLANE_SOURCE,
    TIERS: JSON.stringify(DEFAULT_TIERS.map((tier) => ({ name: tier.name, model: tier.model }))),
    APPLICATION_PLANE_PARAMETER_PATH: PARAMETER_PATH,
    PLATFORM_PREFIX: PREFIX,
  });

  await ensureTable(dynamo.client, TABLES.tenants, CONTROL_PLANE_TABLES.tenants);
  await ensureTable(dynamo.client, TABLES.tenantNames, CONTROL_PLANE_TABLES.tenantNames);
  await ensureTable(dynamo.client, TABLES.products, SERVICE_TABLES.products);
  await ensureTable(dynamo.client, TABLES.orders, SERVICE_TABLES.orders);
  const documents = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });

  const cognitoClient = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: REGION, credentials });
  const pool = await cognitoClient.send(new CreateUserPoolCommand({ PoolName: `${PREFIX}-pooled-users` }));
  const pooledUserPoolId = pool.UserPool!.Id!;
  // NOTE: cognito-local 5.3.0 fails GetGroup and ListUsersInGroup with HTTP 500 and an
  // empty body while a pool has no group at all, instead of ResourceNotFoundException.
  // A group that no tenant uses keeps the pool out of that state.
  await cognitoClient.send(new CreateGroupCommand({ UserPoolId: pooledUserPoolId, GroupName: 'platform-operators' }));

  const gatewayClient = new APIGatewayClient({ endpoint: apiGateway.endpoint, region: REGION, credentials });
  const usagePlanIds: Record<string, string> = {};
  for (const tier of DEFAULT_TIERS.filter((candidate) => candidate.model === 'pool')) {
    const plan = await gatewayClient.send(
      new CreateUsagePlanCommand({
        name: `${PREFIX}-${tier.name}`,
        throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
        quota: { limit: tier.dailyQuota, period: 'DAY' },
      }),
    );
    usagePlanIds[tier.name] = plan.id!;
  }
  gatewayClient.destroy();

  const ssmClient = new SSMClient({ endpoint: ssm.endpoint, region: REGION, credentials });
  const parameters: Record<string, string> = {
    'user-pool-id': pooledUserPoolId,
    'user-pool-client-id': 'local-client',
    'api-url': 'http://127.0.0.1:1/prod',
    'products-table': TABLES.products,
    'orders-table': TABLES.orders,
    ...Object.fromEntries(Object.entries(usagePlanIds).map(([tier, id]) => [`usage-plan-id/${tier}`, id])),
  };
  for (const [name, value] of Object.entries(parameters)) {
    await ssmClient.send(new PutParameterCommand({ Name: `${PARAMETER_PATH}${name}`, Value: value, Type: 'String' }));
  }
  await ssmClient.send(new PutParameterCommand({ Name: TEMPLATE_VERSION_PARAMETER, Value: 'v1', Type: 'String' }));
  ssmClient.destroy();

  return {
    dynamo,
    documents,
    apiGateway,
    ssm,
    cognito,
    cognitoClient,
    bus,
    deadLetters,
    events,
    pooledUserPoolId,
    usagePlanIds,
    tempDir,
    stop: async () => {
      await bus.idle();
      cognitoClient.destroy();
      await busEndpoint.stop();
      await cognito.stop();
      await ssm.stop();
      await apiGateway.stop();
      await dynamo.stop();
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

let tenantCounter = 0;

/** Returns a new tenant id matching `^[a-z0-9]{4,20}$`, unique within the test run. */
export function newTenantId(): string {
  tenantCounter += 1;
  return `t${Date.now().toString(36)}${tenantCounter}`.slice(0, 20);
}

/** Writes a registry record, as the registration API would. */
export async function putTenant(
  engines: LifecycleEngines,
  tenantId: string,
  fields: { status?: TenantStatus; tier?: string; model?: 'pool' | 'silo'; email?: string; outputs?: Record<string, unknown>; [key: string]: unknown } = {},
): Promise<TenantRecord> {
  const now = new Date().toISOString();
  const tier = fields.tier ?? 'BASIC';
  const record = {
    tenantId,
    tenantName: `Tenant ${tenantId}`,
    tenantNameKey: `tenant ${tenantId}`,
    email: `admin-${tenantId}@example.com`,
    tier,
    model: DEFAULT_TIERS.find((candidate) => candidate.name === tier)?.model ?? 'pool',
    status: 'PENDING' as TenantStatus,
    tenantRegistrationId: `reg-${tenantId}`,
    listPartition: 'TENANT' as const,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  await engines.documents.send(new PutCommand({ TableName: TABLES.tenants, Item: record }));
  return record as TenantRecord;
}

/** Reads a registry record. */
export async function readTenant(engines: LifecycleEngines, tenantId: string): Promise<TenantRecord | undefined> {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const result = await engines.documents.send(new GetCommand({ TableName: TABLES.tenants, Key: { tenantId }, ConsistentRead: true }));
  return result.Item as TenantRecord | undefined;
}

/** Builds an EventBridge event as a rule delivers it to a state machine. */
export function busEvent(detailType: string, detail: Record<string, unknown>, source = CONTROL_PLANE_SOURCE): Record<string, unknown> {
  return {
    version: '0',
    id: `event-${Math.random().toString(36).slice(2)}`,
    'detail-type': detailType,
    source,
    account: ACCOUNT_ID,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail,
  };
}
