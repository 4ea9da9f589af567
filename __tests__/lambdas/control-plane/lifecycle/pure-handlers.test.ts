import { DEFAULT_TIERS } from '../../../../config/defaults';
import { handler as validateEvent } from '../../../../lambdas/control-plane/lifecycle/validate-event';
import { describeCaughtError, handler as buildFailure } from '../../../../lambdas/control-plane/lifecycle/build-failure';
import { handler as collectJobOutputs, KNOWN_AFTER_APPLY } from '../../../../lambdas/control-plane/lifecycle/collect-job-outputs';
import { MAX_STATUS_REASON_LENGTH } from '../../../../lambdas/shared/tenant';

const executionId = 'arn:aws:states:us-east-1:123456789012:execution:tf-onboarding:run-1';

function event(detailType: string, detail: unknown): Record<string, unknown> {
  return { version: '0', id: 'event-1', 'detail-type': detailType, source: 'sbt.control.plane', detail };
}

const onboardingDetail = {
  tenantId: 'abcd1234',
  tenantRegistrationId: 'reg-1',
  tenantName: 'Acme',
  email: 'admin@acme.example',
  tier: 'BASIC',
};

beforeAll(() => {
  process.env.TIERS = JSON.stringify(DEFAULT_TIERS.map((tier) => ({ name: tier.name, model: tier.model })));
});

describe('lifecycle-validate-event', () => {
  it('returns the onboarding request with the tier model', async () => {
    const pooled = await validateEvent({ operation: 'onboarding', event: event('sbt_aws_onboardingRequest', onboardingDetail), executionId });
    expect(pooled).toEqual({ detailType: 'sbt_aws_onboardingRequest', eventId: 'event-1', ...onboardingDetail, model: 'pool' });

    const silo = await validateEvent({ operation: 'onboarding', event: event('sbt_aws_onboardingRequest', { ...onboardingDetail, tier: 'PLATINUM' }), executionId });
    expect(silo).toMatchObject({ tier: 'PLATINUM', model: 'silo' });
  });

  it('rejects a missing field naming it', async () => {
    const { email: _email, ...withoutEmail } = onboardingDetail;
    const call = validateEvent({ operation: 'onboarding', event: event('sbt_aws_onboardingRequest', withoutEmail), executionId });
    await expect(call).rejects.toMatchObject({ name: 'InvalidEventError' });
    await expect(call).rejects.toThrow(/sbt_aws_onboardingRequest detail is invalid: detail\.email/);
  });

  it('rejects an unknown tier listing the known ones', async () => {
    const call = validateEvent({ operation: 'onboarding', event: event('sbt_aws_onboardingRequest', { ...onboardingDetail, tier: 'GOLD' }), executionId });
    await expect(call).rejects.toThrow('detail.tier "GOLD" is not one of BASIC, STANDARD, PREMIUM, PLATINUM');
  });

  it.each([
    ['an uppercase tenant id', { ...onboardingDetail, tenantId: 'ABCD1234' }, /detail\.tenantId/],
    ['a short tenant id', { ...onboardingDetail, tenantId: 'abc' }, /detail\.tenantId/],
    ['an invalid email', { ...onboardingDetail, email: 'not-an-email' }, /detail\.email/],
    ['a numeric tenant name', { ...onboardingDetail, tenantName: 42 }, /detail\.tenantName/],
  ])('rejects %s', async (_case, detail, message) => {
    await expect(validateEvent({ operation: 'onboarding', event: event('sbt_aws_onboardingRequest', detail), executionId })).rejects.toThrow(message);
  });

  it('rejects an event without a detail object', async () => {
    const call = validateEvent({ operation: 'onboarding', event: { 'detail-type': 'sbt_aws_onboardingRequest' }, executionId });
    await expect(call).rejects.toThrow(/not an EventBridge event with a detail object: detail/);
  });

  it('rejects a detail type of another machine', async () => {
    const call = validateEvent({ operation: 'offboarding', event: event('sbt_aws_onboardingRequest', onboardingDetail), executionId });
    await expect(call).rejects.toThrow('detail-type "sbt_aws_onboardingRequest" is not handled by the offboarding state machine; it handles sbt_aws_offboardingRequest');
  });

  it('accepts both activation requests', async () => {
    const deactivate = await validateEvent({ operation: 'activation', event: event('sbt_aws_deactivateRequest', { tenantId: 'abcd1234' }), executionId });
    expect(deactivate).toEqual({ detailType: 'sbt_aws_deactivateRequest', eventId: 'event-1', tenantId: 'abcd1234', tier: null });
    const activate = await validateEvent({ operation: 'activation', event: event('sbt_aws_activateRequest', { tenantId: 'abcd1234', tier: 'BASIC' }), executionId });
    expect(activate).toMatchObject({ detailType: 'sbt_aws_activateRequest', tier: 'BASIC' });
  });

  it('rejects input without an operation', async () => {
    await expect(validateEvent({ event: {}, executionId })).rejects.toThrow(/lifecycle-validate-event input is invalid: operation/);
  });
});

