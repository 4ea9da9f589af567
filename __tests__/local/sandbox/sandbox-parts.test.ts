import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { checkHandlerFault, InjectedFault, tenantOf, terraformFaultEnvironment } from '../../../local/sandbox/fault-injection';
import { startUnemulatedServiceGuard } from '../../../local/sandbox/unemulated-service-guard';
import { ExecutionStore, StoredExecution } from '../../../local/sandbox/execution-store';
import { hashSources } from '../../../local/sandbox/tenant-template';
import { buildPlatformConfig } from '../../../config/platform-config';

const created: string[] = [];

function tempDir(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-parts-'));
  created.push(directory);
  return directory;
}

afterAll(() => created.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true })));

describe('fault injection', () => {
  test('inert without its variables', () => {
    expect(terraformFaultEnvironment({ tenantId: 'abcd1234', tenantName: 'Acme' }, {})).toBeUndefined();
    expect(() => checkHandlerFault('lifecycle-create-admin', { request: { tenantId: 'abcd1234' } }, {})).not.toThrow();
  });

  test('terraform fault matches id or name', () => {
    const env = { TENANTFORM_FAULT_TERRAFORM: 'other, acme corp' };

    expect(terraformFaultEnvironment({ tenantId: 'abcd1234', tenantName: 'Acme Corp' }, env)).toEqual({ TF_CLI_ARGS_plan: '-var=tenantform_injected_fault=1' });
    expect(terraformFaultEnvironment({ tenantId: 'abcd1234', tenantName: 'Acme' }, env)).toBeUndefined();
    expect(terraformFaultEnvironment({ tenantId: 'abcd1234' }, { TENANTFORM_FAULT_TERRAFORM: 'abcd1234' })).toBeDefined();
  });

  test('handler fault names handler and tenant', () => {
    const env = { TENANTFORM_FAULT_HANDLER: 'lifecycle-create-admin:acme' };
    const payload = { request: { tenantId: 'abcd1234', tenantName: 'ACME' }, executionId: 'x' };

    expect(() => checkHandlerFault('lifecycle-create-admin', payload, env)).toThrow(InjectedFault);
    expect(() => checkHandlerFault('lifecycle-provision-pool', payload, env)).not.toThrow();
    expect(() => checkHandlerFault('lifecycle-create-admin', { request: { tenantId: 'zzzz9999', tenantName: 'Other' } }, env)).not.toThrow();
  });

  test('finds the tenant in an EventBridge event', () => {
    expect(tenantOf({ detail: { tenantId: 'abcd1234', tenantName: 'Acme' } })).toEqual({ tenantId: 'abcd1234', tenantName: 'Acme' });
    expect(tenantOf('not an object')).toEqual({});
  });
});

describe('unemulated service guard', () => {
  test('rejects a client of another service locally', async () => {
    const guard = await startUnemulatedServiceGuard();
    const client = new S3Client({ endpoint: guard.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    try {
      await expect(client.send(new ListBucketsCommand({}))).rejects.toThrow();
      expect(guard.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(guard.requests).toEqual({ s3: 1 });
    } finally {
      client.destroy();
      await guard.stop();
    }
  });

  test('error names the service', async () => {
    const guard = await startUnemulatedServiceGuard();
    try {
      const response = await fetch(guard.endpoint, {
        method: 'POST',
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x' },
      });
      const body = (await response.json()) as { message: string };

      expect(response.status).toBe(501);
      expect(body.message).toBe('the local sandbox does not emulate the AWS service "lambda", so this request was not sent anywhere');
    } finally {
      await guard.stop();
    }
  });
});

describe('execution store', () => {
  function execution(name: string, status: 'RUNNING' | 'SUCCEEDED', startDate: string): StoredExecution {
    return {
      stateMachineId: 'onboarding',
      tenantId: 'abcd1234',
      ownerPid: 1,
      record: {
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:tenantform-onboarding:${name}`,
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:tenantform-onboarding',
        stateMachineName: 'tenantform-onboarding',
        name,
        status,
        startDate,
        input: {},
        states: [{ name: 'Run provisioning job', type: 'Task', status, startDate, input: {}, retries: 0 }],
      },
    };
  }

  test('lists newest first and finds by name or ARN', () => {
    const store = new ExecutionStore(tempDir());
    store.save(execution('older', 'SUCCEEDED', '2026-01-01T00:00:00.000Z'));
    store.save(execution('newer', 'SUCCEEDED', '2026-01-02T00:00:00.000Z'));

    expect(store.list().map((stored) => stored.record.name)).toEqual(['newer', 'older']);
    expect(store.get('older')?.record.name).toBe('older');
    expect(store.get('arn:aws:states:us-east-1:123456789012:execution:tenantform-onboarding:older')?.record.name).toBe('older');
    expect(store.get('arn:aws:states:us-east-1:123456789012:execution:tenantform-offboarding:older')).toBeUndefined();
    expect(store.get('../etc/passwd')).toBeUndefined();
  });

  test('running executions become aborted', () => {
    const store = new ExecutionStore(tempDir());
    store.save(execution('cut', 'RUNNING', '2026-01-01T00:00:00.000Z'));
    store.save(execution('done', 'SUCCEEDED', '2026-01-01T00:00:00.000Z'));

    const aborted = store.abortRunning('the process ended', new Date('2026-01-01T00:00:10.000Z'));

    expect(aborted.map((stored) => stored.record.name)).toEqual(['cut']);
    const cut = store.get('cut')!.record;
    expect(cut.status).toBe('ABORTED');
    expect(cut.cause).toBe('the process ended');
    expect(cut.states[0]).toEqual(expect.objectContaining({ status: 'FAILED', durationMs: 10_000, error: 'Sandbox.ProcessEnded' }));
    expect(store.get('done')!.record.status).toBe('SUCCEEDED');
  });
});

describe('tenant template cache key', () => {
  test('changes with sources and configuration', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'constructs'));
    fs.writeFileSync(path.join(root, 'main.ts'), 'app');
    fs.writeFileSync(path.join(root, 'constructs', 'stack.ts'), 'one');
    const config = buildPlatformConfig({});

    const first = hashSources(config, root);
    expect(hashSources(config, root)).toBe(first);

    fs.writeFileSync(path.join(root, 'constructs', 'stack.ts'), 'two');
    const second = hashSources(config, root);
    expect(second).not.toBe(first);

    expect(hashSources(buildPlatformConfig({ prefix: 'other' }), root)).not.toBe(second);
  });
});
