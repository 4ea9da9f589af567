/**
 * The requests `--target aws` sends, checked with aws-sdk-client-mock: no AWS account is
 * reachable, so these tests pin the DynamoDB, EventBridge, Step Functions and S3 calls
 * that registration, lifecycle requests, retries, waits, executions and state make.
 */
import * as fs from 'fs';
import * as path from 'path';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { buildPlatformConfig } from '../../config/platform-config';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { AwsTarget } from '../../cli/targets/aws/aws-target';
import { parseAwsSettings } from '../../cli/targets/aws/aws-settings';
import { registerTenant } from '../../cli/onboarding/onboard-tenant';
import { OperationError } from '../../cli/errors';
import { temporaryDirectory, removeTemporaryDirectories } from './support/run-cli';

afterAll(removeTemporaryDirectories);

// Any client a test forgot to mock fails on a closed loopback port instead of reaching AWS.
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';

const ACCOUNT = '123456789012';
const machineArn = (name: string) => `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:tenantform-${name}`;

// The shape `terraform output -json` prints for the control-plane stack.
const TERRAFORM_OUTPUTS = {
  event_bus_name: { sensitive: false, type: 'string', value: 'tenantform-bus' },
  onboarding_state_machine_arn: { sensitive: false, type: 'string', value: machineArn('onboarding') },
  offboarding_state_machine_arn: { sensitive: false, type: 'string', value: machineArn('offboarding') },
  activation_state_machine_arn: { sensitive: false, type: 'string', value: machineArn('activation') },
  tenant_state_bucket: { sensitive: false, type: 'string', value: 'tenantform-tenant-state-123456789012' },
  api_url: { sensitive: false, type: 'string', value: 'https://example.execute-api.eu-west-1.amazonaws.com' },
};

const config = buildPlatformConfig({ region: 'eu-west-1', accountId: ACCOUNT });
const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);

function settingsFile(contents: unknown): string {
  const file = path.join(temporaryDirectory('tenantform-aws-'), 'tenantform.aws.json');
  fs.writeFileSync(file, JSON.stringify(contents));
  return file;
}

