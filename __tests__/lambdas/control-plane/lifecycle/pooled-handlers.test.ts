import { APIGatewayClient, GetApiKeyCommand, GetApiKeysCommand, GetUsagePlanKeysCommand } from '@aws-sdk/client-api-gateway';
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand, ListUsersInGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { handler as provisionPool } from '../../../../lambdas/control-plane/lifecycle/provision-pool-tenant';
import { handler as createAdmin } from '../../../../lambdas/control-plane/lifecycle/create-tenant-admin';
import { handler as deprovisionPool } from '../../../../lambdas/control-plane/lifecycle/deprovision-pool-tenant';
import { handler as setAccess } from '../../../../lambdas/control-plane/lifecycle/set-tenant-access';
import { handler as transition } from '../../../../lambdas/control-plane/lifecycle/transition-status';
import { handler as claimOffboarding } from '../../../../lambdas/control-plane/lifecycle/claim-offboarding';
import { clearApplicationPlaneSettingsCache } from '../../../../lambdas/control-plane/lifecycle/application-plane-settings';
import { LifecycleEngines, newTenantId, putTenant, readTenant, startLifecycleEngines, TABLES, PREFIX, REGION } from './support/lifecycle-engines';

const executionId = 'arn:aws:states:us-east-1:123456789012:execution:tf-onboarding:run-1';
let engines: LifecycleEngines;
let gateway: APIGatewayClient;

