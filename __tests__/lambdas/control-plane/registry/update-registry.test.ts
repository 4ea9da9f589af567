import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_STATUS_REASON_LENGTH, TenantStatus } from '../../../../lambdas/shared/tenant';
import { LambdaInvocationError, invokeLocalHandler } from '../../../../local/lambda-runtime';
import {
  APPLICATION_PLANE_SOURCE,
  ControlPlaneFixture,
  TENANT_NAMES_TABLE,
  readReservation,
  readTenant,
  seedTenant,
  startControlPlaneFixture,
} from '../support/control-plane-fixture';

let fixture: ControlPlaneFixture;

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
});

afterAll(async () => {
  await fixture.stop();
});

const resultEvent = (detailType: string, detail: unknown, source = APPLICATION_PLANE_SOURCE) => ({
  version: '0',
  id: `event-${Math.random().toString(16).slice(2)}`,
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail,
});

const executionEvent = (status: string, input: unknown, extra: Record<string, unknown> = {}) =>
  resultEvent(
    'Step Functions Execution Status Change',
    {
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:test-onboarding:run-1',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:test-onboarding',
      name: 'run-1',
      status,
      startDate: Date.now() - 1000,
      stopDate: Date.now(),
      input: input === null ? null : JSON.stringify(input),
      inputDetails: { included: input !== null },
      output: null,
      error: 'States.TaskFailed',
      cause: 'CodeBuild build failed',
      ...extra,
    },
    'aws.states',
  );

const update = (event: unknown) => invokeLocalHandler('registry-update', event) as Promise<{ outcome: string; status?: string; tenantId?: string }>;

async function expectInvalid(event: unknown, field: string): Promise<void> {
  const error = await update(event).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  expect((error as LambdaInvocationError).errorType).toBe('InvalidEventError');
  expect((error as LambdaInvocationError).message).toContain(field);
}

