/**
 * The local application-plane harness: the pooled REST API on 127.0.0.1 served by the real
 * authorizer and service handlers, over real local engines:
 * - cognito-local as the token issuer, with the pooled user pool, its app client and groups;
 * - dynalite behind a gateway that authorizes every DynamoDB request with the IAM policy of
 *   the caller (tenant-scoped role or the functions' own role);
 * - the local STS (AssumeRole with session tags) and the local API Gateway (API keys and one
 *   usage plan per pooled tier), whose plans the REST API enforces per key.
 *
 * Handlers run in this process and read their settings from `process.env`, and their SDK
 * clients keep the endpoints they were created with. So run one harness per process (one
 * per Jest test file). `stop()` restores the environment variables it changed.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, CreateApiKeyCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PlatformConfig, poolTiers } from '../../config/platform-config';
import { CONTROL_PLANE_TABLES, SERVICE_TABLES } from '../../constructs/shared/table-specs';
import type { TenantStatus } from '../../lambdas/shared/tenant';
import { ensureTable, LocalDynamoDb, startLocalDynamoDb } from '../dynamodb';
import { LocalApiGateway, startLocalApiGateway } from '../emulators/api-gateway';
import { LocalSts, startLocalSts } from '../emulators/sts';
import { DynamoDbIamGateway, startDynamoDbIamGateway } from './dynamodb-iam-gateway';
import { LocalCognito, startLocalCognito } from './local-cognito';
import { LocalRestApi, startLocalRestApi } from './local-rest-api';
import { UsagePlanThrottle } from './usage-plan-throttle';
import { stackPolicies } from './harness-policies';
import type { TenantRole } from '../../lambdas/application-plane/shared/routes';

export interface HarnessPolicies {
  /** Identity policy of the tenant-scoped role, with table ARNs resolved. */
  readonly scopedRole: unknown;
  /** Identity policy of the authorizer's own role, for its registry reads. */
  readonly authorizerRole: unknown;
  /** `write_attributes` of the pooled app client. */
  readonly clientWriteAttributes: readonly string[];
  /** `read_attributes` of the pooled app client. */
  readonly clientReadAttributes: readonly string[];
}

export interface HarnessOptions {
  readonly config: PlatformConfig;
  /** @default the application-plane stack's policies, from `stackPolicies` */
  readonly policies?: HarnessPolicies;
  /** Seconds the authorizer caches tenant status; the handler's default (30) when unset. */
  readonly tenantStatusCacheSeconds?: number;
  readonly authorizerCacheSeconds?: number;
  /** Clock of the usage-plan throttle, in milliseconds; tests freeze it to count a burst exactly. */
  readonly throttleClock?: () => number;
}

export interface HarnessTenant {
  readonly tenantId: string;
  readonly tier: string;
  readonly apiKeyId: string;
}

export interface ApplicationPlaneHarness {
  /** Invoke URL of the REST API stage, such as `http://127.0.0.1:41235/prod`. */
  readonly url: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly tables: { readonly tenants: string; readonly products: string; readonly orders: string };
  readonly cognito: LocalCognito;
  readonly cognitoClient: CognitoIdentityProviderClient;
  readonly dynamoDb: LocalDynamoDb;
  readonly dynamoDbGateway: DynamoDbIamGateway;
  readonly sts: LocalSts;
  readonly apiGateway: LocalApiGateway;
  readonly restApi: LocalRestApi;
  /** Registers an ACTIVE pooled tenant with its API key on its tier's plan and its user group. */
  onboardTenant(tenantId: string, tier: string): Promise<HarnessTenant>;
  /** Creates a confirmed user with the platform-set custom attributes, as onboarding does. */
  createUser(user: { tenantId: string; tier: string; email: string; role: TenantRole; password: string }): Promise<void>;
  /** Signs in with USER_PASSWORD_AUTH and returns the tokens. */
  signIn(userName: string, password: string, clientId?: string): Promise<{ idToken: string; accessToken: string }>;
  setTenantStatus(tenantId: string, status: TenantStatus): Promise<void>;
  setApiKeyEnabled(apiKeyId: string, enabled: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Access key id of the harness's own clients, which the DynamoDB gateway lets through. */
const ADMIN_ACCESS_KEY_ID = 'harness-admin';
/** Access key id the functions run with: their own role, not a tenant-scoped session. */
const FUNCTION_ACCESS_KEY_ID = 'function-role';

export async function startApplicationPlaneHarness(options: HarnessOptions): Promise<ApplicationPlaneHarness> {
  const { config } = options;
  const policies = options.policies ?? stackPolicies(config);
  const region = config.region;
  const adminCredentials = { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: 'local' };
  const tables = {
    tenants: `${config.prefix}-${CONTROL_PLANE_TABLES.tenants.suffix}`,
    products: `${config.prefix}-${SERVICE_TABLES.products.suffix}`,
    orders: `${config.prefix}-${SERVICE_TABLES.orders.suffix}`,
  };
  const scopedRoleArn = `arn:aws:iam::${config.accountId}:role/${config.prefix}-tenant-scoped`;

  const stoppers: (() => Promise<void>)[] = [];
  const savedEnv = { ...process.env };
  stoppers.push(async () => {
    for (const key of Object.keys(process.env)) {
      if (!(key in savedEnv)) {
        delete process.env[key];
      }
    }
    Object.assign(process.env, savedEnv);
  });
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      await stop();
    }
  };

