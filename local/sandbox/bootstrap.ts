/**
 * Creates, on first use, what the deployed stacks create before any tenant exists. That is
 * the registry and pooled service tables in dynalite, and the control-plane and pooled user
 * pools in cognito-local (custom attributes `tenantId`, `tenantTier` and `userRole`, and an
 * app client each). It is also one usage plan per pooled tier in the API Gateway emulator,
 * and the SSM parameters the application-plane stack publishes plus the tenant-template
 * version. Each step finds what an earlier run created, so it runs on every start.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceNames } from '../../config/naming';
import { PlatformConfig, poolTiers } from '../../config/platform-config';
import { CONTROL_PLANE_TABLES, SERVICE_TABLES } from '../../constructs/shared/table-specs';
import { applicationPlaneParameterPath, templateVersionParameterName } from '../../constructs/shared/platform-parameters';
import { ensureTable } from '../dynamodb';

/** Placeholder URL of the pooled API, in the reserved `.invalid` domain; the sandbox serves no application-plane API. */
export const LOCAL_APPLICATION_API_URL = 'https://application-plane.sandbox.invalid/prod';

export interface BootstrapResult {
  readonly controlPlaneUserPoolId: string;
  readonly pooledUserPoolId: string;
  readonly pooledUserPoolClientId: string;
  readonly usagePlanIds: Readonly<Record<string, string>>;
}

/** Creates every registry and service table that does not exist yet. */
export async function ensureTables(client: DynamoDBClient, config: PlatformConfig): Promise<void> {
  const names = new ResourceNames(config.prefix);
  const specs = [...Object.values(CONTROL_PLANE_TABLES), ...Object.values(SERVICE_TABLES)];
  await Promise.all(specs.map((spec) => ensureTable(client, names.of(spec.suffix), spec)));
}

export async function bootstrapApplicationPlane(config: PlatformConfig, templateVersion: string): Promise<BootstrapResult> {
  const names = new ResourceNames(config.prefix);
  const controlPlane = await ensureUserPool(names.of('control-plane'), ['userRole'], ['SystemAdmin', 'SystemSupport']);
  const pooled = await ensureUserPool(names.of('tenant-users'), ['tenantId', 'tenantTier', 'userRole'], ['TenantAdmin', 'TenantUser']);
  const usagePlanIds = await ensureUsagePlans(config);

  const parameterPath = applicationPlaneParameterPath(config.prefix);
  const parameters: Record<string, string> = {
    [`${parameterPath}/user-pool-id`]: pooled.userPoolId,
    [`${parameterPath}/user-pool-client-id`]: pooled.clientId,
    [`${parameterPath}/api-url`]: LOCAL_APPLICATION_API_URL,
    [`${parameterPath}/products-table`]: names.of(SERVICE_TABLES.products.suffix),
    [`${parameterPath}/orders-table`]: names.of(SERVICE_TABLES.orders.suffix),
    [templateVersionParameterName(config.prefix)]: templateVersion,
  };
  for (const [tier, planId] of Object.entries(usagePlanIds)) {
    parameters[`${parameterPath}/usage-plan-id/${tier}`] = planId;
  }
  await putParameters(parameters);

  return {
    controlPlaneUserPoolId: controlPlane.userPoolId,
    pooledUserPoolId: pooled.userPoolId,
    pooledUserPoolClientId: pooled.clientId,
    usagePlanIds,
  };
}

/**
 * Finds or creates a user pool with its role groups and app client. The groups are the
 * stacks' role groups. They also keep cognito-local 5.3.0 from returning an empty HTTP 500
 * for GetGroup (instead of ResourceNotFoundException) in a pool that has no group at all.
 */
async function ensureUserPool(
  poolName: string,
  customAttributes: readonly string[],
  groups: readonly string[],
): Promise<{ userPoolId: string; clientId: string }> {
  const cognito = await import('@aws-sdk/client-cognito-identity-provider');
  const client = new cognito.CognitoIdentityProviderClient({});
  try {
    const pools = await client.send(new cognito.ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((pool) => pool.Name === poolName)?.Id;
    if (!userPoolId) {
      const created = await client.send(
        new cognito.CreateUserPoolCommand({
          PoolName: poolName,
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          AutoVerifiedAttributes: ['email'],
          UsernameConfiguration: { CaseSensitive: false },
          Schema: [
            { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
            ...customAttributes.map((name) => ({
              Name: name,
              AttributeDataType: 'String' as const,
              Mutable: true,
              StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
            })),
          ],
        }),
      );
      userPoolId = created.UserPool?.Id;
    }
    if (!userPoolId) {
      throw new Error(`cognito-local returned no id for user pool ${poolName}`);
    }

    const existingGroups = await client.send(new cognito.ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
    for (const group of groups) {
      if (!existingGroups.Groups?.some((candidate) => candidate.GroupName === group)) {
        await client.send(new cognito.CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group, Description: `${group} role` }));
      }
    }

    const clients = await client.send(new cognito.ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((candidate) => candidate.ClientName === `${poolName}-app`)?.ClientId;
    if (!clientId) {
      const created = await client.send(
        new cognito.CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: `${poolName}-app`,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          ReadAttributes: ['email', 'email_verified', ...customAttributes.map((name) => `custom:${name}`)],
          // No custom attribute is writable by the app client, as in the stacks.
          WriteAttributes: ['email', 'given_name', 'family_name'],
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
    }
    if (!clientId) {
      throw new Error(`cognito-local returned no app client id for user pool ${poolName}`);
    }
    return { userPoolId, clientId };
  } finally {
    client.destroy();
  }
}

async function ensureUsagePlans(config: PlatformConfig): Promise<Record<string, string>> {
  const apiGateway = await import('@aws-sdk/client-api-gateway');
  const client = new apiGateway.APIGatewayClient({});
  const names = new ResourceNames(config.prefix);
  try {
    const existing = await client.send(new apiGateway.GetUsagePlansCommand({ limit: 500 }));
    const ids: Record<string, string> = {};
    for (const tier of poolTiers(config)) {
      const planName = names.of(tier.name);
      let planId = existing.items?.find((plan) => plan.name === planName)?.id;
      if (!planId) {
        const created = await client.send(
          new apiGateway.CreateUsagePlanCommand({
            name: planName,
            description: `Usage plan of the ${tier.name} tier; each tenant's API key is attached to it`,
            throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
            quota: { limit: tier.dailyQuota, period: 'DAY' },
          }),
        );
        planId = created.id;
      }
      if (!planId) {
        throw new Error(`the API Gateway emulator returned no id for usage plan ${planName}`);
      }
      ids[tier.name] = planId;
    }
    return ids;
  } finally {
    client.destroy();
  }
}

async function putParameters(parameters: Readonly<Record<string, string>>): Promise<void> {
  const ssm = await import('@aws-sdk/client-ssm');
  const client = new ssm.SSMClient({});
  try {
    for (const [name, value] of Object.entries(parameters)) {
      await client.send(new ssm.PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
    }
  } finally {
    client.destroy();
  }
}