describe('lifecycle-build-failure', () => {
  const lambdaCause = JSON.stringify({ errorType: 'MissingSettingError', errorMessage: 'SSM parameter /tf/application-plane/user-pool-id is missing', trace: [] });

  it('reduces a Lambda cause to its message', async () => {
    const result = await buildFailure({
      operation: 'provision',
      state: { request: { tenantId: 'abcd1234', tenantRegistrationId: 'reg-1', tier: 'BASIC' }, error: { Error: 'MissingSettingError', Cause: lambdaCause } },
      executionId,
    });
    expect(result).toEqual({
      tenantId: 'abcd1234',
      reason: 'MissingSettingError: SSM parameter /tf/application-plane/user-pool-id is missing',
      detailType: 'sbt_aws_provisionFailure',
      detail: {
        tenantId: 'abcd1234',
        tenantRegistrationId: 'reg-1',
        executionArn: executionId,
        reason: 'MissingSettingError: SSM parameter /tf/application-plane/user-pool-id is missing',
      },
    });
  });

  it('takes the tenant id from the raw detail when validation failed', async () => {
    const result = await buildFailure({
      operation: 'provision',
      state: { 'detail-type': 'sbt_aws_onboardingRequest', detail: { tenantId: 'abcd1234' }, error: { Error: 'InvalidEventError', Cause: lambdaCause } },
      executionId,
    });
    expect(result.tenantId).toBe('abcd1234');
    expect(result.detail).not.toHaveProperty('tenantRegistrationId');
  });

  it('leaves an unusable tenant id empty', async () => {
    const result = await buildFailure({ operation: 'provision', state: { detail: { tenantId: 7 }, error: { Error: 'InvalidEventError', Cause: 'x' } }, executionId });
    expect(result.tenantId).toBe('');
    expect(result.reason).toBe('InvalidEventError: x');
  });

  it('lists the failed phases of a build', () => {
    const build = {
      Id: 'tf-provisioning:1',
      BuildStatus: 'FAILED',
      Phases: [
        { PhaseType: 'SUBMITTED', PhaseStatus: 'SUCCEEDED' },
        { PhaseType: 'BUILD', PhaseStatus: 'FAILED', Contexts: [{ StatusCode: 'COMMAND_EXECUTION_ERROR', Message: 'Error: Invalid value for variable' }] },
      ],
      Logs: { DeepLink: 'https://console.example/logs' },
    };
    const reason = describeCaughtError({ Error: 'States.TaskFailed', Cause: JSON.stringify(build) });
    expect(reason).toBe('provisioning job tf-provisioning:1 ended with status FAILED\nBUILD: Error: Invalid value for variable\nlogs: https://console.example/logs');
  });

  it('names a timeout', () => {
    expect(describeCaughtError({ Error: 'States.Timeout', Cause: '' })).toBe('States.Timeout: the task did not finish within its TimeoutSeconds');
  });

  it('trims a long reason', async () => {
    const result = await buildFailure({ operation: 'deprovision', state: { claim: { tenant: { tenantId: 'abcd1234' } }, error: { Error: 'Error', Cause: 'x'.repeat(10000) } }, executionId });
    expect(result.reason.length).toBe(MAX_STATUS_REASON_LENGTH);
    expect(result.reason.endsWith('[truncated]')).toBe(true);
    expect(result.detailType).toBe('sbt_aws_deprovisionFailure');
  });

  it('follows the activation request type', async () => {
    const deactivate = await buildFailure({ operation: 'activation', state: { 'detail-type': 'sbt_aws_deactivateRequest', detail: { tenantId: 'abcd1234' }, error: { Error: 'E', Cause: 'c' } }, executionId });
    expect(deactivate.detailType).toBe('sbt_aws_deactivateFailure');
    const activate = await buildFailure({ operation: 'activation', state: { request: { tenantId: 'abcd1234', detailType: 'sbt_aws_activateRequest' }, error: { Error: 'E', Cause: 'c' } }, executionId });
    expect(activate.detailType).toBe('sbt_aws_activateFailure');
  });
});

