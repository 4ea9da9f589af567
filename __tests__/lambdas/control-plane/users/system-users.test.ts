import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ControlPlaneCognito, startControlPlaneCognito } from '../support/control-plane-cognito';
import { ControlPlaneFixture, CONTROL_PLANE_SOURCE, callApi, startControlPlaneFixture } from '../support/control-plane-fixture';

let fixture: ControlPlaneFixture;
let cognito: ControlPlaneCognito;
let client: CognitoIdentityProviderClient;
let userPoolId: string;

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
  cognito = await startControlPlaneCognito();
  client = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint });

  const pool = await client.send(
    new CreateUserPoolCommand({ PoolName: 'control-plane', Schema: [{ Name: 'userRole', AttributeDataType: 'String', Mutable: true }] }),
  );
  userPoolId = pool.UserPool?.Id ?? '';
  for (const group of ['SystemAdmin', 'SystemSupport']) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  }
  Object.assign(process.env, { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint, CONTROL_PLANE_USER_POOL_ID: userPoolId });
});

afterAll(async () => {
  client.destroy();
  await cognito.stop();
  await fixture.stop();
});

beforeEach(() => {
  fixture.bus.clear();
});

const createUser = (body: unknown) => callApi('users-create', { method: 'POST', path: '/users', body });
const groupsOf = async (userName: string) =>
  ((await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: userName }))).Groups ?? []).map((group) => group.GroupName).sort();

describe('create system user', () => {
  it('creates the user, group membership and event', async () => {
    const response = await createUser({ userName: 'alice', email: 'alice@example.com', userRole: 'SystemAdmin' });

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({ userName: 'alice', email: 'alice@example.com', userRole: 'SystemAdmin', enabled: true });
    expect(response.headers.location).toBe('/users/alice');
    expect(await groupsOf('alice')).toEqual(['SystemAdmin']);
    const stored = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'alice' }));
    expect(stored.UserAttributes?.find((attribute) => attribute.Name === 'email_verified')?.Value).toBe('true');
    expect(fixture.bus.events).toEqual([
      expect.objectContaining({
        source: CONTROL_PLANE_SOURCE,
        detailType: 'sbt_aws_tenantUserCreated',
        detail: { tenantId: 'system', userName: 'alice', userRole: 'SystemAdmin' },
      }),
    ]);
  });

  it('rejects a taken user name with 409', async () => {
    await createUser({ userName: 'bob', email: 'bob@example.com', userRole: 'SystemSupport' });
    fixture.bus.clear();

    const response = await createUser({ userName: 'bob', email: 'bob2@example.com', userRole: 'SystemAdmin' });

    expect(response.statusCode).toBe(409);
    expect(response.body.field).toBe('userName');
    expect(fixture.bus.events).toHaveLength(0);
  });

  it('undoes the user when the event fails', async () => {
    fixture.bus.failNext('failed-entry');

    const failed = await createUser({ userName: 'carol', email: 'carol@example.com', userRole: 'SystemSupport' });

    expect(failed.statusCode).toBe(500);
    expect(failed.body.message).toContain('was undone');
    await expect(client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'carol' }))).rejects.toMatchObject({ name: 'UserNotFoundException' });

    const retried = await createUser({ userName: 'carol', email: 'carol@example.com', userRole: 'SystemSupport' });

    expect(retried.statusCode).toBe(201);
  });

  it.each([
    ['a tenant role', { userName: 'dave', email: 'd@example.com', userRole: 'TenantAdmin' }, 'userRole'],
    ['a missing role', { userName: 'dave', email: 'd@example.com' }, 'userRole'],
    ['a name with a space', { userName: 'dave smith', email: 'd@example.com', userRole: 'SystemAdmin' }, 'userName'],
    ['a short name', { userName: 'dv', email: 'd@example.com', userRole: 'SystemAdmin' }, 'userName'],
    ['an invalid email', { userName: 'dave', email: 'dave', userRole: 'SystemAdmin' }, 'email'],
    ['an unknown field', { userName: 'dave', email: 'd@example.com', userRole: 'SystemAdmin', password: 'x' }, 'password'],
  ])('rejects %s', async (_label, body, field) => {
    const response = await createUser(body);

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe(field);
    await expect(client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'dave' }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(fixture.bus.events).toHaveLength(0);
  });
});