beforeAll(async () => {
  engines = await startLifecycleEngines();
  gateway = new APIGatewayClient({ endpoint: engines.apiGateway.endpoint, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
});

afterAll(async () => {
  gateway.destroy();
  await engines.stop();
});

async function keysNamed(name: string) {
  const keys = await gateway.send(new GetApiKeysCommand({ nameQuery: name, includeValues: false }));
  return (keys.items ?? []).filter((key) => key.name === name);
}

async function provisionPooledTenant(tenantId: string, tier = 'STANDARD') {
  await putTenant(engines, tenantId, { tier, status: 'PROVISIONING' });
  const request = { tenantId, tier, model: 'pool' as const, email: `admin-${tenantId}@example.com` };
  const outputs = await provisionPool({ request, executionId });
  await createAdmin({ request, outputs, executionId });
  return { request, outputs };
}

describe('lifecycle-provision-pool', () => {
  it('attaches a new key to the tier plan', async () => {
    const tenantId = newTenantId();
    const outputs = await provisionPool({ request: { tenantId, tier: 'STANDARD', model: 'pool' }, executionId });

    expect(outputs).toMatchObject({
      usagePlanId: engines.usagePlanIds.STANDARD,
      userPoolId: engines.pooledUserPoolId,
      tenantGroup: `tenant-${tenantId}`,
      productsTableName: TABLES.products,
      ordersTableName: TABLES.orders,
    });
    expect(engines.apiGateway.usagePlanOfKey(outputs.apiKeyId)?.id).toBe(engines.usagePlanIds.STANDARD);
    const planKeys = await gateway.send(new GetUsagePlanKeysCommand({ usagePlanId: engines.usagePlanIds.STANDARD }));
    expect(planKeys.items?.map((key) => key.id)).toContain(outputs.apiKeyId);
    const key = await gateway.send(new GetApiKeyCommand({ apiKey: outputs.apiKeyId }));
    expect(key.name).toBe(`${PREFIX}-${tenantId}`);
    expect(key.enabled).toBe(true);
  });

  it('reuses the key and group on retry', async () => {
    const tenantId = newTenantId();
    const request = { tenantId, tier: 'BASIC', model: 'pool' as const };
    const first = await provisionPool({ request, executionId });
    const second = await provisionPool({ request, executionId });

    expect(second.apiKeyId).toBe(first.apiKeyId);
    expect(await keysNamed(`${PREFIX}-${tenantId}`)).toHaveLength(1);
  });

  it('ignores a key whose name only starts with the tenant key name', async () => {
    const tenantId = newTenantId();
    const longer = await provisionPool({ request: { tenantId: `${tenantId}x`, tier: 'BASIC', model: 'pool' }, executionId });
    const exact = await provisionPool({ request: { tenantId, tier: 'BASIC', model: 'pool' }, executionId });
    expect(exact.apiKeyId).not.toBe(longer.apiKeyId);
  });

  it('fails for a tier without a usage plan', async () => {
    const call = provisionPool({ request: { tenantId: newTenantId(), tier: 'GOLD', model: 'pool' }, executionId });
    await expect(call).rejects.toMatchObject({ name: 'MissingSettingError' });
    await expect(call).rejects.toThrow(/SSM parameter \/tf\/application-plane\/usage-plan-id\/GOLD is missing.*pooled tiers with a plan are BASIC, PREMIUM, STANDARD/);
  });

  it('rejects a silo request', async () => {
    await expect(provisionPool({ request: { tenantId: newTenantId(), tier: 'PLATINUM', model: 'silo' }, executionId })).rejects.toThrow(
      /lifecycle-provision-pool input is invalid: request\.model/,
    );
  });
});

describe('lifecycle-create-admin', () => {
  it('creates the admin with platform attributes', async () => {
    const tenantId = newTenantId();
    const { request } = await provisionPooledTenant(tenantId);

    const user = await engines.cognitoClient.send(new AdminGetUserCommand({ UserPoolId: engines.pooledUserPoolId, Username: request.email }));
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((attribute) => [attribute.Name, attribute.Value]));
    expect(attributes['custom:tenantId']).toBe(tenantId);
    expect(attributes['custom:tenantTier']).toBe('STANDARD');
    expect(attributes['custom:userRole']).toBe('TenantAdmin');
    expect(attributes.email_verified).toBe('true');

    const members = await engines.cognitoClient.send(new ListUsersInGroupCommand({ UserPoolId: engines.pooledUserPoolId, GroupName: `tenant-${tenantId}` }));
    expect(members.Users).toHaveLength(1);

    await engines.bus.idle();
    const created = engines.events.filter((event) => event['detail-type'] === 'sbt_aws_tenantUserCreated' && event.detail.tenantId === tenantId);
    expect(created).toHaveLength(1);
    expect(created[0].source).toBe('sbt.control.plane');
    expect(created[0].detail).toEqual({ tenantId, userName: request.email, userRole: 'TenantAdmin' });
  });

  it('reuses its own user on retry', async () => {
    const tenantId = newTenantId();
    const { request, outputs } = await provisionPooledTenant(tenantId);
    const again = await createAdmin({ request, outputs, executionId });
    expect(again).toEqual({ created: false, userName: request.email, userPoolId: engines.pooledUserPoolId });
  });

  it('rejects a user of another tenant', async () => {
    const owner = newTenantId();
    const { request } = await provisionPooledTenant(owner);
    const intruder = newTenantId();
    const outputs = await provisionPool({ request: { tenantId: intruder, tier: 'BASIC', model: 'pool' }, executionId });

    const call = createAdmin({ request: { tenantId: intruder, tier: 'BASIC', email: request.email }, outputs, executionId });
    await expect(call).rejects.toMatchObject({ name: 'UserConflictError' });
    await expect(call).rejects.toThrow(`already exists in user pool ${engines.pooledUserPoolId} for tenant "${owner}"`);
  });

  it('skips a planned silo stack', async () => {
    const result = await createAdmin({
      request: { tenantId: newTenantId(), tier: 'PLATINUM', email: 'a@example.com' },
      outputs: { userPoolId: '(known after apply)', planned: true },
      executionId,
    });
    expect(result).toMatchObject({ created: false, skipped: expect.stringContaining('planned but not applied') });
  });

  it('fails without a user pool output', async () => {
    await expect(createAdmin({ request: { tenantId: newTenantId(), tier: 'PLATINUM', email: 'a@example.com' }, outputs: {}, executionId })).rejects.toMatchObject({
      name: 'JobOutputsError',
    });
  });
});

describe('lifecycle-set-access', () => {
  it('disables then enables key and users', async () => {
    const tenantId = newTenantId();
    const { outputs } = await provisionPooledTenant(tenantId);
    await putTenant(engines, tenantId, { tier: 'STANDARD', status: 'ACTIVE', outputs });
    await engines.cognitoClient.send(
      new AdminCreateUserCommand({ UserPoolId: engines.pooledUserPoolId, Username: `user-${tenantId}@example.com`, MessageAction: 'SUPPRESS' }),
    );
    await engines.cognitoClient.send(
      new AdminAddUserToGroupCommand({ UserPoolId: engines.pooledUserPoolId, Username: `user-${tenantId}@example.com`, GroupName: `tenant-${tenantId}` }),
    );

    const disabled = await setAccess({ request: { tenantId }, enabled: false, executionId });
    expect(disabled).toEqual({ enabled: false, apiKeyId: outputs.apiKeyId, usersChanged: 2 });
    expect((await gateway.send(new GetApiKeyCommand({ apiKey: outputs.apiKeyId }))).enabled).toBe(false);
    const users = await engines.cognitoClient.send(new ListUsersInGroupCommand({ UserPoolId: engines.pooledUserPoolId, GroupName: `tenant-${tenantId}` }));
    expect(users.Users?.map((user) => user.Enabled)).toEqual([false, false]);

    await setAccess({ request: { tenantId }, enabled: true, executionId });
    expect((await gateway.send(new GetApiKeyCommand({ apiKey: outputs.apiKeyId }))).enabled).toBe(true);
    const enabledUsers = await engines.cognitoClient.send(new ListUsersInGroupCommand({ UserPoolId: engines.pooledUserPoolId, GroupName: `tenant-${tenantId}` }));
    expect(enabledUsers.Users?.map((user) => user.Enabled)).toEqual([true, true]);
  });

  it('leaves other tenants untouched', async () => {
    const target = newTenantId();
    const bystander = newTenantId();
    const targetOutputs = (await provisionPooledTenant(target)).outputs;
    const bystanderOutputs = (await provisionPooledTenant(bystander)).outputs;
    await putTenant(engines, target, { tier: 'STANDARD', status: 'ACTIVE', outputs: targetOutputs });

    await setAccess({ request: { tenantId: target }, enabled: false, executionId });
    expect((await gateway.send(new GetApiKeyCommand({ apiKey: bystanderOutputs.apiKeyId }))).enabled).toBe(true);
    const bystanderAdmin = await engines.cognitoClient.send(
      new AdminGetUserCommand({ UserPoolId: engines.pooledUserPoolId, Username: `admin-${bystander}@example.com` }),
    );
    expect(bystanderAdmin.Enabled).toBe(true);
  });

  it('fails for an unknown tenant', async () => {
    await expect(setAccess({ request: { tenantId: 'nosuchtenant' }, enabled: false, executionId })).rejects.toMatchObject({ name: 'TenantNotFoundError' });
  });

  it('uses the silo pool from the outputs', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { tier: 'PLATINUM', model: 'silo', status: 'ACTIVE', outputs: { apiUrl: 'u' } });
    await expect(setAccess({ request: { tenantId }, enabled: false, executionId })).rejects.toThrow(`silo tenant "${tenantId}" has no userPoolId in its registry outputs`);
  });
});