describe('lifecycle-job-outputs', () => {
  const request = { tenantId: 'abcd1234', tier: 'PLATINUM' };
  const exported = (variables: Record<string, string>) => Object.entries(variables).map(([Name, Value]) => ({ Name, Value }));

  it('maps exported variables to outputs', async () => {
    const outputs = await collectJobOutputs({
      build: {
        Id: 'tf-provisioning:1',
        BuildStatus: 'SUCCEEDED',
        ExportedEnvironmentVariables: exported({
          TENANT_API_URL: 'https://api.example/prod',
          TENANT_USER_POOL_ID: 'us-east-1_abc',
          TENANT_USER_POOL_CLIENT_ID: 'client',
          TENANT_PRODUCTS_TABLE_NAME: 'tf-abcd1234-products',
          TENANT_PLANNED: 'false',
          UNRELATED: 'x',
        }),
      },
      request,
      templateVersion: 'v7',
      executionId,
    });
    expect(outputs).toEqual({
      templateVersion: 'v7',
      apiUrl: 'https://api.example/prod',
      userPoolId: 'us-east-1_abc',
      userPoolClientId: 'client',
      productsTableName: 'tf-abcd1234-products',
      buildId: 'tf-provisioning:1',
    });
  });

  it('keeps planned outputs known only after apply', async () => {
    const outputs = await collectJobOutputs({
      build: {
        BuildStatus: 'SUCCEEDED',
        ExportedEnvironmentVariables: exported({
          TENANT_API_URL: KNOWN_AFTER_APPLY,
          TENANT_USER_POOL_ID: KNOWN_AFTER_APPLY,
          TENANT_USER_POOL_CLIENT_ID: KNOWN_AFTER_APPLY,
          TENANT_PLANNED: 'true',
        }),
      },
      request,
      templateVersion: 'v7',
      executionId,
    });
    expect(outputs).toMatchObject({ planned: true, userPoolId: KNOWN_AFTER_APPLY });
  });

  it('rejects missing required outputs naming the variables', async () => {
    const call = collectJobOutputs({ build: { Id: 'b1', BuildStatus: 'SUCCEEDED', ExportedEnvironmentVariables: exported({ TENANT_API_URL: 'u' }) }, request, templateVersion: 'v7', executionId });
    await expect(call).rejects.toMatchObject({ name: 'JobOutputsError' });
    await expect(call).rejects.toThrow('provisioning job b1 exported no TENANT_USER_POOL_ID, TENANT_USER_POOL_CLIENT_ID');
  });

  it('accepts a planned stack without outputs', async () => {
    const outputs = await collectJobOutputs({ build: { BuildStatus: 'SUCCEEDED', ExportedEnvironmentVariables: exported({ TENANT_PLANNED: 'true' }) }, request, templateVersion: 'v7', executionId });
    expect(outputs).toEqual({ templateVersion: 'v7', planned: true });
  });

  it('rejects unknown outputs of an applied stack', async () => {
    const call = collectJobOutputs({
      build: { BuildStatus: 'SUCCEEDED', ExportedEnvironmentVariables: exported({ TENANT_API_URL: 'u', TENANT_USER_POOL_ID: KNOWN_AFTER_APPLY, TENANT_USER_POOL_CLIENT_ID: 'c' }) },
      request,
      templateVersion: 'v7',
      executionId,
    });
    await expect(call).rejects.toThrow(/was applied but left userPoolId unknown/);
  });

  it('rejects a failed build', async () => {
    await expect(collectJobOutputs({ build: { Id: 'b2', BuildStatus: 'FAILED' }, request, templateVersion: 'v7', executionId })).rejects.toThrow(
      'provisioning job b2 ended with status FAILED, so it has no outputs',
    );
  });
});
