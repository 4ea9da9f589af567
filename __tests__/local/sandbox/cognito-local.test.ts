import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoPortInUseError, findFreeLoopbackPort, startCognitoLocal } from '../../../local/sandbox/cognito-local';

const GUARD_ENDPOINT = 'http://127.0.0.1:9';

function clientFor(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('cognito-local launcher', () => {
  let dataDirectory: string;

  beforeEach(() => {
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-cognito-'));
  });

  afterEach(() => {
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  test('pool, users and issuer persist across restarts', async () => {
    const port = await findFreeLoopbackPort();
    const first = await startCognitoLocal({ dataDirectory, port, unemulatedServiceEndpoint: GUARD_ENDPOINT });
    const client = clientFor(first.endpoint);
    let userPoolId: string;
    try {
      const pool = await client.send(
        new CreateUserPoolCommand({
          PoolName: 'pooled',
          Schema: [{ Name: 'tenantId', AttributeDataType: 'String', Mutable: true }],
        }),
      );
      userPoolId = pool.UserPool!.Id!;
      // Concurrent sign-ups rewrite the pool file while earlier writes may still run.
      await Promise.all(
        Array.from({ length: 25 }, (_, index) =>
          client.send(
            new AdminCreateUserCommand({
              UserPoolId: userPoolId,
              Username: `user${index}@example.test`,
              UserAttributes: [
                { Name: 'email', Value: `user${index}@example.test` },
                { Name: 'custom:tenantId', Value: `tenant${index}` },
              ],
              MessageAction: 'SUPPRESS',
            }),
          ),
        ),
      );
    } finally {
      client.destroy();
      await first.stop();
    }

    const poolFile = path.join(dataDirectory, `${userPoolId}.json`);
    expect(() => JSON.parse(fs.readFileSync(poolFile, 'utf8'))).not.toThrow();

    const second = await startCognitoLocal({ dataDirectory, port, unemulatedServiceEndpoint: GUARD_ENDPOINT });
    const again = clientFor(second.endpoint);
    try {
      const users = await again.send(new ListUsersCommand({ UserPoolId: userPoolId }));
      expect(users.Users).toHaveLength(25);

      const appClient = await again.send(
        new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'web', ExplicitAuthFlows: ['USER_PASSWORD_AUTH'] }),
      );
      await again.send(
        new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: 'user3@example.test', Password: 'Correct-horse-9', Permanent: true }),
      );
      const auth = await again.send(
        new InitiateAuthCommand({
          ClientId: appClient.UserPoolClient!.ClientId!,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'user3@example.test', PASSWORD: 'Correct-horse-9' },
        }),
      );
      const claims = decodePayload(auth.AuthenticationResult!.IdToken!);

      expect(second.endpoint).toBe(`http://127.0.0.1:${port}`);
      expect(claims.iss).toBe(`http://127.0.0.1:${port}/${userPoolId}`);
      expect(claims['custom:tenantId']).toBe('tenant3');
    } finally {
      again.destroy();
      await second.stop();
    }
  });

  test('port taken by another process is reported', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const start = startCognitoLocal({ dataDirectory, port, unemulatedServiceEndpoint: GUARD_ENDPOINT });
      await expect(start).rejects.toThrow(CognitoPortInUseError);
      await expect(startCognitoLocal({ dataDirectory, port, unemulatedServiceEndpoint: GUARD_ENDPOINT })).rejects.toThrow(
        `127.0.0.1:${port}`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
  test('pools accept plain user names', async () => {
    const port = await findFreeLoopbackPort();
    const cognito = await startCognitoLocal({ dataDirectory, port, unemulatedServiceEndpoint: GUARD_ENDPOINT });
    const client = clientFor(cognito.endpoint);
    try {
      const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'control-plane' }));
      const created = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.UserPool!.Id!,
          Username: 'alice',
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: 'alice@example.test' }],
        }),
      );
      expect(created.User?.Username).toBe('alice');
    } finally {
      client.destroy();
      await cognito.stop();
    }
  });
});