function tenant(overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'a1b2c3d4e5f60718',
    tenantName: 'Acme Corp',
    tenantNameKey: 'acme corp',
    email: 'admin@acme.example',
    tier: 'BASIC',
    model: 'pool',
    status: 'ACTIVE',
    tenantRegistrationId: 'f1e2d3c4-0000-4000-8000-000000000001',
    listPartition: 'TENANT',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

let target: AwsTarget;

beforeEach(() => {
  dynamo.reset();
  events.reset();
  sfn.reset();
  s3.reset();
  target = new AwsTarget({ config, settingsFile: settingsFile(TERRAFORM_OUTPUTS), pollIntervalMs: 5 });
});

afterEach(async () => {
  await target.close();
});

describe('AWS settings file', () => {
  test('terraform outputs and defaults', () => {
    expect(target.settings).toEqual({
      region: 'eu-west-1',
      tenantsTable: 'tenantform-tenants',
      tenantNamesTable: 'tenantform-tenant-names',
      eventBusName: 'tenantform-bus',
      onboardingStateMachineArn: machineArn('onboarding'),
      offboardingStateMachineArn: machineArn('offboarding'),
      activationStateMachineArn: machineArn('activation'),
      tenantStateBucket: 'tenantform-tenant-state-123456789012',
    });
  });

  test('flat file overrides defaults', () => {
    const settings = parseAwsSettings(
      { ...Object.fromEntries(Object.entries(TERRAFORM_OUTPUTS).map(([name, output]) => [name, output.value])), tenantsTable: 'custom-tenants', region: 'us-west-2' },
      'test',
      { region: 'eu-west-1', tenantsTable: 'x', tenantNamesTable: 'y' },
    );

    expect(settings.tenantsTable).toBe('custom-tenants');
    expect(settings.region).toBe('us-west-2');
  });

  test('missing and invalid fields are listed together', () => {
    expect(() => parseAwsSettings({ onboardingStateMachineArn: 'not-an-arn', region: 'Mars' }, 'test', { region: 'eu-west-1', tenantsTable: 'x', tenantNamesTable: 'y' })).toThrow(
      /eventBusName is missing; .*tenantStateBucket is missing; region "Mars" is not an AWS region.*onboardingStateMachineArn "not-an-arn" is not a state machine ARN/,
    );
  });

  test('missing file explains how to write it', () => {
    expect(() => new AwsTarget({ config, settingsFile: '/nonexistent/tenantform.aws.json' })).toThrow('terraform output -json > tenantform.aws.json');
  });
});

describe('AWS target registration', () => {
  test('reserves the name, writes the tenant, puts the event', async () => {
    dynamo.on(PutCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    dynamo.on(GetCommand).callsFake((input: { Key: { tenantId: string } }) => ({ Item: tenant({ tenantId: input.Key.tenantId, status: 'PENDING' }) }));

    const registered = await registerTenant(target, { tenantName: ' Acme Corp ', email: 'admin@acme.example', tier: 'BASIC' });

    const [reservation, record] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(reservation.TableName).toBe('tenantform-tenant-names');
    expect(reservation.Item).toEqual(expect.objectContaining({ tenantNameKey: 'acme corp', tenantName: 'Acme Corp', tenantId: registered.tenantId }));
    expect(reservation.ConditionExpression).toBe('attribute_not_exists(#key)');
    expect(record.TableName).toBe('tenantform-tenants');
    expect(record.Item).toEqual(expect.objectContaining({ tenantId: registered.tenantId, status: 'PENDING', tier: 'BASIC', model: 'pool', listPartition: 'TENANT' }));
    expect(record.ConditionExpression).toBe('attribute_not_exists(#tenantId)');

    const [put] = events.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
    expect(put.Entries).toHaveLength(1);
    expect(put.Entries![0]).toEqual(expect.objectContaining({ EventBusName: 'tenantform-bus', Source: 'sbt.control.plane', DetailType: 'sbt_aws_onboardingRequest' }));
    expect(JSON.parse(put.Entries![0].Detail!)).toEqual(
      expect.objectContaining({ tenantId: registered.tenantId, tenantName: 'Acme Corp', email: 'admin@acme.example', tier: 'BASIC' }),
    );
  });

  test('invalid tier writes nothing', async () => {
    const registering = registerTenant(target, { tenantName: 'Gold', email: 'admin@gold.example', tier: 'GOLD' });

    await expect(registering).rejects.toThrow(OperationError);
    await expect(registerTenant(target, { tenantName: 'Gold', email: 'admin@gold.example', tier: 'GOLD' })).rejects.toThrow('tier "GOLD" is not one of');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('taken name names the existing tenant', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    dynamo.on(GetCommand, { TableName: 'tenantform-tenant-names' }).resolves({
      Item: { tenantNameKey: 'acme corp', tenantName: 'Acme Corp', tenantId: 'a1b2c3d4e5f60718', reservedAt: new Date().toISOString() },
    });
    dynamo.on(GetCommand, { TableName: 'tenantform-tenants' }).resolves({ Item: tenant() });

    const registering = registerTenant(target, { tenantName: 'ACME CORP', email: 'x@acme.example', tier: 'BASIC' });

    await expect(registering).rejects.toThrow('is already registered by tenant "Acme Corp" (id a1b2c3d4e5f60718, ACTIVE)');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('AWS target errors', () => {
  test('internal error names the cause', async () => {
    const missingCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    dynamo.on(QueryCommand).rejects(missingCredentials);

    const listing = target.controlPlane.call('tenants-list', { query: { limit: '10' } });

    await expect(listing).rejects.toThrow(new OperationError('tenants-list failed: CredentialsProviderError: Could not load credentials from any providers'));
    await expect(target.controlPlane.call('tenants-list')).rejects.toMatchObject({ statusCode: 500 });
  });

  test('rejection keeps the handler message', async () => {
    const error = await target.controlPlane.call('tenants-get', { pathParameters: { tenantId: 'NOT VALID' } }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ statusCode: 404, field: 'tenantId' });
    expect((error as Error).message).toMatch(/^tenant .* was not found/);
  });
});

describe('AWS target lifecycle', () => {
  test('deactivation request puts its event', async () => {
    dynamo.on(GetCommand).resolves({ Item: tenant() });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-2' }] });

    await target.controlPlane.call('tenants-deactivate', { pathParameters: { tenantId: 'a1b2c3d4e5f60718' } });

    const [put] = events.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
    expect(put.Entries![0].DetailType).toBe('sbt_aws_deactivateRequest');
    expect(JSON.parse(put.Entries![0].Detail!)).toEqual({ tenantId: 'a1b2c3d4e5f60718', tier: 'BASIC' });
  });

  test('retry moves the tenant back to PENDING first', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: tenant({ status: 'PENDING' }) });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-3' }] });

    const retried = await target.retryOnboarding(tenant({ status: 'PROVISION_FAILED', statusReason: 'terraform failed' }));

    const [update] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(retried?.status).toBe('PENDING');
    expect(update.ConditionExpression).toBe('attribute_exists(#tenantId) AND #currentStatus IN (:from0)');
    expect(update.ExpressionAttributeValues).toEqual(expect.objectContaining({ ':from0': 'PROVISION_FAILED' }));
    expect(update.UpdateExpression).toMatch(/ REMOVE /);
    expect(Object.values(update.ExpressionAttributeNames!)).toContain('statusReason');
    expect(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].DetailType).toBe('sbt_aws_onboardingRequest');
  });

  test('retry that lost the race sends nothing', async () => {
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    expect(await target.retryOnboarding(tenant({ status: 'PROVISION_FAILED' }))).toBeUndefined();
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  test('wait polls until the status is final', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: tenant({ status: 'PENDING' }) })
      .resolvesOnce({ Item: tenant({ status: 'PROVISIONING' }) })
      .resolves({ Item: tenant({ status: 'ACTIVE' }) });

    const final = await target.waitForTenant('a1b2c3d4e5f60718', (record) => record.status === 'ACTIVE');

    expect(final.status).toBe('ACTIVE');
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(3);
    expect(dynamo.commandCalls(GetCommand)[0].args[0].input).toEqual({ TableName: 'tenantform-tenants', Key: { tenantId: 'a1b2c3d4e5f60718' }, ConsistentRead: true });
  });

  test('abandon marks nothing on AWS', async () => {
    expect(await target.abandon()).toEqual([]);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('AWS target executions', () => {
  const executionArn = (name: string) => `arn:aws:states:eu-west-1:${ACCOUNT}:execution:tenantform-onboarding:${name}`;
  const input = (tenantId: string) => JSON.stringify({ 'detail-type': 'sbt_aws_onboardingRequest', detail: { tenantId } });

  test('lists newest first across the machines', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(ListExecutionsCommand, { stateMachineArn: machineArn('onboarding') }).resolves({
      executions: [
        { executionArn: executionArn('old'), stateMachineArn: machineArn('onboarding'), name: 'old', status: 'SUCCEEDED', startDate: new Date('2026-01-01T00:00:00Z'), stopDate: new Date('2026-01-01T00:00:05Z') },
        { executionArn: executionArn('new'), stateMachineArn: machineArn('onboarding'), name: 'new', status: 'FAILED', startDate: new Date('2026-01-02T00:00:00Z') },
      ],
    });

    const listed = await target.listExecutions({ status: 'FAILED' });

    expect(listed.map((execution) => execution.name)).toEqual(['new', 'old']);
    expect(listed[1].stopDate).toBe('2026-01-01T00:00:05.000Z');
    const machines = sfn.commandCalls(ListExecutionsCommand).map((call) => call.args[0].input);
    expect(machines.map((call) => call.stateMachineArn)).toEqual([machineArn('onboarding'), machineArn('offboarding'), machineArn('activation')]);
    expect(machines.every((call) => call.statusFilter === 'FAILED')).toBe(true);
  });

  test('tenant filter reads each input', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(ListExecutionsCommand, { stateMachineArn: machineArn('onboarding') }).resolves({
      executions: [
        { executionArn: executionArn('mine'), stateMachineArn: machineArn('onboarding'), name: 'mine', status: 'SUCCEEDED', startDate: new Date() },
        { executionArn: executionArn('other'), stateMachineArn: machineArn('onboarding'), name: 'other', status: 'SUCCEEDED', startDate: new Date() },
      ],
    });
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn('mine') }).resolves({ input: input('a1b2c3d4e5f60718') });
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn('other') }).resolves({ input: input('ffff000011112222') });

    const listed = await target.listExecutions({ tenantId: 'a1b2c3d4e5f60718' });

    expect(listed.map((execution) => execution.name)).toEqual(['mine']);
    expect(listed[0].tenantId).toBe('a1b2c3d4e5f60718');
    expect(listed[0].detailType).toBe('sbt_aws_onboardingRequest');
  });

  test('shows states from the history', async () => {
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn('run-1') }).resolves({
      executionArn: executionArn('run-1'),
      stateMachineArn: machineArn('onboarding'),
      name: 'run-1',
      status: 'FAILED',
      startDate: at(0),
      stopDate: at(9),
      input: input('a1b2c3d4e5f60718'),
      error: 'ProvisioningFailed',
      cause: 'terraform plan failed',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
        { id: 2, type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'Validate event' } },
        { id: 3, type: 'LambdaFunctionScheduled', timestamp: at(0) },
        { id: 4, type: 'LambdaFunctionFailed', timestamp: at(1), lambdaFunctionFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'busy' } },
        { id: 5, type: 'LambdaFunctionScheduled', timestamp: at(2) },
        { id: 6, type: 'LambdaFunctionSucceeded', timestamp: at(3) },
        { id: 7, type: 'TaskStateExited', timestamp: at(3), stateExitedEventDetails: { name: 'Validate event' } },
        { id: 8, type: 'TaskStateEntered', timestamp: at(3), stateEnteredEventDetails: { name: 'Run provisioning job' } },
        { id: 9, type: 'TaskScheduled', timestamp: at(3) },
        { id: 10, type: 'TaskFailed', timestamp: at(8), taskFailedEventDetails: { resourceType: 'codebuild', resource: 'startBuild.sync', error: 'States.TaskFailed', cause: 'terraform plan failed' } },
        { id: 11, type: 'FailStateEntered', timestamp: at(8), stateEnteredEventDetails: { name: 'Provisioning failed' } },
        { id: 12, type: 'ExecutionFailed', timestamp: at(9), executionFailedEventDetails: { error: 'ProvisioningFailed', cause: 'terraform plan failed' } },
      ],
    });

    const execution = await target.getExecution('run-1');

    expect(execution?.status).toBe('FAILED');
    expect(execution?.tenantId).toBe('a1b2c3d4e5f60718');
    expect(execution?.states).toEqual([
      expect.objectContaining({ name: 'Validate event', type: 'Task', status: 'SUCCEEDED', attempts: 2, durationMs: 3000 }),
      expect.objectContaining({ name: 'Run provisioning job', type: 'Task', status: 'CAUGHT', error: 'States.TaskFailed', cause: 'terraform plan failed', durationMs: 5000 }),
      expect.objectContaining({ name: 'Provisioning failed', type: 'Fail', status: 'FAILED' }),
    ]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0].args[0].input).toEqual(expect.objectContaining({ executionArn: executionArn('run-1'), includeExecutionData: true }));
  });

  test('unknown execution is undefined', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    expect(await target.getExecution('missing')).toBeUndefined();
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
  });
});

