import { AdminGetUserCommand, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { ApplicationPlaneHarness } from '../../../local/application-plane/harness';
import { callApi, PASSWORD, signedInUser, SignedInUser, startHarness } from '../../local/application-plane/harness-support';

let harness: ApplicationPlaneHarness;
let alphaAdmin: SignedInUser;
let alphaMember: SignedInUser;
let betaAdmin: SignedInUser;

beforeAll(async () => {
  harness = await startHarness();
  await harness.onboardTenant('usersalpha', 'BASIC');
  await harness.onboardTenant('usersbeta', 'STANDARD');
  alphaAdmin = await signedInUser(harness, 'usersalpha', 'BASIC', 'TenantAdmin');
  alphaMember = await signedInUser(harness, 'usersalpha', 'BASIC', 'TenantUser');
  betaAdmin = await signedInUser(harness, 'usersbeta', 'STANDARD', 'TenantAdmin');
});

afterAll(async () => {
  await harness?.stop();
});

async function attributesOf(userName: string): Promise<Record<string, string>> {
  const user = await harness.cognitoClient.send(new AdminGetUserCommand({ UserPoolId: harness.userPoolId, Username: userName }));
  return Object.fromEntries((user.UserAttributes ?? []).map((attribute) => [attribute.Name, attribute.Value]));
}

/** Signs in with the temporary password from the invitation and sets a permanent one. */
async function acceptInvitation(email: string, userName: string): Promise<string> {
  const invitation = harness.cognito.sentMessages().filter((message) => message.destination === email).pop();
  expect(invitation?.code).toBeDefined();
  const start = await harness.cognitoClient.send(
    new InitiateAuthCommand({ ClientId: harness.userPoolClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: String(invitation?.code) } }),
  );
  expect(start.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  const done = await harness.cognitoClient.send(
    new RespondToAuthChallengeCommand({
      ClientId: harness.userPoolClientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: start.Session,
      ChallengeResponses: { USERNAME: userName, NEW_PASSWORD: PASSWORD },
    }),
  );
  return String(done.AuthenticationResult?.IdToken);
}

describe('tenant user create', () => {
  test('sets the tenant attributes from the platform', async () => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', '/users', { email: 'new.user@usersalpha.example.com', userRole: 'TenantUser' });
    const attributes = await attributesOf(response.body.userName);

    expect(response.status).toBe(201);
    expect(response.body.email).toBe('new.user@usersalpha.example.com');
    expect(response.body.userRole).toBe('TenantUser');
    expect(attributes['custom:tenantId']).toBe('usersalpha');
    expect(attributes['custom:tenantTier']).toBe('BASIC');
    expect(attributes['custom:userRole']).toBe('TenantUser');
  });

  test('creates a user who can call the API after the invitation', async () => {
    const email = 'invited@usersalpha.example.com';
    const created = await callApi(harness, alphaAdmin.idToken, 'POST', '/users', { email, userRole: 'TenantUser' });
    const idToken = await acceptInvitation(email, created.body.userName);
    const product = await callApi(harness, idToken, 'POST', '/products', { name: 'Made by the invited user', price: '3.00' });
    const listed = await callApi(harness, alphaAdmin.idToken, 'GET', `/products/${product.body.productId}`);

    expect(product.status).toBe(201);
    expect(listed.status).toBe(200);
  });

  test('rejects a tenant id in the body', async () => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', '/users', { email: 'x@usersalpha.example.com', userRole: 'TenantUser', tenantId: 'usersbeta' });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('tenantId');
  });

  test('rejects a tier in the body', async () => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', '/users', { email: 'x@usersalpha.example.com', userRole: 'TenantUser', tenantTier: 'PREMIUM' });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('tenantTier');
  });

  test.each([['SystemAdmin'], ['tenantadmin'], [''], [undefined]])('rejects role %p with 400', async (userRole) => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', '/users', { email: 'role@usersalpha.example.com', userRole });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('userRole');
  });

  test.each([['not-an-email'], [''], [42]])('rejects email %p with 400', async (email) => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', '/users', { email, userRole: 'TenantUser' });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('email');
  });

  test('returns 409 naming userName for a taken name', async () => {
    const response = await callApi(harness, betaAdmin.idToken, 'POST', '/users', { email: alphaMember.email, userRole: 'TenantUser' });
    const attributes = await attributesOf(alphaMember.email);

    expect(response.status).toBe(409);
    expect(response.body.field).toBe('userName');
    expect(attributes['custom:tenantId']).toBe('usersalpha');
  });

  test('is forbidden to a TenantUser', async () => {
    const response = await callApi(harness, alphaMember.idToken, 'POST', '/users', { email: 'escalate@usersalpha.example.com', userRole: 'TenantAdmin' });
    expect(response.status).toBe(403);
  });
});

