import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  ConflictException,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startLocalApiGateway, LocalApiGateway } from '../../../local/emulators/api-gateway';
import { startLocalSsm } from '../../../local/emulators/ssm';
import { startLocalSts } from '../../../local/emulators/sts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

describe('local API Gateway', () => {
  let gateway: LocalApiGateway;
  let client: APIGatewayClient;
  let stateFile: string;

  beforeEach(async () => {
    stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apigw-')), 'state.json');
    gateway = await startLocalApiGateway({ stateFile });
    client = new APIGatewayClient({ endpoint: gateway.endpoint, region, credentials });
  });

  afterEach(async () => {
    client.destroy();
    await gateway.stop();
  });

  it('creates a key and attaches it to a usage plan', async () => {
    const plan = await client.send(
      new CreateUsagePlanCommand({ name: 'tf-BASIC', throttle: { rateLimit: 50, burstLimit: 50 }, quota: { limit: 1000, period: 'DAY' } }),
    );
    const key = await client.send(new CreateApiKeyCommand({ name: 'tf-tenant1', enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));

    const keys = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }));
    expect(keys.items?.map((item) => item.id)).toEqual([key.id]);
    expect(gateway.findApiKeyByValue(key.value!)?.id).toBe(key.id);
    expect(gateway.usagePlanOfKey(key.id!)?.throttle).toEqual({ rateLimit: 50, burstLimit: 50 });
    const byKey = await client.send(new GetUsagePlansCommand({ keyId: key.id }));
    expect(byKey.items?.map((item) => item.name)).toEqual(['tf-BASIC']);
  });

  it('hides key values unless asked', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'tf-tenant2', enabled: true }));
    const hidden = await client.send(new GetApiKeyCommand({ apiKey: key.id }));
    const shown = await client.send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }));
    expect(hidden.value).toBeUndefined();
    expect(shown.value).toBe(key.value);
  });

  it('finds keys by name prefix across pages', async () => {
    for (let index = 0; index < 5; index += 1) {
      await client.send(new CreateApiKeyCommand({ name: `tf-page${index}`, enabled: true }));
    }
    await client.send(new CreateApiKeyCommand({ name: 'other', enabled: true }));
    const names: string[] = [];
    let position: string | undefined;
    do {
      const page = await client.send(new GetApiKeysCommand({ nameQuery: 'tf-page', limit: 2, position }));
      names.push(...(page.items ?? []).map((item) => item.name!));
      position = page.position;
    } while (position);
    expect(names.sort()).toEqual(['tf-page0', 'tf-page1', 'tf-page2', 'tf-page3', 'tf-page4']);
  });

  it('disables a key with a patch', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'tf-tenant3', enabled: true }));
    const updated = await client.send(
      new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }),
    );
    expect(updated.enabled).toBe(false);
  });

  it('rejects a key on two usage plans', async () => {
    const first = await client.send(new CreateUsagePlanCommand({ name: 'tf-A' }));
    const second = await client.send(new CreateUsagePlanCommand({ name: 'tf-B' }));
    const key = await client.send(new CreateApiKeyCommand({ name: 'tf-tenant4', enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: first.id, keyId: key.id, keyType: 'API_KEY' }));
    await expect(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: second.id, keyId: key.id, keyType: 'API_KEY' })),
    ).rejects.toBeInstanceOf(ConflictException);
  });

  it('reports unknown keys as NotFoundException', async () => {
    await expect(client.send(new GetApiKeyCommand({ apiKey: 'missing' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(client.send(new DeleteApiKeyCommand({ apiKey: 'missing' }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it('keeps its state in the state file', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'tf-persisted', enabled: true }));
    await gateway.stop();
    gateway = await startLocalApiGateway({ stateFile });
    client.destroy();
    client = new APIGatewayClient({ endpoint: gateway.endpoint, region, credentials });
    const again = await client.send(new GetApiKeyCommand({ apiKey: key.id }));
    expect(again.name).toBe('tf-persisted');
  });
});

describe('local SSM', () => {
  it('serves parameters by name and by path', async () => {
    const ssm = await startLocalSsm();
    const client = new SSMClient({ endpoint: ssm.endpoint, region, credentials });
    try {
      await client.send(new PutParameterCommand({ Name: '/tf/application-plane/api-url', Value: 'http://127.0.0.1:1', Type: 'String' }));
      await client.send(new PutParameterCommand({ Name: '/tf/application-plane/usage-plan-id/BASIC', Value: 'abc', Type: 'String' }));
      await client.send(new PutParameterCommand({ Name: '/tf/control-plane/tenant-template-version', Value: '1.0.0', Type: 'String' }));

      const one = await client.send(new GetParameterCommand({ Name: '/tf/application-plane/api-url' }));
      expect(one.Parameter?.Value).toBe('http://127.0.0.1:1');

      const shallow = await client.send(new GetParametersByPathCommand({ Path: '/tf/application-plane' }));
      expect(shallow.Parameters?.map((p) => p.Name)).toEqual(['/tf/application-plane/api-url']);

      const deep = await client.send(new GetParametersByPathCommand({ Path: '/tf/application-plane', Recursive: true }));
      expect(deep.Parameters?.map((p) => p.Name)).toEqual(['/tf/application-plane/api-url', '/tf/application-plane/usage-plan-id/BASIC']);
    } finally {
      client.destroy();
      await ssm.stop();
    }
  });

  it('reports a missing parameter as ParameterNotFound', async () => {
    const ssm = await startLocalSsm();
    const client = new SSMClient({ endpoint: ssm.endpoint, region, credentials });
    try {
      await expect(client.send(new GetParameterCommand({ Name: '/missing' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    } finally {
      client.destroy();
      await ssm.stop();
    }
  });

  it('refuses to overwrite without Overwrite', async () => {
    const ssm = await startLocalSsm();
    const client = new SSMClient({ endpoint: ssm.endpoint, region, credentials });
    try {
      await client.send(new PutParameterCommand({ Name: '/p', Value: 'a' }));
      await expect(client.send(new PutParameterCommand({ Name: '/p', Value: 'b' }))).rejects.toMatchObject({
        name: 'ParameterAlreadyExists',
      });
      await client.send(new PutParameterCommand({ Name: '/p', Value: 'b', Overwrite: true }));
      expect(ssm.valueOf('/p')).toBe('b');
    } finally {
      client.destroy();
      await ssm.stop();
    }
  });
});

describe('local STS', () => {
  const roleArn = 'arn:aws:iam::123456789012:role/tf-tenant-scoped-access';

  it('issues credentials and records session tags', async () => {
    const sts = await startLocalSts({ allowedRoleArns: [roleArn] });
    const client = new STSClient({ endpoint: sts.endpoint, region, credentials });
    try {
      const result = await client.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'tenant-ab',
          Tags: [
            { Key: 'TenantId', Value: 'ab' },
            { Key: 'Tier', Value: 'BASIC' },
          ],
        }),
      );
      const accessKeyId = result.Credentials!.AccessKeyId!;
      expect(result.Credentials!.Expiration!.getTime()).toBeGreaterThan(Date.now());
      expect(result.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/tf-tenant-scoped-access/tenant-ab');
      expect(sts.sessionOf(accessKeyId)?.tags).toEqual({ TenantId: 'ab', Tier: 'BASIC' });
      expect(sts.assumeRoleCount).toBe(1);
    } finally {
      client.destroy();
      await sts.stop();
    }
  });

  it('denies a role outside the allowed list', async () => {
    const sts = await startLocalSts({ allowedRoleArns: [roleArn] });
    const client = new STSClient({ endpoint: sts.endpoint, region, credentials });
    try {
      await expect(
        client.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/other', RoleSessionName: 'x1' })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      client.destroy();
      await sts.stop();
    }
  });
});