describe('lifecycle-deprovision-pool', () => {
  it('removes data, key, users and group', async () => {
    const tenantId = newTenantId();
    const bystander = newTenantId();
    const { outputs } = await provisionPooledTenant(tenantId);
    await provisionPooledTenant(bystander);

    // 60 products span three BatchWriteItem calls of 25.
    for (const [table, sortKey, owner, count] of [
      [TABLES.products, 'productId', tenantId, 60],
      [TABLES.orders, 'orderId', tenantId, 7],
      [TABLES.products, 'productId', bystander, 3],
    ] as const) {
      const items = Array.from({ length: count }, (_, index) => ({ PutRequest: { Item: { tenantId: owner, [sortKey]: `item-${index}`, name: 'x' } } }));
      for (let start = 0; start < items.length; start += 25) {
        await engines.documents.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(start, start + 25) } }));
      }
    }

    const result = await deprovisionPool({ tenant: { tenantId, tier: 'STANDARD', outputs }, executionId });
    expect(result).toEqual({ productsDeleted: 60, ordersDeleted: 7, apiKeyDeleted: true, usersDeleted: 1, groupDeleted: true });

    const remaining = await engines.documents.send(
      new QueryCommand({ TableName: TABLES.products, KeyConditionExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': tenantId } }),
    );
    expect(remaining.Items).toHaveLength(0);
    const bystanderProducts = await engines.documents.send(
      new QueryCommand({ TableName: TABLES.products, KeyConditionExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': bystander } }),
    );
    expect(bystanderProducts.Items).toHaveLength(3);
    expect(await keysNamed(`${PREFIX}-${tenantId}`)).toHaveLength(0);
    expect(await keysNamed(`${PREFIX}-${bystander}`)).toHaveLength(1);
    await expect(
      engines.cognitoClient.send(new AdminGetUserCommand({ UserPoolId: engines.pooledUserPoolId, Username: `admin-${tenantId}@example.com` })),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('succeeds again after a partial run', async () => {
    const tenantId = newTenantId();
    const { outputs } = await provisionPooledTenant(tenantId);
    await deprovisionPool({ tenant: { tenantId, tier: 'STANDARD', outputs }, executionId });
    const again = await deprovisionPool({ tenant: { tenantId, tier: 'STANDARD', outputs }, executionId });
    expect(again).toEqual({ productsDeleted: 0, ordersDeleted: 0, apiKeyDeleted: false, usersDeleted: 0, groupDeleted: false });
  });
});

describe('lifecycle-transition', () => {
  it('moves a pending tenant once', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'PENDING', statusReason: 'old' });
    const first = await transition({ tenantId, from: ['PENDING'], to: 'PROVISIONING', executionId });
    expect(first).toEqual({ transitioned: true, status: 'PROVISIONING', tenantId });
    const record = await readTenant(engines, tenantId);
    expect(record?.status).toBe('PROVISIONING');
    expect(record?.lastExecutionArn).toBe(executionId);
    expect(record?.statusReason).toBeUndefined();

    const duplicate = await transition({ tenantId, from: ['PENDING'], to: 'PROVISIONING', executionId: `${executionId}-2` });
    expect(duplicate).toEqual({ transitioned: false, status: 'PROVISIONING', tenantId });
  });

  it('stores a trimmed failure reason', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'PROVISIONING' });
    await transition({ tenantId, from: ['PENDING', 'PROVISIONING'], to: 'PROVISION_FAILED', reason: `  ${'e'.repeat(3000)}  `, executionId });
    const record = await readTenant(engines, tenantId);
    expect(record?.status).toBe('PROVISION_FAILED');
    expect(record?.statusReason).toHaveLength(2000);
  });

  it('fails for an unknown tenant', async () => {
    await expect(transition({ tenantId: 'nosuchtenant', from: ['PENDING'], to: 'PROVISIONING', executionId })).rejects.toMatchObject({ name: 'TenantNotFoundError' });
  });

  it('rejects a transition the lifecycle forbids', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'ACTIVE' });
    await expect(transition({ tenantId, from: ['ACTIVE'], to: 'PROVISIONING', executionId })).rejects.toThrow(/cannot move to PROVISIONING from ACTIVE/);
    expect((await readTenant(engines, tenantId))?.status).toBe('ACTIVE');
  });
});