describe('registry updater transitions', () => {
  it('activates a provisioned tenant with its outputs', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING', tier: 'PLATINUM', statusReason: 'old' });

    const result = await update(
      resultEvent('sbt_aws_provisionSuccess', {
        tenantId: tenant.tenantId,
        jobOutput: { apiUrl: 'https://silo.example/prod', userPoolId: 'us-east-1_silo', templateVersion: 'v7', planned: true },
      }),
    );

    expect(result).toEqual({ tenantId: tenant.tenantId, detailType: 'sbt_aws_provisionSuccess', outcome: 'updated', status: 'ACTIVE' });
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('ACTIVE');
    expect(stored?.outputs).toEqual({ apiUrl: 'https://silo.example/prod', userPoolId: 'us-east-1_silo', planned: true });
    expect(typeof stored?.provisionedAt).toBe('string');
    expect(stored?.templateVersion).toBe('v7');
    expect(stored?.statusReason).toBeUndefined();
  });

  it('stores a trimmed provisioning failure reason', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING' });
    const reason = `  Error: terraform apply failed ${'x'.repeat(3000)}`;

    const result = await update(resultEvent('sbt_aws_provisionFailure', { tenantId: tenant.tenantId, reason }));

    expect(result.outcome).toBe('updated');
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('PROVISION_FAILED');
    expect(stored?.statusReason?.length).toBe(MAX_STATUS_REASON_LENGTH);
    expect(stored?.statusReason?.startsWith('Error: terraform apply failed')).toBe(true);
    expect(stored?.statusReason?.endsWith('[truncated]')).toBe(true);
  });

  it('marks a PENDING tenant failed on provisioning failure', async () => {
    const tenant = await seedTenant(fixture, { status: 'PENDING' });

    await update(resultEvent('sbt_aws_provisionFailure', { tenantId: tenant.tenantId, reason: 'validation failed' }));

    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe('PROVISION_FAILED');
  });

  it('deletes a tenant, keeps the record and frees the name', async () => {
    const tenant = await seedTenant(fixture, { status: 'DEPROVISIONING', tenantName: 'Freed Name' });

    const result = await update(resultEvent('sbt_aws_deprovisionSuccess', { tenantId: tenant.tenantId }));

    expect(result.status).toBe('DELETED');
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('DELETED');
    expect(typeof stored?.deletedAt).toBe('string');
    expect(stored?.tenantName).toBe('Freed Name');
    expect(await readReservation(fixture, 'freed name')).toBeUndefined();
  });

  it('keeps a name that another tenant reserved since', async () => {
    const tenant = await seedTenant(fixture, { status: 'DEPROVISIONING', tenantName: 'Reused Name' });
    await fixture.documents.send(
      new PutCommand({ TableName: TENANT_NAMES_TABLE, Item: { tenantNameKey: 'reused name', tenantName: 'Reused Name', tenantId: 'newowner0000', reservedAt: new Date().toISOString() } }),
    );

    await update(resultEvent('sbt_aws_deprovisionSuccess', { tenantId: tenant.tenantId }));

    expect((await readReservation(fixture, 'reused name'))?.tenantId).toBe('newowner0000');
  });

  it.each([
    ['sbt_aws_deprovisionFailure', 'DEPROVISIONING', 'DEPROVISION_FAILED'],
    ['sbt_aws_deactivateSuccess', 'ACTIVE', 'INACTIVE'],
    ['sbt_aws_activateSuccess', 'INACTIVE', 'ACTIVE'],
  ] as const)('%s moves %s to %s', async (detailType, from, to) => {
    const tenant = await seedTenant(fixture, { status: from });

    const result = await update(resultEvent(detailType, { tenantId: tenant.tenantId, reason: 'because' }));

    expect(result.outcome).toBe('updated');
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe(to);
  });

  it.each([
    ['sbt_aws_deactivateFailure', 'ACTIVE'],
    ['sbt_aws_activateFailure', 'INACTIVE'],
  ] as const)('%s keeps %s and stores the reason', async (detailType, status) => {
    const tenant = await seedTenant(fixture, { status });

    const result = await update(resultEvent(detailType, { tenantId: tenant.tenantId, reason: 'API key update failed' }));

    expect(result).toMatchObject({ outcome: 'updated', status });
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe(status);
    expect(stored?.statusReason).toBe('API key update failed');
  });

  it.each([
    ['sbt_aws_deactivateSuccess', 'ACTIVE', 'INACTIVE'],
    ['sbt_aws_deactivateFailure', 'ACTIVE', 'ACTIVE'],
  ] as const)('%s stores the execution ARN', async (detailType, from, to) => {
    const tenant = await seedTenant(fixture, { status: from });
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:tenantform-activation:${tenant.tenantId}`;

    await update(resultEvent(detailType, { tenantId: tenant.tenantId, executionArn, reason: 'API key update failed' }));

    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe(to);
    expect(stored?.lastExecutionArn).toBe(executionArn);
  });
});

describe('registry updater replays and order', () => {
  it('ignores a replayed success', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING' });
    const event = resultEvent('sbt_aws_provisionSuccess', { tenantId: tenant.tenantId, jobOutput: { apiUrl: 'https://first' } });
    await update(event);
    const afterFirst = await readTenant(fixture, tenant.tenantId);

    const replay = await update({ ...event, detail: { tenantId: tenant.tenantId, jobOutput: { apiUrl: 'https://second' } } });

    expect(replay.outcome).toBe('replayed');
    const afterReplay = await readTenant(fixture, tenant.tenantId);
    expect(afterReplay?.outputs).toEqual({ apiUrl: 'https://first' });
    expect(afterReplay?.updatedAt).toBe(afterFirst?.updatedAt);
  });

  it('ignores a failure that arrives after success', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING' });
    await update(resultEvent('sbt_aws_provisionSuccess', { tenantId: tenant.tenantId }));

    const late = await update(resultEvent('sbt_aws_provisionFailure', { tenantId: tenant.tenantId, reason: 'late failure' }));

    expect(late.outcome).toBe('ignored');
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('ACTIVE');
    expect(stored?.statusReason).toBeUndefined();
  });

  it('ignores a success before provisioning started', async () => {
    const tenant = await seedTenant(fixture, { status: 'PENDING' });

    const early = await update(resultEvent('sbt_aws_provisionSuccess', { tenantId: tenant.tenantId }));

    expect(early).toMatchObject({ outcome: 'ignored', status: 'PENDING' });
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe('PENDING');
  });

  it('ignores a deactivation success for a deleted tenant', async () => {
    const tenant = await seedTenant(fixture, { status: 'DELETED' });

    const result = await update(resultEvent('sbt_aws_deactivateSuccess', { tenantId: tenant.tenantId }));

    expect(result.outcome).toBe('ignored');
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe('DELETED');
  });

  it('ignores an activation failure of an active tenant', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });

    const result = await update(resultEvent('sbt_aws_activateFailure', { tenantId: tenant.tenantId, reason: 'stale' }));

    expect(result.outcome).toBe('ignored');
    expect((await readTenant(fixture, tenant.tenantId))?.statusReason).toBeUndefined();
  });

  it('applies concurrent duplicates once', async () => {
    const tenant = await seedTenant(fixture, { status: 'DEPROVISIONING' });
    const event = resultEvent('sbt_aws_deprovisionSuccess', { tenantId: tenant.tenantId });

    const results = await Promise.all(Array.from({ length: 6 }, () => update(event)));

    expect(results.filter((result) => result.outcome === 'updated')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'replayed')).toHaveLength(5);
  });
});

describe('registry updater execution failures', () => {
  const onboardingInput = (tenantId: string) => resultEvent('sbt_aws_onboardingRequest', { tenantId, tier: 'BASIC' }, 'sbt.control.plane');

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])('marks onboarding %s as failed', async (status) => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING' });

    const result = await update(executionEvent(status, onboardingInput(tenant.tenantId)));

    expect(result).toMatchObject({ outcome: 'updated', status: 'PROVISION_FAILED' });
    const reason = (await readTenant(fixture, tenant.tenantId))?.statusReason;
    expect(reason).toContain(`test-onboarding execution run-1 ended ${status}`);
    expect(reason).toContain('CodeBuild build failed');
  });

  it('marks offboarding failure as DEPROVISION_FAILED', async () => {
    const tenant = await seedTenant(fixture, { status: 'DEPROVISIONING' });
    const input = resultEvent('sbt_aws_offboardingRequest', { tenantId: tenant.tenantId }, 'sbt.control.plane');

    const result = await update(executionEvent('TIMED_OUT', input, { error: null, cause: null }));

    expect(result.status).toBe('DEPROVISION_FAILED');
    expect((await readTenant(fixture, tenant.tenantId))?.statusReason).toMatch(/ended TIMED_OUT$/);
  });

  it('stores the reason of a failed activation', async () => {
    const tenant = await seedTenant(fixture, { status: 'INACTIVE' });
    const input = resultEvent('sbt_aws_activateRequest', { tenantId: tenant.tenantId }, 'sbt.control.plane');

    await update(executionEvent('ABORTED', input));

    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('INACTIVE');
    expect(stored?.statusReason).toContain('ABORTED');
  });

  it('leaves a tenant that already finished', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });

    const result = await update(executionEvent('FAILED', onboardingInput(tenant.tenantId)));

    expect(result.outcome).toBe('ignored');
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe('ACTIVE');
  });

  it('treats a failure already recorded as a replay', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISION_FAILED', statusReason: 'job failed' });

    const result = await update(executionEvent('FAILED', onboardingInput(tenant.tenantId)));

    expect(result.outcome).toBe('replayed');
    expect((await readTenant(fixture, tenant.tenantId))?.statusReason).toBe('job failed');
  });

  it('ignores a succeeded execution', async () => {
    const result = await update(executionEvent('SUCCEEDED', onboardingInput('abcd1234')));

    expect(result.outcome).toBe('ignored');
  });
});

describe('registry updater invalid events', () => {
  it.each([
    ['a missing tenantId', resultEvent('sbt_aws_provisionSuccess', {}), 'detail.tenantId'],
    ['a malformed tenantId', resultEvent('sbt_aws_provisionSuccess', { tenantId: 'Bad Id!' }), 'detail.tenantId'],
    ['a failure without reason', resultEvent('sbt_aws_provisionFailure', { tenantId: 'abcd1234' }), 'detail.reason'],
    ['an empty reason', resultEvent('sbt_aws_deprovisionFailure', { tenantId: 'abcd1234', reason: '' }), 'detail.reason'],
    ['a nested job output', resultEvent('sbt_aws_provisionSuccess', { tenantId: 'abcd1234', jobOutput: { nested: { a: 1 } } }), 'detail.jobOutput.nested'],
    ['an unhandled detail type', resultEvent('sbt_aws_onboardingRequest', { tenantId: 'abcd1234' }), 'detail-type'],
    ['a foreign source', resultEvent('sbt_aws_provisionSuccess', { tenantId: 'abcd1234' }, 'someone.else'), 'source'],
    ['a missing detail', { 'detail-type': 'sbt_aws_provisionSuccess', source: APPLICATION_PLANE_SOURCE }, 'detail'],
    ['a missing detail type', { source: APPLICATION_PLANE_SOURCE, detail: {} }, 'detail-type'],
    ['an array detail', resultEvent('sbt_aws_provisionSuccess', ['abcd1234']), 'detail'],
    ['an execution without input', executionEvent('FAILED', null), 'detail.input'],
    ['an execution with text input', executionEvent('FAILED', {}, { input: 'not json' }), 'detail.input'],
    ['an execution of another request', executionEvent('FAILED', resultEvent('sbt_aws_ingestUsage', { tenantId: 'abcd1234' })), 'detail.input.detail-type'],
    ['an execution without tenant', executionEvent('FAILED', resultEvent('sbt_aws_onboardingRequest', {})), 'detail.input.detail.tenantId'],
    ['an execution without ARN', { ...executionEvent('FAILED', {}), detail: { status: 'FAILED' } }, 'detail.executionArn'],
    ['another aws.states event', resultEvent('Step Functions State Change', {}, 'aws.states'), 'detail-type'],
  ])('throws for %s', async (_label, event, field) => {
    await expectInvalid(event, field);
  });

  it('throws for an unknown tenant', async () => {
    await expectInvalid(resultEvent('sbt_aws_provisionSuccess', { tenantId: 'unknown0000' }), 'detail.tenantId');
  });

  it('leaves the registry unchanged on invalid input', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING' });

    await expectInvalid(resultEvent('sbt_aws_provisionFailure', { tenantId: tenant.tenantId, reason: 42 }), 'detail.reason');

    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe<TenantStatus>('PROVISIONING');
    expect(stored?.updatedAt).toBe(tenant.updatedAt);
  });
});
