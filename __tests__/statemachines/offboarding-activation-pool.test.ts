import { APIGatewayClient, GetApiKeyCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { busEvent, newTenantId, putTenant, readTenant, REGION, PREFIX, TABLES } from '../lambdas/control-plane/lifecycle/support/lifecycle-engines';
import { LifecycleHarness, startLifecycleHarness } from './support/lifecycle-harness';

let harness: LifecycleHarness;
let gateway: APIGatewayClient;

beforeAll(async () => {
  harness = await startLifecycleHarness();
  gateway = new APIGatewayClient({ endpoint: harness.engines.apiGateway.endpoint, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
});

afterAll(async () => {
  gateway.destroy();
  await harness.stop();
});

/** Onboards a pooled tenant through the onboarding machine and returns its API key id. */
async function onboardPooledTenant(tenantId: string): Promise<string> {
  await putTenant(harness.engines, tenantId, { tier: 'PREMIUM', status: 'PENDING' });
  const record = await harness.machine('onboarding').run(
    busEvent('sbt_aws_onboardingRequest', {
      tenantId,
      tenantRegistrationId: `reg-${tenantId}`,
      tenantName: `Tenant ${tenantId}`,
      email: `admin-${tenantId}@example.com`,
      tier: 'PREMIUM',
    }),
  );
  await harness.settle();
  expect(record.status).toBe('SUCCEEDED');
  expect((await readTenant(harness.engines, tenantId))?.status).toBe('ACTIVE');
  const tenant = await readTenant(harness.engines, tenantId);
  return tenant!.outputs!.apiKeyId as string;
}

async function userEnabled(username: string): Promise<boolean | undefined> {
  const user = await harness.engines.cognitoClient.send(new AdminGetUserCommand({ UserPoolId: harness.engines.pooledUserPoolId, Username: username }));
  return user.Enabled;
}

describe('offboarding state machine, pooled tier', () => {
  it('removes the tenant and reports success', async () => {
    const tenantId = newTenantId();
    await onboardPooledTenant(tenantId);
    await harness.engines.documents.send(new PutCommand({ TableName: TABLES.orders, Item: { tenantId, orderId: 'o1', total: 3 } }));
    // The DELETE API moves the tenant to DEPROVISIONING before it emits the request.
    await putTenant(harness.engines, tenantId, { ...(await readTenant(harness.engines, tenantId)), status: 'DEPROVISIONING' });

    const event = busEvent('sbt_aws_offboardingRequest', { tenantId });
    const record = await harness.machine('offboarding').run(event);
    await harness.settle();

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.map((state) => state.name)).toEqual([
      'Validate event',
      'Claim offboarding',
      'Is duplicate delivery',
      'Choose tenancy model',
      'Deprovision pooled resources',
      'Emit deprovision success',
    ]);
    expect(record.states[4].output).toMatchObject({ removed: { ordersDeleted: 1, apiKeyDeleted: true, usersDeleted: 1, groupDeleted: true } });

    const orders = await harness.engines.documents.send(
      new QueryCommand({ TableName: TABLES.orders, KeyConditionExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': tenantId } }),
    );
    expect(orders.Items).toHaveLength(0);
    const keys = await gateway.send(new GetApiKeysCommand({ nameQuery: `${PREFIX}-${tenantId}` }));
    expect((keys.items ?? []).filter((key) => key.name === `${PREFIX}-${tenantId}`)).toHaveLength(0);

    expect(harness.eventsOf('sbt_aws_deprovisionSuccess', tenantId)).toHaveLength(1);
    const tenant = await readTenant(harness.engines, tenantId);
    expect(tenant?.status).toBe('DELETED');

    const duplicate = await harness.machine('offboarding').run(event);
    await harness.settle();
    expect(duplicate.status).toBe('SUCCEEDED');
    expect(duplicate.states.map((state) => state.name)).toEqual(['Validate event', 'Claim offboarding', 'Is duplicate delivery', 'Ignore duplicate delivery']);
    expect(harness.eventsOf('sbt_aws_deprovisionSuccess', tenantId)).toHaveLength(1);
  });

  it('reports a tenant that is not being deleted', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { status: 'ACTIVE' });

    const record = await harness.machine('offboarding').run(busEvent('sbt_aws_offboardingRequest', { tenantId }));
    await harness.settle();

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('DeprovisioningFailed');
    const [failure] = harness.eventsOf('sbt_aws_deprovisionFailure', tenantId);
    expect(failure.detail.reason).toBe(`TenantStatusError: tenant "${tenantId}" is ACTIVE; offboarding starts only from DEPROVISIONING, which the DELETE request sets`);
    expect((await readTenant(harness.engines, tenantId))?.status).toBe('ACTIVE');
  });
});

describe('activation state machine', () => {
  it('deactivates then activates key and users', async () => {
    const tenantId = newTenantId();
    const apiKeyId = await onboardPooledTenant(tenantId);
    const member = `member-${tenantId}@example.com`;
    await harness.engines.cognitoClient.send(new AdminCreateUserCommand({ UserPoolId: harness.engines.pooledUserPoolId, Username: member, MessageAction: 'SUPPRESS' }));
    await harness.engines.cognitoClient.send(
      new AdminAddUserToGroupCommand({ UserPoolId: harness.engines.pooledUserPoolId, Username: member, GroupName: `tenant-${tenantId}` }),
    );

    const deactivation = await harness.machine('activation').run(busEvent('sbt_aws_deactivateRequest', { tenantId }));
    await harness.settle();
    expect(deactivation.status).toBe('SUCCEEDED');
    expect(deactivation.states.map((state) => state.name)).toEqual(['Validate event', 'Choose action', 'Disable tenant access', 'Emit deactivate success']);
    expect((await gateway.send(new GetApiKeyCommand({ apiKey: apiKeyId }))).enabled).toBe(false);
    expect(await userEnabled(`admin-${tenantId}@example.com`)).toBe(false);
    expect(await userEnabled(member)).toBe(false);
    expect(harness.eventsOf('sbt_aws_deactivateSuccess', tenantId)).toHaveLength(1);
    const inactive = await readTenant(harness.engines, tenantId);
    expect(inactive?.status).toBe('INACTIVE');
    expect(inactive?.lastExecutionArn).toBe(deactivation.executionArn);

    const activation = await harness.machine('activation').run(busEvent('sbt_aws_activateRequest', { tenantId }));
    await harness.settle();
    expect(activation.status).toBe('SUCCEEDED');
    expect(activation.states.map((state) => state.name)).toEqual(['Validate event', 'Choose action', 'Enable tenant access', 'Emit activate success']);
    expect((await gateway.send(new GetApiKeyCommand({ apiKey: apiKeyId }))).enabled).toBe(true);
    expect(await userEnabled(`admin-${tenantId}@example.com`)).toBe(true);
    expect(await userEnabled(member)).toBe(true);
    expect(harness.eventsOf('sbt_aws_activateSuccess', tenantId)).toHaveLength(1);
    const active = await readTenant(harness.engines, tenantId);
    expect(active?.status).toBe('ACTIVE');
    expect(active?.lastExecutionArn).toBe(activation.executionArn);
  });

  it('reports an unknown tenant with the request type', async () => {
    const record = await harness.machine('activation').run(busEvent('sbt_aws_deactivateRequest', { tenantId: 'nosuchtenant' }));
    await harness.settle();

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ActivationFailed');
    const [failure] = harness.eventsOf('sbt_aws_deactivateFailure', 'nosuchtenant');
    expect(failure.detail.reason).toBe('TenantNotFoundError: tenant "nosuchtenant" was not found in the tenant registry');
    expect(harness.eventsOf('sbt_aws_activateFailure', 'nosuchtenant')).toHaveLength(0);
  });
});
