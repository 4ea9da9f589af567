import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../../../../config/naming';
import { STALE_RESERVATION_MS } from '../../../../lambdas/shared/tenant-names';
import { invokeLocalHandler } from '../../../../local/lambda-runtime';
import {
  ControlPlaneFixture,
  apiEvent,
  CONTROL_PLANE_SOURCE,
  EVENT_BUS_NAME,
  TENANTS_TABLE,
  TENANT_NAMES_TABLE,
  callApi,
  countItems,
  readReservation,
  readTenant,
  startControlPlaneFixture,
} from '../support/control-plane-fixture';

let fixture: ControlPlaneFixture;

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
});

afterAll(async () => {
  await fixture.stop();
});

beforeEach(() => {
  fixture.bus.clear();
});

const register = (body: unknown) => callApi('registration-create', { method: 'POST', path: '/tenant-registrations', body });

describe('registration success', () => {
  it('writes tenant, reservation and event', async () => {
    const response = await register({ tenantName: 'Globex Corporation', email: 'ops@globex.example', tier: 'PREMIUM', contactName: 'Hank Scorpio' });

    expect(response.statusCode).toBe(201);
    expect(response.body.status).toBe('PENDING');
    expect(response.body.tenantId).toMatch(/^[0-9a-f]{16}$/);
    expect(response.body.tenantId).toMatch(TENANT_ID_PATTERN);
    expect(response.body.tenantRegistrationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(response.headers.location).toBe(`/tenants/${response.body.tenantId}`);

    const record = await readTenant(fixture, response.body.tenantId);
    expect(record).toMatchObject({
      tenantId: response.body.tenantId,
      tenantRegistrationId: response.body.tenantRegistrationId,
      tenantName: 'Globex Corporation',
      tenantNameKey: 'globex corporation',
      email: 'ops@globex.example',
      tier: 'PREMIUM',
      model: 'pool',
      status: 'PENDING',
      listPartition: 'TENANT',
      contactName: 'Hank Scorpio',
    });
    expect(record?.createdAt).toBe(record?.updatedAt);

    const reservation = await readReservation(fixture, 'globex corporation');
    expect(reservation?.tenantId).toBe(response.body.tenantId);
    expect(reservation?.tenantName).toBe('Globex Corporation');

    expect(fixture.bus.events).toEqual([
      {
        source: CONTROL_PLANE_SOURCE,
        detailType: 'sbt_aws_onboardingRequest',
        eventBusName: EVENT_BUS_NAME,
        detail: {
          tenantId: response.body.tenantId,
          tenantRegistrationId: response.body.tenantRegistrationId,
          tenantName: 'Globex Corporation',
          email: 'ops@globex.example',
          tier: 'PREMIUM',
        },
      },
    ]);
  });

  it('stores the silo model of a silo tier', async () => {
    const response = await register({ tenantName: 'Initech', email: 'bill@initech.example', tier: 'PLATINUM' });

    expect(response.statusCode).toBe(201);
    expect((await readTenant(fixture, response.body.tenantId))?.model).toBe('silo');
  });

  it('trims the name and email', async () => {
    const response = await register({ tenantName: '  Umbrella Labs ', email: ' it@umbrella.example ', tier: 'BASIC' });

    expect(response.statusCode).toBe(201);
    const record = await readTenant(fixture, response.body.tenantId);
    expect(record?.tenantName).toBe('Umbrella Labs');
    expect(record?.email).toBe('it@umbrella.example');
    expect(fixture.bus.events[0].detail.tenantName).toBe('Umbrella Labs');
  });

  it('accepts names with allowed punctuation and accents', async () => {
    const response = await register({ tenantName: "Ben & Jerry's Café-Bar_2.0", email: 'x@example.com', tier: 'BASIC' });

    expect(response.statusCode).toBe(201);
  });

  it('accepts the SBT-AWS body shape', async () => {
    const response = await register({
      tenantData: { tenantName: 'Soylent', email: 'green@soylent.example', tier: 'STANDARD' },
      tenantRegistrationData: {},
    });

    expect(response.statusCode).toBe(201);
    const record = await readTenant(fixture, response.body.tenantId);
    expect(record?.tier).toBe('STANDARD');
    expect(fixture.bus.events[0].detail.tenantName).toBe('Soylent');
  });

  it('accepts a base64-encoded body', async () => {
    const response = await callApi('registration-create', {
      method: 'POST',
      body: { tenantName: 'Base Sixty Four', email: 'b64@example.com', tier: 'BASIC' },
      base64: true,
    });

    expect(response.statusCode).toBe(201);
    expect((await readTenant(fixture, response.body.tenantId))?.tenantName).toBe('Base Sixty Four');
  });

  it('accepts a JSON content type with a UTF-8 charset', async () => {
    const response = await callApi('registration-create', {
      method: 'POST',
      body: { tenantName: 'Charset Corp', email: 'c@example.com', tier: 'BASIC' },
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
    });

    expect(response.statusCode).toBe(201);
  });
});

describe('registration name uniqueness', () => {
  it('rejects a taken name with 409', async () => {
    expect((await register({ tenantName: 'Acme', email: 'a@acme.example', tier: 'BASIC' })).statusCode).toBe(201);
    const tenantsBefore = await countItems(fixture, TENANTS_TABLE);
    fixture.bus.clear();

    const response = await register({ tenantName: 'Acme', email: 'other@acme.example', tier: 'STANDARD' });

    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ message: 'tenant name "Acme" is already registered', field: 'tenantName' });
    expect(await countItems(fixture, TENANTS_TABLE)).toBe(tenantsBefore);
    expect(fixture.bus.events).toHaveLength(0);
  });

  it('gives one 201 for 20 concurrent registrations', async () => {
    const spellings = ['Wayne Enterprises', 'wayne enterprises', ' WAYNE ENTERPRISES ', 'Wayne enterprises  ', '  wAyNe EnTeRpRiSeS'];
    const tenantsBefore = await countItems(fixture, TENANTS_TABLE);
    const reservationsBefore = await countItems(fixture, TENANT_NAMES_TABLE);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => register({ tenantName: spellings[index % spellings.length], email: `user${index}@wayne.example`, tier: 'BASIC' })),
    );

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(await countItems(fixture, TENANTS_TABLE)).toBe(tenantsBefore + 1);
    expect(await countItems(fixture, TENANT_NAMES_TABLE)).toBe(reservationsBefore + 1);
    const byName = await fixture.documents.send(
      new QueryCommand({
        TableName: TENANTS_TABLE,
        IndexName: 'by-created',
        KeyConditionExpression: 'listPartition = :partition',
        FilterExpression: 'tenantNameKey = :key',
        ExpressionAttributeValues: { ':partition': 'TENANT', ':key': 'wayne enterprises' },
      }),
    );
    expect(byName.Items).toHaveLength(1);
    expect(fixture.bus.events).toHaveLength(1);
    const winner = responses.find((response) => response.statusCode === 201);
    expect((await readReservation(fixture, 'wayne enterprises'))?.tenantId).toBe(winner?.body.tenantId);
  });

  it('takes over a stale reservation without a tenant', async () => {
    const stale = new Date(Date.now() - STALE_RESERVATION_MS - 60_000).toISOString();
    await fixture.documents.send(
      new PutCommand({ TableName: TENANT_NAMES_TABLE, Item: { tenantNameKey: 'orphaned name', tenantName: 'Orphaned Name', tenantId: 'deadbeefdeadbeef', reservedAt: stale } }),
    );

    const response = await register({ tenantName: 'Orphaned Name', email: 'o@example.com', tier: 'BASIC' });

    expect(response.statusCode).toBe(201);
    expect((await readReservation(fixture, 'orphaned name'))?.tenantId).toBe(response.body.tenantId);
  });

  it('keeps a recent reservation without a tenant', async () => {
    await fixture.documents.send(
      new PutCommand({
        TableName: TENANT_NAMES_TABLE,
        Item: { tenantNameKey: 'in flight', tenantName: 'In Flight', tenantId: 'feedfacefeedface', reservedAt: new Date().toISOString() },
      }),
    );

    const response = await register({ tenantName: 'In Flight', email: 'f@example.com', tier: 'BASIC' });

    expect(response.statusCode).toBe(409);
    expect((await readReservation(fixture, 'in flight'))?.tenantId).toBe('feedfacefeedface');
  });
});