  try {
    const dynamoDb = await startLocalDynamoDb();
    stoppers.push(() => dynamoDb.stop());
    const sts = await startLocalSts({ allowedRoleArns: [scopedRoleArn] });
    stoppers.push(() => sts.stop());
    const apiGateway = await startLocalApiGateway();
    stoppers.push(() => apiGateway.stop());
    const cognito = await startLocalCognito();
    stoppers.push(() => cognito.stop());

    const adminDynamo = new DynamoDBClient({ endpoint: dynamoDb.endpoint, region, credentials: adminCredentials });
    const documents = DynamoDBDocumentClient.from(adminDynamo);
    stoppers.push(async () => adminDynamo.destroy());
    await ensureTable(adminDynamo, tables.tenants, CONTROL_PLANE_TABLES.tenants);
    await ensureTable(adminDynamo, tables.products, SERVICE_TABLES.products);
    await ensureTable(adminDynamo, tables.orders, SERVICE_TABLES.orders);

    const dynamoDbGateway = await startDynamoDbIamGateway({
      target: dynamoDb.endpoint,
      region,
      accountId: config.accountId,
      sessionOf: (accessKeyId) => sts.sessionOf(accessKeyId),
      scopedRolePolicy: policies.scopedRole,
      functionRole: {
        accessKeyId: FUNCTION_ACCESS_KEY_ID,
        policy: policies.authorizerRole,
        roleArn: `arn:aws:sts::${config.accountId}:assumed-role/${config.prefix}-authorizer-role/${config.prefix}-authorizer`,
      },
      adminAccessKeyIds: [ADMIN_ACCESS_KEY_ID],
    });
    stoppers.push(() => dynamoDbGateway.stop());

    const cognitoClient = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region, credentials: adminCredentials });
    stoppers.push(async () => cognitoClient.destroy());
    const pool = await cognitoClient.send(
      new CreateUserPoolCommand({
        PoolName: `${config.prefix}-application-plane`,
        Schema: ['tenantId', 'tenantTier', 'userRole'].map((name) => ({ Name: name, AttributeDataType: 'String', Mutable: true })),
        // The password policy of the stack's pool.
        Policies: {
          PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7 },
        },
      }),
    );
    const userPoolId = pool.UserPool?.Id as string;
    const client = await cognitoClient.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: `${config.prefix}-application-plane`,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        WriteAttributes: [...policies.clientWriteAttributes],
        ReadAttributes: [...policies.clientReadAttributes],
        // The token lifetimes of the stack's app client.
        IdTokenValidity: 60,
        AccessTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    const userPoolClientId = client.UserPoolClient?.ClientId as string;
    for (const group of ['TenantAdmin', 'TenantUser']) {
      await cognitoClient.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
    }

    const apiGatewayClient = new APIGatewayClient({ endpoint: apiGateway.endpoint, region, credentials: adminCredentials });
    stoppers.push(async () => apiGatewayClient.destroy());
    const usagePlanIds: Record<string, string> = {};
    for (const tier of poolTiers(config)) {
      const plan = await apiGatewayClient.send(
        new CreateUsagePlanCommand({
          name: `${config.prefix}-${tier.name}`,
          throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
          quota: { limit: tier.dailyQuota, period: 'DAY' },
        }),
      );
      usagePlanIds[tier.name] = plan.id as string;
    }

    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: FUNCTION_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbGateway.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_API_GATEWAY: apiGateway.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      TENANTS_TABLE: tables.tenants,
      PRODUCTS_TABLE: tables.products,
      ORDERS_TABLE: tables.orders,
      USER_POOL_ID: userPoolId,
      USER_POOL_CLIENT_ID: userPoolClientId,
      TOKEN_ISSUER: cognito.issuerOf(userPoolId),
      TIERS: JSON.stringify(config.tiers.map((tier) => ({ name: tier.name, model: tier.model }))),
      TENANT_MODEL: 'pool',
      TENANT_SCOPED_ROLE_ARN: scopedRoleArn,
      PLATFORM_PREFIX: config.prefix,
    });
    delete process.env.TENANT_ID;
    delete process.env.JWKS_URI;
    if (options.tenantStatusCacheSeconds !== undefined) {
      process.env.TENANT_STATUS_CACHE_SECONDS = String(options.tenantStatusCacheSeconds);
    }

    const restApi = await startLocalRestApi({
      apiGateway,
      region,
      accountId: config.accountId,
      authorizerCacheSeconds: options.authorizerCacheSeconds,
      throttle: new UsagePlanThrottle(options.throttleClock),
    });
    stoppers.push(() => restApi.stop());

    return {
      url: restApi.url,
      userPoolId,
      userPoolClientId,
      tables,
      cognito,
      cognitoClient,
      dynamoDb,
      dynamoDbGateway,
      sts,
      apiGateway,
      restApi,

      async onboardTenant(tenantId, tier) {
        const planId = usagePlanIds[tier];
        if (!planId) {
          throw new Error(`tier "${tier}" is not a pooled tier; pooled tiers are ${Object.keys(usagePlanIds).join(', ')}`);
        }
        const key = await apiGatewayClient.send(new CreateApiKeyCommand({ name: `${config.prefix}-${tenantId}`, enabled: true }));
        await apiGatewayClient.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: key.id, keyType: 'API_KEY' }));
        await cognitoClient.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: `tenant-${tenantId}` }));
        const now = new Date().toISOString();
        await documents.send(
          new PutCommand({
            TableName: tables.tenants,
            Item: {
              tenantId,
              tenantName: `Tenant ${tenantId}`,
              tenantNameKey: `tenant ${tenantId}`,
              email: `admin@${tenantId}.example.com`,
              tier,
              model: 'pool',
              status: 'ACTIVE',
              tenantRegistrationId: `registration-${tenantId}`,
              listPartition: 'TENANT',
              createdAt: now,
              updatedAt: now,
              outputs: { apiKeyId: key.id, userPoolId, userPoolClientId },
            },
          }),
        );
        return { tenantId, tier, apiKeyId: key.id as string };
      },

      async createUser(user) {
        await cognitoClient.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: user.email,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: user.email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'custom:tenantId', Value: user.tenantId },
              { Name: 'custom:tenantTier', Value: user.tier },
              { Name: 'custom:userRole', Value: user.role },
            ],
          }),
        );
        await cognitoClient.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.email, Password: user.password, Permanent: true }));
        await cognitoClient.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: `tenant-${user.tenantId}` }));
        await cognitoClient.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: user.role }));
      },

      async signIn(userName, password, clientId = userPoolClientId) {
        const result = await cognitoClient.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: userName, PASSWORD: password } }),
        );
        const idToken = result.AuthenticationResult?.IdToken;
        const accessToken = result.AuthenticationResult?.AccessToken;
        if (!idToken || !accessToken) {
          throw new Error(`sign-in of ${userName} returned no tokens (challenge ${result.ChallengeName ?? 'none'})`);
        }
        return { idToken, accessToken };
      },

      async setTenantStatus(tenantId, status) {
        await documents.send(
          new UpdateCommand({
            TableName: tables.tenants,
            Key: { tenantId },
            UpdateExpression: 'SET #status = :status, updatedAt = :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status, ':now': new Date().toISOString() },
          }),
        );
      },

      async setApiKeyEnabled(apiKeyId, enabled) {
        await apiGatewayClient.send(new UpdateApiKeyCommand({ apiKey: apiKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }] }));
      },

      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