describe('tenant user list', () => {
  test('lists only the caller tenant users', async () => {
    const response = await callApi(harness, betaAdmin.idToken, 'GET', '/users');
    const emails = response.body.items.map((user: { email: string }) => user.email);

    expect(response.status).toBe(200);
    expect(emails).toEqual([betaAdmin.email]);
  });

  test('pages with a cursor bound to the tenant', async () => {
    const first = await callApi(harness, alphaAdmin.idToken, 'GET', '/users?limit=1');
    const foreign = await callApi(harness, betaAdmin.idToken, 'GET', `/users?cursor=${first.body.nextCursor}`);

    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(foreign.status).toBe(400);
    expect(foreign.body.field).toBe('cursor');
  });

  test.each(['0', '61', 'all'])('rejects limit %s', async (limit) => {
    const response = await callApi(harness, alphaAdmin.idToken, 'GET', `/users?limit=${limit}`);
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('limit');
  });

  test('is forbidden to a TenantUser', async () => {
    const response = await callApi(harness, alphaMember.idToken, 'GET', '/users');
    expect(response.status).toBe(403);
  });
});

describe('tenant user disable and enable', () => {
  test('disables and enables a user of the tenant', async () => {
    const target = await signedInUser(harness, 'usersalpha', 'BASIC', 'TenantUser', 'toggled');
    const disabled = await callApi(harness, alphaAdmin.idToken, 'POST', `/users/${encodeURIComponent(target.email)}/disable`);
    const signInWhileDisabled = await harness.signIn(target.email, PASSWORD).catch((error: Error) => error);
    const enabled = await callApi(harness, alphaAdmin.idToken, 'POST', `/users/${encodeURIComponent(target.email)}/enable`);
    const signInAfter = await harness.signIn(target.email, PASSWORD);

    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    expect(signInWhileDisabled).toBeInstanceOf(Error);
    expect(enabled.status).toBe(200);
    expect(signInAfter.idToken).toEqual(expect.any(String));
  });

  test('returns 404 for a user of another tenant and leaves it enabled', async () => {
    const response = await callApi(harness, betaAdmin.idToken, 'POST', `/users/${encodeURIComponent(alphaMember.email)}/disable`);
    const user = await harness.cognitoClient.send(new AdminGetUserCommand({ UserPoolId: harness.userPoolId, Username: alphaMember.email }));

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('userName');
    expect(user.Enabled).toBe(true);
  });

  test('returns 404 for a user that does not exist', async () => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', '/users/nobody%40usersalpha.example.com/enable');
    expect(response.status).toBe(404);
  });

  test('rejects an admin disabling their own user', async () => {
    const response = await callApi(harness, alphaAdmin.idToken, 'POST', `/users/${encodeURIComponent(alphaAdmin.email)}/disable`);
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('userName');
  });

  test('is forbidden to a TenantUser', async () => {
    const response = await callApi(harness, alphaMember.idToken, 'POST', `/users/${encodeURIComponent(alphaAdmin.email)}/disable`);
    expect(response.status).toBe(403);
  });
});
