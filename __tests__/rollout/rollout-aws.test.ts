import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mockClient } from 'aws-sdk-client-mock';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AwsRollouts, loadAwsRolloutSettings } from '../../cli/commands/rollout-aws';
import { buildPlatformConfig } from '../../config/platform-config';
import { RolloutFixture, TABLES, startRolloutFixture } from './support/rollout-fixture';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:tenantform-rollout';
const config = buildPlatformConfig({});
let fixture: RolloutFixture;
let directory: string;
const sfn = mockClient(SFNClient);

beforeAll(async () => {
  fixture = await startRolloutFixture();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-aws-'));
});

afterAll(async () => {
  await fixture.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => sfn.reset());

function settingsFile(content: unknown): string {
  const file = path.join(directory, `settings-${Math.random().toString(16).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

async function putHeader(rolloutId: string, fields: Record<string, unknown>): Promise<void> {
  await fixture.documents.send(
    new PutCommand({
      TableName: TABLES.rollouts,
      Item: { rolloutId, itemKey: 'ROLLOUT', listPartition: 'ROLLOUT', mode: 'deploy', targetVersion: '2.0.0', waves: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...fields },
    }),
  );
}

function rollouts(): AwsRollouts {
  return new AwsRollouts({ region: 'us-east-1', rolloutStateMachineArn: ARN, rolloutsTable: TABLES.rollouts }, new SFNClient({ region: 'us-east-1' }));
}

describe('rollout settings for --target aws', () => {
  test('terraform output shape is read', () => {
    const file = settingsFile({ rollout_state_machine_arn: { value: ARN, type: 'string', sensitive: false } });
    expect(loadAwsRolloutSettings(file, config)).toEqual({ region: 'us-east-1', rolloutStateMachineArn: ARN, rolloutsTable: 'tenantform-rollouts' });
  });

  test('missing state machine is explained', () => {
    const file = settingsFile({ eventBusName: 'bus' });
    expect(() => loadAwsRolloutSettings(file, config)).toThrow('has no valid rolloutStateMachineArn');
  });
});

describe('AwsRollouts', () => {
  test('start names the execution after the rollout', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN.replace('stateMachine', 'execution')}:r-1` });
    const arn = await rollouts().start({ rolloutId: 'r-1', targetVersion: '2.0.0' });
    expect(arn).toContain(':r-1');
    const call = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(call).toEqual({ stateMachineArn: ARN, name: 'r-1', input: JSON.stringify({ rolloutId: 'r-1', targetVersion: '2.0.0' }) });
  });

  test('duplicate rollout id is explained', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(rollouts().start({ rolloutId: 'r-dup' })).rejects.toThrow('rollout r-dup already exists');
  });

  test('approve sends the stored token', async () => {
    await putHeader('gate-1', { status: 'WAITING_FOR_APPROVAL', approvalTaskToken: 'token-1', approvalForWave: 3 });
    sfn.on(SendTaskSuccessCommand).resolves({});
    await expect(rollouts().decide('gate-1', 'approve', undefined)).resolves.toEqual({ wave: 3 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.taskToken).toBe('token-1');
  });

  test('reject fails the task as Rollout.Rejected', async () => {
    await putHeader('gate-2', { status: 'WAITING_FOR_APPROVAL', approvalTaskToken: 'token-2', approvalForWave: 2 });
    sfn.on(SendTaskFailureCommand).resolves({});
    await rollouts().decide('gate-2', 'reject', 'latency doubled');
    expect(sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input).toEqual({ taskToken: 'token-2', error: 'Rollout.Rejected', cause: 'latency doubled' });
  });

  test('rollout not at a gate is refused', async () => {
    await putHeader('running-1', { status: 'RUNNING' });
    await expect(rollouts().decide('running-1', 'approve', undefined)).rejects.toThrow('is RUNNING, not WAITING_FOR_APPROVAL');
    await expect(rollouts().decide('missing-1', 'approve', undefined)).rejects.toThrow('rollout missing-1 was not found');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
