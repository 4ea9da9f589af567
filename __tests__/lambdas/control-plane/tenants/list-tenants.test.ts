import { encodeCursor } from '../../../../lambdas/shared/cursor';
import { TenantRecord, TenantStatus } from '../../../../lambdas/shared/tenant';
import { ControlPlaneFixture, callApi, seedTenant, startControlPlaneFixture } from '../support/control-plane-fixture';

let fixture: ControlPlaneFixture;
const seeded: TenantRecord[] = [];

const STATUSES: TenantStatus[] = ['ACTIVE', 'ACTIVE', 'INACTIVE', 'PENDING', 'ACTIVE', 'PROVISION_FAILED'];
const TIERS = ['BASIC', 'STANDARD', 'BASIC', 'PLATINUM', 'PREMIUM'];

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
  for (let index = 0; index < 37; index += 1) {
    seeded.push(
      await seedTenant(fixture, {
        tenantId: `list${index.toString().padStart(4, '0')}`,
        status: STATUSES[index % STATUSES.length],
        tier: TIERS[index % TIERS.length],
        createdAt: new Date(Date.UTC(2026, 1, 1, 0, 0, index)).toISOString(),
      }),
    );
  }
});

afterAll(async () => {
  await fixture.stop();
});

const newestFirst = (tenants: TenantRecord[]) => [...tenants].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((tenant) => tenant.tenantId);

/** Follows nextCursor from the first page to the last and returns every page. */
async function listAll(query: Record<string, string>): Promise<{ pages: string[][]; ids: string[] }> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const response = await callApi('tenants-list', { query: { ...query, ...(cursor ? { cursor } : {}) } });
    expect(response.statusCode).toBe(200);
    pages.push(response.body.tenants.map((tenant: TenantRecord) => tenant.tenantId));
    cursor = response.body.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return { pages, ids: pages.flat() };
}

describe('list tenants pagination', () => {
  it('pages through every tenant newest first', async () => {
    const { pages, ids } = await listAll({ limit: '7' });

    expect(ids).toEqual(newestFirst(seeded));
    expect(pages).toHaveLength(6);
    expect(pages.slice(0, 5).every((page) => page.length === 7)).toBe(true);
    expect(pages[5]).toHaveLength(2);
  });

  it('pages by status', async () => {
    const { pages, ids } = await listAll({ limit: '4', status: 'ACTIVE' });

    const expected = newestFirst(seeded.filter((tenant) => tenant.status === 'ACTIVE'));
    expect(ids).toEqual(expected);
    expect(pages.length).toBe(Math.ceil(expected.length / 4));
  });

  it('pages by tier', async () => {
    const { ids } = await listAll({ limit: '3', tier: 'BASIC' });

    expect(ids).toEqual(newestFirst(seeded.filter((tenant) => tenant.tier === 'BASIC')));
  });

  it('pages by status and tier', async () => {
    const { ids, pages } = await listAll({ limit: '2', status: 'ACTIVE', tier: 'BASIC' });

    const expected = newestFirst(seeded.filter((tenant) => tenant.status === 'ACTIVE' && tenant.tier === 'BASIC'));
    expect(expected.length).toBeGreaterThan(2);
    expect(ids).toEqual(expected);
    expect(pages.every((page) => page.length <= 2)).toBe(true);
  });

  it('ends without an empty page at an exact multiple', async () => {
    const matching = seeded.filter((tenant) => tenant.status === 'PENDING');

    const { pages } = await listAll({ limit: String(matching.length), status: 'PENDING' });

    expect(pages).toHaveLength(1);
    expect(pages[0]).toHaveLength(matching.length);
  });

  it('returns 25 tenants by default', async () => {
    const response = await callApi('tenants-list');

    expect(response.body.tenants).toHaveLength(25);
    expect(typeof response.body.nextCursor).toBe('string');
  });

  it('returns an empty page for no matches', async () => {
    const response = await callApi('tenants-list', { query: { status: 'DELETED' } });

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ tenants: [] });
  });

  it('hides internal index attributes', async () => {
    const response = await callApi('tenants-list', { query: { limit: '1' } });

    expect(response.body.tenants[0].listPartition).toBeUndefined();
    expect(response.body.tenants[0].tenantNameKey).toBeUndefined();
    expect(response.body.tenants[0].tenantName).toBeDefined();
  });
});

describe('list tenants bad input', () => {
  const firstCursor = async (query: Record<string, string>) => (await callApi('tenants-list', { query: { limit: '1', ...query } })).body.nextCursor as string;

  it.each([
    ['zero limit', { limit: '0' }, 'limit'],
    ['limit above 100', { limit: '101' }, 'limit'],
    ['text limit', { limit: 'ten' }, 'limit'],
    ['fractional limit', { limit: '1.5' }, 'limit'],
    ['negative limit', { limit: '-1' }, 'limit'],
    ['unknown status', { status: 'RUNNING' }, 'status'],
    ['lowercase status', { status: 'active' }, 'status'],
    ['unknown tier', { tier: 'GOLD' }, 'tier'],
    ['unknown parameter', { sort: 'name' }, 'sort'],
    ['non-base64url cursor', { cursor: 'not a cursor!' }, 'cursor'],
    ['cursor of plain text', { cursor: Buffer.from('hello').toString('base64url') }, 'cursor'],
    ['cursor of a JSON array', { cursor: Buffer.from('[1,2]').toString('base64url') }, 'cursor'],
    ['cursor with extra keys', { cursor: encodeCursor({ tenantId: 'list0001', listPartition: 'TENANT', createdAt: '2026-02-01T00:00:00.000Z', x: 'y' }) }, 'cursor'],
    ['cursor with a number key', { cursor: encodeCursor({ tenantId: 1, listPartition: 'TENANT', createdAt: '2026-02-01T00:00:00.000Z' }) }, 'cursor'],
    ['cursor with a bad tenant id', { cursor: encodeCursor({ tenantId: 'NOT VALID', listPartition: 'TENANT', createdAt: '2026-02-01T00:00:00.000Z' }) }, 'cursor'],
    ['cursor with a bad date', { cursor: encodeCursor({ tenantId: 'list0001', listPartition: 'TENANT', createdAt: 'yesterday' }) }, 'cursor'],
    ['cursor of another partition', { cursor: encodeCursor({ tenantId: 'list0001', listPartition: 'OTHER', createdAt: '2026-02-01T00:00:00.000Z' }) }, 'cursor'],
    ['overlong cursor', { cursor: 'a'.repeat(5000) }, 'cursor'],
  ])('rejects %s', async (_label, query, field) => {
    const response = await callApi('tenants-list', { query });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe(field);
    expect(response.body.message).toContain(field);
  });

  it('rejects a status cursor used for another status', async () => {
    const cursor = await firstCursor({ status: 'ACTIVE' });

    const response = await callApi('tenants-list', { query: { status: 'INACTIVE', cursor } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
  });

  it('rejects a status cursor without the filter', async () => {
    const cursor = await firstCursor({ status: 'ACTIVE' });

    const response = await callApi('tenants-list', { query: { cursor } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
  });

  it('rejects a tier cursor used for another tier', async () => {
    const cursor = await firstCursor({ tier: 'BASIC' });

    const response = await callApi('tenants-list', { query: { tier: 'PREMIUM', cursor } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
  });
});
