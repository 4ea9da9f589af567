/**
 * Serves the application-plane harness until Ctrl-C. It onboards two demo tenants of tier
 * BASIC (`demoalpha` and `demobeta`), each with a TenantAdmin and a TenantUser, and prints
 * the API URL and the users' ID tokens, so the API can be tried with curl:
 *
 *   npx ts-node --transpile-only local/application-plane/serve-harness.ts
 *   curl -H "Authorization: Bearer $TOKEN" <url>/products
 *
 * Everything listens on 127.0.0.1 and lives in memory; nothing remains after it stops.
 */
import { buildPlatformConfig } from '../../config/platform-config';
import { startApplicationPlaneHarness } from './harness';

/** Demo password; it meets the stack's password policy and protects nothing outside this process. */
const DEMO_PASSWORD = 'Demo-Passw0rd!';

async function main(): Promise<void> {
  process.env.AWS_REGION ??= 'us-east-1';
  const harness = await startApplicationPlaneHarness({ config: buildPlatformConfig({ prefix: 'tenantform' }) });

  const users: { tenantId: string; role: 'TenantAdmin' | 'TenantUser'; email: string; idToken: string }[] = [];
  for (const tenantId of ['demoalpha', 'demobeta']) {
    await harness.onboardTenant(tenantId, 'BASIC');
    for (const role of ['TenantAdmin', 'TenantUser'] as const) {
      const email = `${role.toLowerCase()}@${tenantId}.example.com`;
      await harness.createUser({ tenantId, tier: 'BASIC', email, role, password: DEMO_PASSWORD });
      users.push({ tenantId, role, email, idToken: (await harness.signIn(email, DEMO_PASSWORD)).idToken });
    }
  }

  process.stdout.write(`${JSON.stringify({ url: harness.url, cognitoEndpoint: harness.cognito.endpoint, userPoolClientId: harness.userPoolClientId, password: DEMO_PASSWORD, users }, null, 2)}\n`);
  process.stderr.write(`application-plane harness listening at ${harness.url}; ID tokens are valid for 60 minutes; press Ctrl-C to stop\n`);

  const stop = () => {
    harness.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`stopping the harness failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`the application-plane harness failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