describe('lifecycle-claim-offboarding', () => {
  it('claims once per event', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'DEPROVISIONING', templateVersion: 'v3' });
    const first = await claimOffboarding({ request: { tenantId, eventId: 'event-a' }, executionId: 'exec-1' });
    expect(first).toMatchObject({ claimed: true, tenant: { tenantId, model: 'pool', templateVersion: 'v3', tenantRegistrationId: `reg-${tenantId}` } });
    expect((await readTenant(engines, tenantId))?.lastExecutionArn).toBe('exec-1');

    const retry = await claimOffboarding({ request: { tenantId, eventId: 'event-a' }, executionId: 'exec-1' });
    expect(retry.claimed).toBe(true);
    const duplicate = await claimOffboarding({ request: { tenantId, eventId: 'event-a' }, executionId: 'exec-2' });
    expect(duplicate).toEqual({ claimed: false, status: 'DEPROVISIONING' });
  });

  it('lets a new request claim after a failure', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'DEPROVISIONING', offboardingEventId: 'event-old', offboardingExecution: 'exec-old' });
    const claimed = await claimOffboarding({ request: { tenantId, eventId: 'event-new' }, executionId: 'exec-new' });
    expect(claimed.claimed).toBe(true);
    expect((await readTenant(engines, tenantId))?.offboardingExecution).toBe('exec-new');
  });

  it('ends quietly for a deleted tenant', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'DELETED' });
    expect(await claimOffboarding({ request: { tenantId, eventId: 'e' }, executionId: 'x' })).toEqual({ claimed: false, status: 'DELETED' });
  });

  it('rejects an active tenant', async () => {
    const tenantId = newTenantId();
    await putTenant(engines, tenantId, { status: 'ACTIVE' });
    const call = claimOffboarding({ request: { tenantId, eventId: 'e' }, executionId: 'x' });
    await expect(call).rejects.toMatchObject({ name: 'TenantStatusError' });
    await expect(call).rejects.toThrow(`tenant "${tenantId}" is ACTIVE; offboarding starts only from DEPROVISIONING`);
  });
});

afterEach(() => {
  clearApplicationPlaneSettingsCache();
});
