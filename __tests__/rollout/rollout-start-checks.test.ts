/**
 * The checks the CLI runs before it starts a rollout or a rollback, and the line that
 * explains a rollout with no waves, against rollout records in dynalite.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { OperationError } from '../../cli/errors';
import { assertRolloutCanStart, describeEmptyRollout, renderRollout, type RolloutView } from '../../cli/commands/rollout-view';
import { RolloutFixture, TABLES, startRolloutFixture } from './support/rollout-fixture';

let fixture: RolloutFixture;

beforeAll(async () => {
  fixture = await startRolloutFixture();
  await putHeader('done', { status: 'SUCCEEDED' });
  await putHeader('running', { status: 'RUNNING' });
  await putHeader('undone', { status: 'ROLLED_BACK', rolledBackBy: 'undo-1' });
  await putHeader('undo-1', { status: 'SUCCEEDED', mode: 'rollback', rollbackOf: 'undone' });
});

afterAll(async () => {
  await fixture.stop();
});

async function putHeader(rolloutId: string, fields: Record<string, unknown>): Promise<void> {
  await fixture.documents.send(
    new PutCommand({
      TableName: TABLES.rollouts,
      Item: { rolloutId, itemKey: 'ROLLOUT', listPartition: 'ROLLOUT', mode: 'deploy', targetVersion: '2.0.0', waves: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...fields },
    }),
  );
}

function view(fields: Partial<RolloutView>): RolloutView {
  return { rolloutId: 'r-1', mode: 'deploy', status: 'SUCCEEDED', targetVersion: '2.0.0', createdAt: '2026-01-01T00:00:00Z', failedTenants: [], waves: [], tenants: [], ...fields };
}

function skippedTenant(tenantId: string) {
  return { tenantId, wave: 0, targetVersion: '2.0.0', result: 'SKIPPED' as const, updatedAt: '2026-01-01T00:00:00Z' };
}

describe('assertRolloutCanStart', () => {
  test('new rollout id passes', async () => {
    await expect(assertRolloutCanStart({ rolloutId: 'brand-new' })).resolves.toBeUndefined();
  });

  test('rollback of a finished deploy passes', async () => {
    await expect(assertRolloutCanStart({ rolloutId: 'undo-done', mode: 'rollback', rollbackOf: 'done' })).resolves.toBeUndefined();
  });

  test('taken rollout id is rejected', async () => {
    const check = assertRolloutCanStart({ rolloutId: 'done' });
    await expect(check).rejects.toBeInstanceOf(OperationError);
    await expect(check).rejects.toMatchObject({ field: 'rollout-id' });
    await expect(check).rejects.toThrow('rollout done already exists (SUCCEEDED, started 2026-01-01T00:00:00Z); choose another --rollout-id');
  });

  test('taken rollback id is rejected', async () => {
    await expect(assertRolloutCanStart({ rolloutId: 'undo-1', mode: 'rollback', rollbackOf: 'done' })).rejects.toThrow('rollout undo-1 already exists');
  });

  test.each([
    ['nope', 'rollout nope was not found; list rollouts with "tenantform rollout status"'],
    ['running', 'rollout running is RUNNING; reject it or wait until it stops'],
    ['undone', 'rollout undone is already rolled back by undo-1'],
    ['undo-1', 'rollout undo-1 is itself a rollback'],
  ])('rollback of %s is rejected', async (rollbackOf, message) => {
    const check = assertRolloutCanStart({ rolloutId: 'fresh-undo', mode: 'rollback', rollbackOf });
    await expect(check).rejects.toMatchObject({ field: 'rollout' });
    await expect(check).rejects.toThrow(message);
  });
});

describe('describeEmptyRollout', () => {
  test('rollout with waves has no line', () => {
    expect(describeEmptyRollout(view({ waves: [{ number: 1, tenants: ['a'], status: 'SUCCEEDED' }] }))).toBeUndefined();
  });

  test.each([
    ['deploy, tenants at the version', view({ tenants: [skippedTenant('aaaa'), skippedTenant('bbbb')] }), 'no silo tenants to update: the 2 ACTIVE silo tenants already run version 2.0.0'],
    ['deploy, one tenant at the version', view({ tenants: [skippedTenant('aaaa')] }), 'no silo tenants to update: the 1 ACTIVE silo tenant already runs version 2.0.0'],
    ['deploy, no silo tenant', view({}), 'no silo tenants to update: no ACTIVE tenant is on a silo tier'],
    ['rollback, nothing updated', view({ mode: 'rollback', rollbackOf: 'r-0' }), 'nothing to roll back: rollout r-0 updated no tenant'],
    ['rollback, no previous version', view({ mode: 'rollback', rollbackOf: 'r-0', tenants: [skippedTenant('aaaa')] }), 'nothing to roll back: rollout r-0 recorded no previous version for the 1 tenant it updated'],
  ])('empty %s is explained', (_case, empty, line) => {
    expect(describeEmptyRollout(empty)).toBe(line);
  });

  test('rendering replaces the empty wave table', () => {
    const text = renderRollout(view({ tenants: [skippedTenant('aaaa')] }));
    expect(text).toContain('no silo tenants to update');
    expect(text).not.toContain('WAVE  STATUS');
    expect(text).toContain('SKIPPED');
  });
});
