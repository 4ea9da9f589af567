// NOTE: cognito-local 5.3.0 ignores Limit and PaginationToken in ListUsers and returns every user,
// so paging is tested against a mocked Cognito client instead.
import { CognitoIdentityProviderClient, InvalidParameterException, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeCursor } from '../../../../lambdas/shared/cursor';
import { callApi } from '../support/control-plane-fixture';

const cognito = mockClient(CognitoIdentityProviderClient);

beforeAll(() => {
  process.env.CONTROL_PLANE_USER_POOL_ID = 'us-east-1_mocked';
});

beforeEach(() => {
  cognito.reset();
});

afterAll(() => {
  cognito.restore();
});

const user = (name: string) => ({
  Username: name,
  Enabled: true,
  UserStatus: 'CONFIRMED' as const,
  Attributes: [
    { Name: 'email', Value: `${name}@example.com` },
    { Name: 'custom:userRole', Value: 'SystemSupport' },
  ],
});

describe('list users pagination', () => {
  it('wraps the pagination token in the cursor', async () => {
    cognito.on(ListUsersCommand, { PaginationToken: undefined }).resolves({ Users: [user('ann'), user('ben')], PaginationToken: 'token/page+2==' });
    cognito.on(ListUsersCommand, { PaginationToken: 'token/page+2==' }).resolves({ Users: [user('cat')] });

    const first = await callApi('users-list', { query: { limit: '2' } });

    expect(first.statusCode).toBe(200);
    expect(first.body.users.map((entry: { userName: string }) => entry.userName)).toEqual(['ann', 'ben']);
    expect(first.body.users[0]).toMatchObject({ email: 'ann@example.com', userRole: 'SystemSupport', enabled: true, status: 'CONFIRMED' });
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cognito.commandCalls(ListUsersCommand)[0].args[0].input).toEqual({ UserPoolId: 'us-east-1_mocked', Limit: 2, PaginationToken: undefined });

    const second = await callApi('users-list', { query: { limit: '2', cursor: first.body.nextCursor } });

    expect(second.body.users.map((entry: { userName: string }) => entry.userName)).toEqual(['cat']);
    expect(second.body.nextCursor).toBeUndefined();
    expect(cognito.commandCalls(ListUsersCommand)[1].args[0].input.PaginationToken).toBe('token/page+2==');
  });

  it('uses 25 users per page by default', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [] });

    await callApi('users-list');

    expect(cognito.commandCalls(ListUsersCommand)[0].args[0].input.Limit).toBe(25);
  });

  it('rejects a cursor Cognito does not accept', async () => {
    cognito.on(ListUsersCommand).rejects(new InvalidParameterException({ message: 'Invalid pagination token', $metadata: {} }));

    const response = await callApi('users-list', { query: { cursor: encodeCursor({ paginationToken: 'expired' }) } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
  });

  it('rejects a malformed cursor without calling Cognito', async () => {
    const response = await callApi('users-list', { query: { cursor: encodeCursor({ tenantId: 'abcd1234' }) } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(0);
  });

  it('hides a Cognito fault behind a 500', async () => {
    cognito.on(ListUsersCommand).rejects(new Error('socket hang up: internal detail'));

    const response = await callApi('users-list');

    expect(response.statusCode).toBe(500);
    expect(response.body.message).not.toContain('internal detail');
    expect(response.body.message).toContain('request id');
  });
});
