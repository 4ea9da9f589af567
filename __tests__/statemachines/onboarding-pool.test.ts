import { APIGatewayClient, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { AdminGetUserCommand, ListUsersInGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_TIERS } from '../../config/defaults';
import { ExecutionRecord } from '../../local/stepfunctions/execution-record';
import { busEvent, newTenantId, putTenant, readTenant, REGION, PREFIX } from '../lambdas/control-plane/lifecycle/support/lifecycle-engines';
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

function onboardingEvent(tenantId: string, overrides: Record<string, unknown> = {}) {
  return busEvent('sbt_aws_onboardingRequest', {
    tenantId,
    tenantRegistrationId: `reg-${tenantId}`,
    tenantName: `Tenant ${tenantId}`,
    email: `admin-${tenantId}@example.com`,
    tier: 'STANDARD',
    ...overrides,
  });
}

function stateNames(record: ExecutionRecord): string[] {
  return record.states.map((state) => state.name);
}

async function tenantKeys(tenantId: string) {
  const keys = await gateway.send(new GetApiKeysCommand({ nameQuery: `${PREFIX}-${tenantId}` }));
  return (keys.items ?? []).filter((key) => key.name === `${PREFIX}-${tenantId}`);
}

describe('onboarding state machine, pooled tier', () => {
  it('provisions the tenant and reports success', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'STANDARD', status: 'PENDING' });

    const record = await harness.machine('onboarding').run(onboardingEvent(tenantId));
    await harness.settle();

    expect(record.status).toBe('SUCCEEDED');
    expect(stateNames(record)).toEqual([
      'Validate event',
      'Start provisioning',
      'Is duplicate delivery',
      'Choose tenancy model',
      'Provision pooled resources',
      'Create tenant admin',
      'Emit provision success',
    ]);
    expect(record.states.every((state) => state.status === 'SUCCEEDED')).toBe(true);
    expect(record.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:tf-onboarding:[0-9a-f-]{36}$/);

    const keys = await tenantKeys(tenantId);
    expect(keys).toHaveLength(1);
    expect(harness.engines.apiGateway.usagePlanOfKey(keys[0].id!)?.id).toBe(harness.engines.usagePlanIds.STANDARD);

    const admin = await harness.engines.cognitoClient.send(
      new AdminGetUserCommand({ UserPoolId: harness.engines.pooledUserPoolId, Username: `admin-${tenantId}@example.com` }),
    );
    const attributes = Object.fromEntries((admin.UserAttributes ?? []).map((attribute) => [attribute.Name, attribute.Value]));
    expect(attributes).toMatchObject({ 'custom:tenantId': tenantId, 'custom:tenantTier': 'STANDARD', 'custom:userRole': 'TenantAdmin' });
    const members = await harness.engines.cognitoClient.send(
      new ListUsersInGroupCommand({ UserPoolId: harness.engines.pooledUserPoolId, GroupName: `tenant-${tenantId}` }),
    );
    expect(members.Users).toHaveLength(1);

    const [success] = harness.eventsOf('sbt_aws_provisionSuccess', tenantId);
    expect(success.source).toBe('sbt.application.plane');
    expect(success.detail).toEqual({
      tenantId,
      tenantRegistrationId: `reg-${tenantId}`,
      jobOutput: expect.objectContaining({ apiKeyId: keys[0].id, usagePlanId: harness.engines.usagePlanIds.STANDARD, userPoolId: harness.engines.pooledUserPoolId }),
    });
    expect(harness.eventsOf('sbt_aws_tenantUserCreated', tenantId)).toHaveLength(1);

    const tenant = await readTenant(harness.engines, tenantId);
    expect(tenant?.status).toBe('ACTIVE');
    expect(tenant?.outputs).toMatchObject({ apiKeyId: keys[0].id });
  });

  it('ignores a duplicate delivery', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'BASIC', status: 'PENDING' });
    const event = onboardingEvent(tenantId, { tier: 'BASIC' });

    const first = await harness.machine('onboarding').run(event);
    const second = await harness.machine('onboarding').run(event);
    await harness.settle();

    expect(first.status).toBe('SUCCEEDED');
    expect(second.status).toBe('SUCCEEDED');
    expect(stateNames(second)).toEqual(['Validate event', 'Start provisioning', 'Is duplicate delivery', 'Ignore duplicate delivery']);
    expect(await tenantKeys(tenantId)).toHaveLength(1);
    expect(harness.eventsOf('sbt_aws_provisionSuccess', tenantId)).toHaveLength(1);
    expect(harness.eventsOf('sbt_aws_tenantUserCreated', tenantId)).toHaveLength(1);
  });

  it('reports a missing field as a failure event', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { status: 'PENDING' });
    const event = onboardingEvent(tenantId);
    delete (event.detail as Record<string, unknown>).email;

    const record = await harness.machine('onboarding').run(event);
    await harness.settle();

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ProvisioningFailed');
    expect(record.cause).toMatch(/^InvalidEventError: sbt_aws_onboardingRequest detail is invalid: detail\.email/);
    expect(record.states.find((state) => state.name === 'Validate event')).toMatchObject({ status: 'CAUGHT', error: 'InvalidEventError' });

    const [failure] = harness.eventsOf('sbt_aws_provisionFailure', tenantId);
    expect(failure.detail.reason).toMatch(/detail\.email/);
    expect(harness.eventsOf('sbt_aws_provisionSuccess', tenantId)).toHaveLength(0);

    const tenant = await readTenant(harness.engines, tenantId);
    expect(tenant?.status).toBe('PROVISION_FAILED');
    expect(tenant?.statusReason).toMatch(/detail\.email/);
  });

  it('reports an event without a detail', async () => {
    const event = onboardingEvent('unused');
    delete event.detail;
    const record = await harness.machine('onboarding').run(event);
    await harness.settle();

    expect(record.status).toBe('FAILED');
    expect(record.cause).toMatch(/not an EventBridge event with a detail object/);
    const failures = harness.engines.events.filter((candidate) => candidate['detail-type'] === 'sbt_aws_provisionFailure' && candidate.detail.tenantId === '');
    expect(failures.length).toBeGreaterThanOrEqual(1);
  });

  it('reports a handler error with its message', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'GOLD', status: 'PENDING' });
    const tiers = process.env.TIERS;
    // GOLD is a pooled tier with no usage plan, so the pooled provisioning handler throws.
    process.env.TIERS = JSON.stringify([...DEFAULT_TIERS.map((tier) => ({ name: tier.name, model: tier.model })), { name: 'GOLD', model: 'pool' }]);
    let record: ExecutionRecord;
    try {
      record = await harness.machine('onboarding').run(onboardingEvent(tenantId, { tier: 'GOLD' }));
    } finally {
      process.env.TIERS = tiers;
    }
    await harness.settle();

    expect(record.status).toBe('FAILED');
    const provision = record.states.find((state) => state.name === 'Provision pooled resources');
    expect(provision).toMatchObject({ status: 'CAUGHT', error: 'MissingSettingError', retries: 0 });
    expect(JSON.parse(provision!.cause!)).toMatchObject({ errorType: 'MissingSettingError' });

    const [failure] = harness.eventsOf('sbt_aws_provisionFailure', tenantId);
    expect(failure.detail.reason).toMatch(/^MissingSettingError: SSM parameter \/tf\/application-plane\/usage-plan-id\/GOLD is missing/);
    expect((await readTenant(harness.engines, tenantId))?.status).toBe('PROVISION_FAILED');
  });

  it('retries a throttled handler', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'BASIC', status: 'PENDING' });
    const { invokeLocalHandler } = await import('../../local/lambda-runtime');
    let throttles = 0;
    const machine = harness.machine('onboarding', {
      bindings: {
        invokeLambda: async (handlerId, payload) => {
          if (handlerId === 'lifecycle-provision-pool' && throttles < 2) {
            throttles += 1;
            throw Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' });
          }
          return invokeLocalHandler(handlerId, payload);
        },
      },
    });

    const record = await machine.run(onboardingEvent(tenantId, { tier: 'BASIC' }));
    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.find((state) => state.name === 'Provision pooled resources')).toMatchObject({ status: 'SUCCEEDED', retries: 2 });
  });

  it('writes the failure itself when the event cannot be sent', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'GOLD', status: 'PENDING' });
    const machine = harness.machine('onboarding', {
      bindings: {
        putEvents: () => {
          throw Object.assign(new Error('bus unavailable'), { name: 'InternalException' });
        },
      },
    });

    const record = await machine.run(onboardingEvent(tenantId, { tier: 'GOLD' }));
    expect(record.status).toBe('FAILED');
    expect(record.states.find((state) => state.name === 'Emit provision failure')).toMatchObject({ status: 'CAUGHT', error: 'EventBridge.InternalException', retries: 4 });
    expect(record.states.find((state) => state.name === 'Record failure directly')?.status).toBe('SUCCEEDED');

    const tenant = await readTenant(harness.engines, tenantId);
    expect(tenant?.status).toBe('PROVISION_FAILED');
    expect(tenant?.statusReason).toMatch(/detail\.tier "GOLD" is not one of/);
  });
});