describe('registration when the bus fails', () => {
  it.each([
    ['a failed entry', 'failed-entry' as const],
    ['a server error', 'server-error' as const],
  ])('rolls back after %s', async (_label, mode) => {
    const name = `Bus Failure ${mode}`;
    fixture.bus.failNext(mode, 10);

    const failed = await register({ tenantName: name, email: 'bus@example.com', tier: 'BASIC' });

    expect(failed.statusCode).toBe(500);
    expect(failed.body.message).toContain('retry the request');
    const { Items } = await fixture.documents.send(
      new QueryCommand({
        TableName: TENANTS_TABLE,
        IndexName: 'by-status',
        KeyConditionExpression: '#status = :status',
        FilterExpression: 'tenantNameKey = :key',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': 'PROVISION_FAILED', ':key': name.toLowerCase() },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items?.[0].statusReason).toContain('the onboarding request could not be sent');
    expect(await readReservation(fixture, name.toLowerCase())).toBeUndefined();

    fixture.bus.clear();
    const retried = await register({ tenantName: name, email: 'bus@example.com', tier: 'BASIC' });

    expect(retried.statusCode).toBe(201);
    expect(fixture.bus.events).toHaveLength(1);
    expect((await readReservation(fixture, name.toLowerCase()))?.tenantId).toBe(retried.body.tenantId);
  });
});

describe('registration bad input', () => {
  const valid = { tenantName: 'Valid Name Corp', email: 'valid@example.com', tier: 'BASIC' };
  const json = { 'content-type': 'application/json' };

  interface BadCase {
    readonly name: string;
    readonly body?: unknown;
    readonly rawBody?: string;
    readonly base64?: boolean;
    readonly headers?: Record<string, string>;
    readonly status: number;
    readonly field: string;
    readonly messageContains?: string;
  }

  const cases: BadCase[] = [
    { name: 'no body', status: 400, field: 'body', messageContains: 'body is missing' },
    { name: 'empty body', rawBody: '', status: 400, field: 'body' },
    { name: 'array body', rawBody: '[]', status: 400, field: 'body', messageContains: 'got an array' },
    { name: 'string body', rawBody: '"Acme"', status: 400, field: 'body', messageContains: 'got a string' },
    { name: 'number body', rawBody: '42', status: 400, field: 'body', messageContains: 'got a number' },
    { name: 'null body', rawBody: 'null', status: 400, field: 'body', messageContains: 'got null' },
    { name: 'boolean body', rawBody: 'true', status: 400, field: 'body' },
    { name: 'truncated JSON', rawBody: '{"tenantName": "Acme"', status: 400, field: 'body', messageContains: 'not valid JSON' },
    { name: 'whitespace body', rawBody: '   ', status: 400, field: 'body' },
    { name: 'missing email', body: { tenantName: 'No Email', tier: 'BASIC' }, status: 400, field: 'email', messageContains: 'email is missing' },
    { name: 'invalid email', body: { ...valid, email: 'not-an-email' }, status: 400, field: 'email', messageContains: '"not-an-email"' },
    { name: 'email without domain', body: { ...valid, email: 'user@' }, status: 400, field: 'email' },
    { name: 'email over 254 characters', body: { ...valid, email: `${'a'.repeat(250)}@example.com` }, status: 400, field: 'email' },
    { name: 'email as number', body: { ...valid, email: 42 }, status: 400, field: 'email', messageContains: 'must be a string, got a number' },
    { name: 'missing tier', body: { tenantName: 'No Tier', email: 'x@example.com' }, status: 400, field: 'tier' },
    {
      name: 'unknown tier',
      body: { ...valid, tier: 'GOLD' },
      status: 400,
      field: 'tier',
      messageContains: 'tier "GOLD" is not one of BASIC, STANDARD, PREMIUM, PLATINUM',
    },
    {
      name: 'tier in lowercase',
      body: { ...valid, tier: 'basic' },
      status: 400,
      field: 'tier',
      messageContains: 'tier "basic" is not one of BASIC, STANDARD, PREMIUM, PLATINUM. Tier names are case-sensitive: use "BASIC"',
    },
    { name: 'missing tenantName', body: { email: 'x@example.com', tier: 'BASIC' }, status: 400, field: 'tenantName' },
    { name: 'empty tenantName', body: { ...valid, tenantName: '' }, status: 400, field: 'tenantName' },
    { name: 'blank tenantName', body: { ...valid, tenantName: '    ' }, status: 400, field: 'tenantName' },
    { name: 'tenantName of 65 characters', body: { ...valid, tenantName: 'x'.repeat(65) }, status: 400, field: 'tenantName', messageContains: 'at most 64' },
    { name: 'very long tenantName', body: { ...valid, tenantName: 'y'.repeat(10000) }, status: 400, field: 'tenantName' },
    { name: 'tenantName with bell character', body: { ...valid, tenantName: 'Acme\u0007Bell' }, status: 400, field: 'tenantName', messageContains: 'control' },
    { name: 'tenantName with newline', body: { ...valid, tenantName: 'Acme\nCorp' }, status: 400, field: 'tenantName' },
    { name: 'tenantName with zero-width space', body: { ...valid, tenantName: 'Ac\u200bme' }, status: 400, field: 'tenantName' },
    { name: 'tenantName with markup', body: { ...valid, tenantName: '<script>alert(1)</script>' }, status: 400, field: 'tenantName' },
    { name: 'tenantName with slash', body: { ...valid, tenantName: 'Acme/Corp' }, status: 400, field: 'tenantName' },
    { name: 'tenantName with double space', body: { ...valid, tenantName: 'Acme  Corp' }, status: 400, field: 'tenantName' },
    { name: 'tenantName of punctuation only', body: { ...valid, tenantName: '-._' }, status: 400, field: 'tenantName' },
    { name: 'tenantName as number', body: { ...valid, tenantName: 12345 }, status: 400, field: 'tenantName' },
    { name: 'name taken in other case', body: { ...valid, tenantName: 'TAKEN NAME' }, status: 409, field: 'tenantName' },
    { name: 'name taken with spaces', body: { ...valid, tenantName: '   Taken Name  ' }, status: 409, field: 'tenantName' },
    { name: 'contactName with control character', body: { ...valid, contactName: 'Jo\u0000hn' }, status: 400, field: 'contactName' },
    { name: 'blank contactName', body: { ...valid, contactName: '  ' }, status: 400, field: 'contactName' },
    { name: 'unknown field', body: { ...valid, plan: 'enterprise' }, status: 400, field: 'plan', messageContains: 'known fields are tenantName, email, tier, contactName' },
    { name: 'status field', body: { ...valid, status: 'ACTIVE' }, status: 400, field: 'status' },
    { name: '__proto__ field', rawBody: `{"tenantName":"Proto","email":"p@example.com","tier":"BASIC","__proto__":{"admin":true}}`, status: 400, field: '__proto__' },
    { name: 'oversized body', body: { ...valid, padding: 'p'.repeat(17 * 1024) }, status: 413, field: 'body' },
    { name: 'wrong content type', body: valid, headers: { 'content-type': 'text/plain' }, status: 415, field: 'content-type' },
    { name: 'missing content type', body: valid, headers: {}, status: 415, field: 'content-type', messageContains: 'missing' },
    { name: 'latin-1 charset', body: valid, headers: { 'content-type': 'application/json; charset=iso-8859-1' }, status: 415, field: 'content-type' },
    { name: 'form content type', body: valid, headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, field: 'content-type' },
    { name: 'base64 body with bad JSON', rawBody: '{"tenantName":', base64: true, status: 400, field: 'body' },
    { name: 'base64 body with unknown tier', body: { ...valid, tier: 'GOLD' }, base64: true, status: 400, field: 'tier' },
    { name: 'oversized base64 body', body: { ...valid, padding: 'p'.repeat(17 * 1024) }, base64: true, status: 413, field: 'body' },
    { name: 'SBT shape with flat field', body: { tenantData: valid, tenantName: 'Mixed' }, status: 400, field: 'tenantName' },
    { name: 'SBT shape with unknown tier', body: { tenantData: { ...valid, tier: 'GOLD' } }, status: 400, field: 'tenantData.tier' },
    { name: 'SBT shape with registration data', body: { tenantData: valid, tenantRegistrationData: { plan: 'x' } }, status: 400, field: 'tenantRegistrationData.plan' },
    { name: 'SBT shape with missing email', body: { tenantData: { tenantName: 'Sbt', tier: 'BASIC' } }, status: 400, field: 'tenantData.email' },
  ];

  beforeAll(async () => {
    expect((await register({ tenantName: 'Taken Name', email: 't@example.com', tier: 'BASIC' })).statusCode).toBe(201);
  });

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((badCase) => [badCase.name, badCase] as const))('rejects %s', async (_name, badCase) => {
    const tenantsBefore = await countItems(fixture, TENANTS_TABLE);
    const reservationsBefore = await countItems(fixture, TENANT_NAMES_TABLE);
    fixture.bus.clear();

    const response = await callApi('registration-create', {
      method: 'POST',
      path: '/tenant-registrations',
      body: badCase.body,
      rawBody: badCase.rawBody,
      base64: badCase.base64,
      headers: badCase.headers ?? (badCase.body !== undefined || badCase.rawBody !== undefined ? json : {}),
    });

    expect(response.statusCode).toBe(badCase.status);
    expect(response.body.field).toBe(badCase.field);
    expect(typeof response.body.message).toBe('string');
    if (badCase.messageContains) {
      expect(response.body.message).toContain(badCase.messageContains);
    }
    expect(await countItems(fixture, TENANTS_TABLE)).toBe(tenantsBefore);
    expect(await countItems(fixture, TENANT_NAMES_TABLE)).toBe(reservationsBefore);
    expect(fixture.bus.events).toHaveLength(0);
  });

  // The body is given as sent on the wire, already encoded, with isBase64Encoded set.
  it.each([
    ['a body that is not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), 'UTF-8'],
    ['a body that is not base64', '{{not base64}}', 'not valid base64'],
  ])('rejects base64 flag with %s', async (_label, wireBody, messagePart) => {
    const tenantsBefore = await countItems(fixture, TENANTS_TABLE);
    const event = apiEvent({ method: 'POST', rawBody: wireBody, headers: json });
    event.isBase64Encoded = true;

    const result = (await invokeLocalHandler('registration-create', event)) as { statusCode: number; body: string };

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).field).toBe('body');
    expect(JSON.parse(result.body).message).toContain(messagePart);
    expect(await countItems(fixture, TENANTS_TABLE)).toBe(tenantsBefore);
  });
});
