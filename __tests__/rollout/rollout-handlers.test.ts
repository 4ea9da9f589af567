import { invokeLocalHandler } from '../../local/lambda-runtime';
import { describeFailure } from '../../lambdas/control-plane/rollout/record-tenant';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RolloutFixture, TABLES, clearTenants, readRollout, readTenant, seedSiloTenants, startRolloutFixture } from './support/rollout-fixture';

let fixture: RolloutFixture;
let execution = 0;

beforeAll(async () => {
  fixture = await startRolloutFixture();
});

beforeEach(async () => {
  await clearTenants(fixture);
});

afterAll(async () => {
  await fixture.stop();
});

function plan(request: Record<string, unknown>) {
  execution += 1;
  return invokeLocalHandler('rollout-plan', { request, executionId: `execution-${execution}`, executionName: `execution-${execution}` });
}

describe('rollout-plan', () => {
  test.each([
    [{ targetVersion: '2.0.0', concurrency: 0 }, 'field concurrency is invalid'],
    [{ targetVersion: '2.0.0', concurrency: 41 }, 'field concurrency is invalid'],
    [{ targetVersion: '2.0.0', concurrency: 2.5 }, 'field concurrency is invalid'],
    [{ targetVersion: '2.0.0', toleratedFailurePercentage: 101 }, 'field toleratedFailurePercentage is invalid'],
    [{ targetVersion: '2.0.0', toleratedFailurePercentage: -1 }, 'field toleratedFailurePercentage is invalid'],
    [{ targetVersion: '../etc' }, 'field targetVersion is invalid'],
    [{ targetVersion: '2.0.0', waves: '25%' }, 'must end with 100%'],
    [{ targetVersion: '2.0.0', rolloutId: 'has space' }, 'field rolloutId is invalid'],
    [{ targetVersion: '2.0.0', colour: 'blue' }, 'input is invalid'],
    [{ mode: 'sideways' }, 'field mode is invalid'],
    [{}, 'target version undefined is invalid'],
    [{ targetVersion: '2.0.0', rollbackOf: 'earlier' }, 'only allowed with mode "rollback"'],
    [{ mode: 'rollback' }, 'rollbackOf is required'],
    [{ mode: 'rollback', rollbackOf: 'missing', targetVersion: '1.0.0' }, 'targetVersion is not allowed'],
    [{ mode: 'rollback', rollbackOf: 'missing' }, 'rollout missing was not found'],
  ])('input %j is rejected', async (request, message) => {
    const failure = plan(request);
    await expect(failure).rejects.toMatchObject({ name: 'Rollout.InvalidInput' });
    await expect(plan(request)).rejects.toThrow(message);
  });

  test('parameter version is used without targetVersion', async () => {
    await seedSiloTenants(fixture, 2, { idPrefix: 'parm' });
    const state = (await plan({ rolloutId: 'from-parameter', template: { version: '7.1.0' } })) as Record<string, any>;
    expect(state.targetVersion).toBe('7.1.0');
    expect(state.waveCount).toBe(2);
  });

  test('only ACTIVE silo tenants are planned', async () => {
    const [active] = await seedSiloTenants(fixture, 1, { idPrefix: 'actv' });
    await seedSiloTenants(fixture, 1, { idPrefix: 'inac', extra: () => ({ status: 'INACTIVE' }) });
    await seedSiloTenants(fixture, 1, { idPrefix: 'pool', tier: 'BASIC', extra: () => ({ model: 'pool' }) });
    const [current] = await seedSiloTenants(fixture, 1, { idPrefix: 'curr', version: '2.0.0', tier: 'DIAMOND' });

    const state = (await plan({ rolloutId: 'filtered', targetVersion: '2.0.0', waves: '100%' })) as Record<string, any>;

    expect(state.waves).toEqual([{ number: 1, items: [{ tenantId: active, targetVersion: '2.0.0' }] }]);
    const { header, tenants } = await readRollout(fixture, 'filtered');
    expect(header.status).toBe('RUNNING');
    expect(header.toleratedFailurePercentage).toBe(0);
    expect(tenants[current].result).toBe('SKIPPED');
    expect(Object.keys(tenants).sort()).toEqual([active, current].sort());
  });

  test('registry page boundaries are followed', async () => {
    // Long names make each tenant about 1 KB, so 1100 tenants span more than one 1 MB query page.
    await seedSiloTenants(fixture, 1100, { idPrefix: 'page', extra: () => ({ contactName: 'x'.repeat(1000) }) });
    const firstPage = await fixture.documents.send(
      new QueryCommand({ TableName: TABLES.tenants, IndexName: 'by-tier', KeyConditionExpression: 'tier = :tier', ExpressionAttributeValues: { ':tier': 'PLATINUM' } }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    const state = (await plan({ rolloutId: 'paginated', targetVersion: '2.0.0', waves: '100%' })) as Record<string, any>;
    expect(state.waves[0].items).toHaveLength(1100);
  }, 120000);

  test('duplicate rollout id is rejected', async () => {
    await plan({ rolloutId: 'twice', targetVersion: '2.0.0' });
    await expect(plan({ rolloutId: 'twice', targetVersion: '2.0.0' })).rejects.toThrow('rollout twice already exists');
  });

  test('retried plan of one execution succeeds', async () => {
    const [tenantId] = await seedSiloTenants(fixture, 1, { idPrefix: 'retr' });
    const event = { request: { rolloutId: 'retried', targetVersion: '2.0.0' }, executionId: 'same-execution' };
    await invokeLocalHandler('rollout-plan', event);
    await expect(invokeLocalHandler('rollout-plan', event)).resolves.toMatchObject({ rolloutId: 'retried', waveCount: 1 });

    const { header, tenants } = await readRollout(fixture, 'retried');
    expect(header.status).toBe('RUNNING');
    expect(tenants[tenantId].result).toBe('PENDING');
  });

  // The local runner, and Step Functions once 90 days have passed, give a reused
  // execution name the same execution ARN, so the ARN alone does not identify a retry.
  test.each([
    ['finished', { status: 'SUCCEEDED' }],
    ['past its first wave', { waves: [{ number: 1, tenants: ['reus000'], status: 'SUCCEEDED' }] }],
    ['stopped in its first wave', {}],
  ])('reused id of a rollout %s is rejected', async (_case, change) => {
    const [tenantId] = await seedSiloTenants(fixture, 1, { idPrefix: 'reus' });
    const event = { request: { rolloutId: 'reused', targetVersion: '2.0.0' }, executionId: 'reused-execution' };
    await invokeLocalHandler('rollout-plan', event);
    await fixture.documents.send(new PutCommand({ TableName: TABLES.rollouts, Item: { ...(await readRollout(fixture, 'reused')).header, ...change } }));
    await fixture.documents.send(
      new UpdateCommand({
        TableName: TABLES.rollouts,
        Key: { rolloutId: 'reused', itemKey: `TENANT#${tenantId}` },
        UpdateExpression: 'SET #result = :succeeded, previousVersion = :previous',
        ExpressionAttributeNames: { '#result': 'result' },
        ExpressionAttributeValues: { ':succeeded': 'SUCCEEDED', ':previous': '1.0.0' },
      }),
    );
    await fixture.documents.send(
      new UpdateCommand({ TableName: TABLES.tenants, Key: { tenantId }, UpdateExpression: 'SET templateVersion = :target', ExpressionAttributeValues: { ':target': '2.0.0' } }),
    );

    await expect(invokeLocalHandler('rollout-plan', event)).rejects.toThrow('rollout reused already exists');

    const { tenants } = await readRollout(fixture, 'reused');
    expect(tenants[tenantId].result).toBe('SUCCEEDED');
    expect(tenants[tenantId].previousVersion).toBe('1.0.0');
    await fixture.documents.send(new DeleteCommand({ TableName: TABLES.rollouts, Key: { rolloutId: 'reused', itemKey: 'ROLLOUT' } }));
    await fixture.documents.send(new DeleteCommand({ TableName: TABLES.rollouts, Key: { rolloutId: 'reused', itemKey: `TENANT#${tenantId}` } }));
  });

  test('invalid registry wave is reported', async () => {
    await seedSiloTenants(fixture, 1, { idPrefix: 'wbad', extra: () => ({ wave: 'first' }) });
    await expect(plan({ rolloutId: 'bad-wave', targetVersion: '2.0.0' })).rejects.toThrow('tenant wbad000 has wave "first"');
  });
});

describe('rollout tenant claim', () => {
  test('claim is exclusive between rollouts', async () => {
    const [tenantId] = await seedSiloTenants(fixture, 1, { idPrefix: 'lock' });
    const item = { tenantId, targetVersion: '2.0.0' };

    const first = (await invokeLocalHandler('rollout-prepare-tenant', { rolloutId: 'holder', waveNumber: 1, item })) as Record<string, any>;
    const again = (await invokeLocalHandler('rollout-prepare-tenant', { rolloutId: 'holder', waveNumber: 1, item })) as Record<string, any>;
    const other = (await invokeLocalHandler('rollout-prepare-tenant', { rolloutId: 'intruder', waveNumber: 1, item })) as Record<string, any>;

    expect(first).toMatchObject({ action: 'apply', tenantId, previousVersion: '1.0.0', tier: 'PLATINUM' });
    expect(again.action).toBe('apply');
    expect(other).toMatchObject({ action: 'skip' });
    expect(other.reason).toContain('is UPDATING');
    expect((await readTenant(fixture, tenantId)).updatingRolloutId).toBe('holder');

    const intruderRecord = await invokeLocalHandler('rollout-record-tenant', { rolloutId: 'intruder', waveNumber: 1, item, outcome: 'SUCCEEDED', claim: other });
    expect((await readTenant(fixture, tenantId)).status).toBe('UPDATING');
    expect(intruderRecord).toMatchObject({ result: 'FAILED' });
    expect((intruderRecord as { reason: string }).reason).toContain('was no longer held by rollout intruder');

    await invokeLocalHandler('rollout-record-tenant', { rolloutId: 'holder', waveNumber: 1, item, outcome: 'SUCCEEDED', claim: first, job: { buildId: 'b-1' } });
    const released = await readTenant(fixture, tenantId);
    expect(released.status).toBe('ACTIVE');
    expect(released.templateVersion).toBe('2.0.0');
    expect(released.updatingRolloutId).toBeUndefined();
  });

  test('rollback keeps a later version', async () => {
    const [tenantId] = await seedSiloTenants(fixture, 1, { idPrefix: 'newr', version: '3.0.0' });
    const result = (await invokeLocalHandler('rollout-prepare-tenant', {
      rolloutId: 'old-undo',
      waveNumber: 1,
      item: { tenantId, targetVersion: '1.0.0', expectedVersion: '2.0.0' },
    })) as Record<string, any>;
    expect(result.action).toBe('skip');
    expect(result.reason).toContain('runs version 3.0.0, not 2.0.0');
    expect((await readTenant(fixture, tenantId)).status).toBe('ACTIVE');
  });
});

describe('describeFailure', () => {
  test('failed build phase message', () => {
    const cause = JSON.stringify({ Id: 'p:1', BuildStatus: 'FAILED', Phases: [{ PhaseType: 'INSTALL', PhaseStatus: 'SUCCEEDED' }, { PhaseType: 'BUILD', PhaseStatus: 'FAILED', Contexts: [{ Message: 'exit status 1' }] }] });
    expect(describeFailure({ Error: 'States.TaskFailed', Cause: cause })).toBe('States.TaskFailed: build FAILED in phase BUILD: exit status 1');
  });

  test('plain cause text', () => {
    expect(describeFailure({ Error: 'States.Timeout', Cause: '' })).toBe('States.Timeout');
    expect(describeFailure({ Error: 'Lambda.Unknown', Cause: 'out of memory' })).toBe('Lambda.Unknown: out of memory');
  });
});
