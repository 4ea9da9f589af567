import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LocalSsm, startLocalSsm } from '../../../local/emulators/ssm';
import { LocalDefinitionValues, localDefinitionValues, placeholdersIn } from '../../../local/stepfunctions/asl-template';
import { ExecutionRecord } from '../../../local/stepfunctions/execution-record';
import { LocalStateMachine, LocalStateMachineOptions } from '../../../local/stepfunctions/local-state-machine';
import { PutEventsRequestEntry } from '../../../local/stepfunctions/task-bindings';
import { buildPlatformConfig } from '../../../config/platform-config';

const VALUES: LocalDefinitionValues = localDefinitionValues(buildPlatformConfig({ prefix: 'tf' }));

let root: string;
let ssm: LocalSsm;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-sfn-'));
  ssm = await startLocalSsm();
  process.env.AWS_ENDPOINT_URL_SSM = ssm.endpoint;
  const client = new SSMClient({ endpoint: ssm.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await client.send(new PutParameterCommand({ Name: VALUES.placeholders.TemplateVersionParameter, Value: 'v9', Type: 'String' }));
  client.destroy();
});

afterAll(async () => {
  await ssm.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

function writeDefinition(definition: unknown): string {
  const file = path.join(root, `machine-${Math.random().toString(36).slice(2)}.asl.json`);
  fs.writeFileSync(file, JSON.stringify(definition));
  return file;
}

function machine(definition: unknown, options: Partial<LocalStateMachineOptions> = {}): LocalStateMachine {
  return new LocalStateMachine({ name: 'tf-test', definitionFile: writeDefinition(definition), values: VALUES, bindings: {}, retryDelayMs: 1, ...options });
}

const task = (resource: string, extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: resource, TimeoutSeconds: 5, ...extra });

describe('LocalStateMachine', () => {
  it('runs a Map state with its concurrency limit', async () => {
    let running = 0;
    let maxRunning = 0;
    const fanOut = machine(
      {
        StartAt: 'Fan out',
        States: {
          'Fan out': {
            Type: 'Map',
            ItemsPath: '$.items',
            MaxConcurrency: 2,
            ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Work', States: { Work: task('${Function:lifecycle-transition}', { End: true }) } },
            End: true,
          },
        },
      },
      {
        bindings: {
          invokeLambda: async (handlerId, payload) => {
            running += 1;
            maxRunning = Math.max(maxRunning, running);
            await new Promise((resolve) => setTimeout(resolve, 40));
            running -= 1;
            return { handlerId, doubled: (payload as number) * 2 };
          },
        },
      },
    );

    const record = await fanOut.run({ items: [1, 2, 3, 4, 5] });

    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual([1, 2, 3, 4, 5].map((item) => ({ handlerId: 'lifecycle-transition', doubled: item * 2 })));
    expect(maxRunning).toBe(2);
    const work = record.states.filter((state) => state.name === 'Work');
    expect(work.map((state) => state.iteration).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(work.every((state) => state.status === 'SUCCEEDED' && typeof state.durationMs === 'number')).toBe(true);
  });

  it('keeps the Lambda error type for Catch', async () => {
    const catching = machine(
      {
        StartAt: 'Call',
        States: {
          Call: task('${Function:lifecycle-transition}', { Catch: [{ ErrorEquals: ['TenantNotFoundError'], ResultPath: '$.error', Next: 'Handled' }], End: true }),
          Handled: { Type: 'Pass', End: true },
        },
      },
      {
        bindings: {
          invokeLambda: async () => {
            throw Object.assign(new Error('tenant "x" was not found'), { name: 'TenantNotFoundError' });
          },
        },
      },
    );

    const record = await catching.run({});
    expect(record.status).toBe('SUCCEEDED');
    const error = (record.output as { error: { Error: string; Cause: string } }).error;
    expect(error.Error).toBe('TenantNotFoundError');
    expect(JSON.parse(error.Cause)).toEqual({ errorType: 'TenantNotFoundError', errorMessage: 'tenant "x" was not found', trace: [] });
    expect(record.states.map((state) => [state.name, state.status])).toEqual([
      ['Call', 'CAUGHT'],
      ['Handled', 'SUCCEEDED'],
    ]);
  });

  it('reads SSM parameters and names SSM errors', async () => {
    const read = (name: string) =>
      machine({
        StartAt: 'Read',
        States: { Read: task('arn:aws:states:::aws-sdk:ssm:getParameter', { Parameters: { Name: name }, ResultSelector: { 'value.$': '$.Parameter.Value' }, End: true }) },
      }).run({});

    const found = await read('${TemplateVersionParameter}');
    expect(found.status).toBe('SUCCEEDED');
    expect(found.output).toEqual({ value: 'v9' });

    const missing = await read('/tf/missing');
    expect(missing.status).toBe('FAILED');
    expect(missing.error).toBe('Ssm.ParameterNotFoundException');
    expect(missing.states[0]).toMatchObject({ status: 'FAILED', error: 'Ssm.ParameterNotFoundException' });
  });

  it('sends events with JSON details and fails on rejected entries', async () => {
    const sent: PutEventsRequestEntry[] = [];
    const definition = {
      StartAt: 'Emit',
      States: {
        Emit: task('arn:aws:states:::events:putEvents', {
          Parameters: { Entries: [{ EventBusName: '${EventBusName}', Source: '${ControlPlaneSource}', DetailType: 'sbt_aws_ingestUsage', Detail: { 'tenantId.$': '$.tenantId' } }] },
          End: true,
        }),
      },
    };

    const accepted = await machine(definition, { bindings: { putEvents: (entries) => (sent.push(...entries), { FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] }) } }).run({ tenantId: 'abcd1234' });
    expect(accepted.status).toBe('SUCCEEDED');
    expect(sent).toEqual([{ EventBusName: 'tf-bus', Source: 'sbt.control.plane', DetailType: 'sbt_aws_ingestUsage', Detail: '{"tenantId":"abcd1234"}' }]);

    const rejected = await machine(definition, {
      bindings: { putEvents: () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InvalidArgument', ErrorMessage: 'bad detail' }] }) },
    }).run({ tenantId: 'abcd1234' });
    expect(rejected.status).toBe('FAILED');
    expect(rejected.error).toBe('EventBridge.FailedEntry');
    expect(rejected.cause).toBe('1 entries were rejected: InvalidArgument: bad detail');
  });

  it('times out a slow task', async () => {
    const slow = machine(
      { StartAt: 'Slow', States: { Slow: task('${Function:lifecycle-transition}', { End: true }) } },
      { bindings: { invokeLambda: () => new Promise((resolve) => setTimeout(resolve, 3000).unref()) }, taskTimeoutSeconds: { Slow: 1 } },
    );
    const record = await slow.run({});
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('States.Timeout');
  });

  it('records a timed-out execution', async () => {
    const record = await machine({ TimeoutSeconds: 1, StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 5, End: true } } }).run({});
    expect(record.status).toBe('TIMED_OUT');
    expect(record.states[0].status).toBe('FAILED');
    expect(record.states[0].error).toBe('States.Timeout');
    expect(record.stopDate).toBeDefined();
  });

  it('records an aborted execution', async () => {
    const controller = new AbortController();
    const updates: ExecutionRecord['status'][] = [];
    setTimeout(() => controller.abort(), 200);
    const record = await machine({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 5, End: true } } }).run(
      { a: 1 },
      { name: 'stop-me', signal: controller.signal, onUpdate: (current) => updates.push(current.status) },
    );

    expect(record).toMatchObject({ name: 'stop-me', status: 'ABORTED', input: { a: 1 }, stateMachineName: 'tf-test' });
    expect(record.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:tf-test:stop-me');
    expect(updates[0]).toBe('RUNNING');
    expect(updates[updates.length - 1]).toBe('ABORTED');
    expect(record.states[0]).toMatchObject({ name: 'Wait', status: 'ABORTED', error: 'ExecutionAborted', cause: 'the execution was stopped before this state finished' });
  });

  it.each([
    ['an SQS task', { StartAt: 'Q', States: { Q: task('arn:aws:states:::sqs:sendMessage', { End: true }) } }, 'Task state "Q" uses resource arn:aws:states:::sqs:sendMessage, which the local runner cannot run'],
    ['an unknown handler', { StartAt: 'F', States: { F: task('${Function:no-such-handler}', { End: true }) } }, '"no-such-handler" is not a handler id of lambdas/catalog.ts'],
    ['an unknown placeholder', { StartAt: 'P', States: { P: { Type: 'Pass', Result: '${Unknown}', End: true } } }, 'unknown placeholder ${Unknown}'],
    ['a build without binding', { StartAt: 'B', States: { B: task('arn:aws:states:::codebuild:startBuild.sync', { End: true }) } }, 'Task state "B" starts a build, but neither a startBuildSync nor a codeBuild binding was given'],
    ['events without binding', { StartAt: 'E', States: { E: task('arn:aws:states:::events:putEvents', { End: true }) } }, 'Task state "E" puts events, but no putEvents binding was given'],
  ])('rejects %s', (_case, definition, message) => {
    expect(() => machine(definition)).toThrow(message);
  });

  it('rejects a timeout override of a missing state', () => {
    expect(() => machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, { taskTimeoutSeconds: { P: 1 } })).toThrow(
      'taskTimeoutSeconds names P, which are not Task states of the definition',
    );
  });
});

describe('asl-template', () => {
  it('lists placeholders once each', () => {
    expect(placeholdersIn('${A} ${Function:x} ${A} $$.Execution.Id')).toEqual(['A', 'Function:x']);
  });

  it('escapes values inside JSON strings', () => {
    const values = { ...VALUES, placeholders: { ...VALUES.placeholders, EventBusName: 'bus "quoted"' } };
    const file = writeDefinition({ StartAt: 'P', States: { P: { Type: 'Pass', Result: '${EventBusName}', End: true } } });
    const loaded = new LocalStateMachine({ name: 'tf-escape', definitionFile: file, values, bindings: {} });
    return expect(loaded.run({}).then((record) => record.output)).resolves.toBe('bus "quoted"');
  });
});