describe('AWS target Terraform state', () => {
  const stateFile = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 3,
    lineage: 'x',
    outputs: { api_url: { value: 'https://x.example', type: 'string' }, secret: { value: 'hidden', type: 'string', sensitive: true } },
    resources: [
      {
        mode: 'managed',
        type: 'aws_dynamodb_table',
        name: 'products',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 1, attributes: { name: 'tenantform-a1b2-products', hash_key: 'tenantId' }, sensitive_attributes: [] }],
      },
      {
        module: 'module.api',
        mode: 'managed',
        type: 'aws_api_gateway_api_key',
        name: 'key',
        instances: [{ index_key: 'main', attributes: { id: 'k1', value: 'secret-key' }, sensitive_attributes: [[{ type: 'get_attr', value: 'value' }]] }],
      },
    ],
  };

  test('reads the tenant key of the state bucket', async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify(stateFile) } as never });

    const view = await target.readTerraformState(tenant({ model: 'silo', tier: 'PLATINUM' }));

    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({ Bucket: 'tenantform-tenant-state-123456789012', Key: 'tenants/a1b2c3d4e5f60718/terraform.tfstate' });
    expect(view?.kind).toBe('state');
    expect(view?.location).toBe('s3://tenantform-tenant-state-123456789012/tenants/a1b2c3d4e5f60718/terraform.tfstate');
    expect(view?.resources.map((resource) => resource.address)).toEqual(['aws_dynamodb_table.products', 'module.api.aws_api_gateway_api_key.key["main"]']);
    expect(view?.resources[1].attributes.value).toBe('(sensitive value)');
    expect(view?.outputs).toEqual({ api_url: 'https://x.example', secret: '(sensitive value)' });
  });

  test('missing key means no state', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    expect(await target.readTerraformState(tenant())).toBeUndefined();
  });
});