describe('read system users', () => {
  beforeAll(async () => {
    await createUser({ userName: 'erin', email: 'erin@example.com', userRole: 'SystemSupport' });
  });

  it('gets a user with its groups', async () => {
    const response = await callApi('users-get', { pathParameters: { userName: 'erin' } });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ userName: 'erin', email: 'erin@example.com', userRole: 'SystemSupport', groups: ['SystemSupport'] });
  });

  it.each([
    ['an unknown user', 'nobody'],
    ['a malformed name', 'bad name!'],
    ['an overlong name', 'x'.repeat(300)],
  ])('returns 404 for %s', async (_label, userName) => {
    const response = await callApi('users-get', { pathParameters: { userName } });

    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('userName');
  });

  it('lists the users', async () => {
    const response = await callApi('users-list', { query: { limit: '60' } });

    expect(response.statusCode).toBe(200);
    expect(response.body.users.map((user: { userName: string }) => user.userName)).toEqual(expect.arrayContaining(['alice', 'erin']));
  });

  it.each([['0'], ['61'], ['many']])('rejects limit %s', async (limit) => {
    const response = await callApi('users-list', { query: { limit } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('limit');
  });
});

describe('change system users', () => {
  beforeAll(async () => {
    await createUser({ userName: 'frank', email: 'frank@example.com', userRole: 'SystemSupport' });
  });

  it('moves a user to another role', async () => {
    const response = await callApi('users-update-role', { method: 'PATCH', pathParameters: { userName: 'frank' }, body: { userRole: 'SystemAdmin' } });

    expect(response.statusCode).toBe(200);
    expect(response.body.userRole).toBe('SystemAdmin');
    expect(await groupsOf('frank')).toEqual(['SystemAdmin']);
  });

  it('repeats a role change without harm', async () => {
    const response = await callApi('users-update-role', { method: 'PATCH', pathParameters: { userName: 'frank' }, body: { userRole: 'SystemAdmin' } });

    expect(response.statusCode).toBe(200);
    expect(await groupsOf('frank')).toEqual(['SystemAdmin']);
  });

  it('rejects a change of the caller own role', async () => {
    const response = await callApi('users-update-role', {
      method: 'PATCH',
      pathParameters: { userName: 'frank' },
      body: { userRole: 'SystemSupport' },
      claims: { sub: 'frank-sub', username: 'frank' },
    });

    expect(response.statusCode).toBe(409);
    expect(response.body.field).toBe('userName');
    expect(await groupsOf('frank')).toEqual(['SystemAdmin']);
  });

  it('rejects an unknown role', async () => {
    const response = await callApi('users-update-role', { method: 'PATCH', pathParameters: { userName: 'frank' }, body: { userRole: 'Root' } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('userRole');
  });

  it('returns 404 when changing an unknown user', async () => {
    const response = await callApi('users-update-role', { method: 'PATCH', pathParameters: { userName: 'ghost' }, body: { userRole: 'SystemAdmin' } });

    expect(response.statusCode).toBe(404);
  });

  it('disables and enables a user', async () => {
    const disabled = await callApi('users-disable', { method: 'POST', pathParameters: { userName: 'frank' } });

    expect(disabled.statusCode).toBe(200);
    expect((await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'frank' }))).Enabled).toBe(false);

    const enabled = await callApi('users-enable', { method: 'POST', pathParameters: { userName: 'frank' } });

    expect(enabled.statusCode).toBe(200);
    expect((await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'frank' }))).Enabled).toBe(true);
  });

  it('rejects disabling the caller', async () => {
    const response = await callApi('users-disable', { method: 'POST', pathParameters: { userName: 'frank' }, claims: { 'cognito:username': 'frank' } });

    expect(response.statusCode).toBe(409);
  });

  it.each(['users-disable', 'users-enable'] as const)('%s returns 404 for an unknown user', async (id) => {
    const response = await callApi(id, { method: 'POST', pathParameters: { userName: 'ghost' } });

    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('userName');
  });

  it('deletes a user and emits the event', async () => {
    await createUser({ userName: 'grace', email: 'grace@example.com', userRole: 'SystemSupport' });
    fixture.bus.clear();

    const response = await callApi('users-delete', { method: 'DELETE', pathParameters: { userName: 'grace' } });

    expect(response.statusCode).toBe(204);
    await expect(client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'grace' }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(fixture.bus.events).toEqual([
      expect.objectContaining({ detailType: 'sbt_aws_tenantUserDeleted', detail: { tenantId: 'system', userName: 'grace', userRole: 'SystemSupport' } }),
    ]);
  });

  it('rejects deleting the caller', async () => {
    const response = await callApi('users-delete', { method: 'DELETE', pathParameters: { userName: 'alice' }, claims: { username: 'alice' } });

    expect(response.statusCode).toBe(409);
    expect((await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'alice' }))).Username).toBe('alice');
  });

  it('returns 404 when deleting an unknown user', async () => {
    const response = await callApi('users-delete', { method: 'DELETE', pathParameters: { userName: 'ghost' } });

    expect(response.statusCode).toBe(404);
    expect(fixture.bus.events).toHaveLength(0);
  });
});
