/**
 * IAM proof of tenant isolation on the synthesised stacks: the tenant-scoped role's policy,
 * its trust policy and the functions' own roles are evaluated with an IAM simulator, with
 * the session tag `TenantId` standing for the tenant the authorizer assumed the role for.
 */
import { buildPlatformConfig } from '../../config/platform-config';
import { evaluateIdentityPolicy, IamDecision } from '../../local/application-plane/iam-evaluation';
import { harnessPolicies, HARNESS_CONFIG } from '../local/application-plane/harness-support';
import {
  functionRoleId,
  resolvePolicy,
  resourcesOf,
  rolePolicies,
  synthesiseStacks,
  SynthesisedStacks,
  tenantScopedRole,
  TerraformJson,
} from './synthesized-stacks';

// The harness prefix, so the synthesised policies can be compared with the ones the harness enforces.
const config = buildPlatformConfig({ prefix: HARNESS_CONFIG.prefix });
const ACCOUNT = config.accountId;
const tableArn = (name: string) => `arn:aws:dynamodb:${config.region}:${ACCOUNT}:table/${name}`;
const PRODUCTS = tableArn(`${config.prefix}-products`);
const ORDERS = tableArn(`${config.prefix}-orders`);
const SCOPED_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${config.prefix}-tenant-scoped/tenant-ab`;

const ITEM_ACTIONS = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'ConditionCheckItem'];

let synthesised: SynthesisedStacks;
let pooled: TerraformJson;
let scopedPolicy: any;

beforeAll(() => {
  synthesised = synthesiseStacks(config);
  pooled = synthesised.stacks['application-plane'];
  const { policies } = tenantScopedRole(pooled);
  expect(policies).toHaveLength(1);
  scopedPolicy = resolvePolicy(pooled, policies[0], config);
});

afterAll(() => {
  synthesised?.remove();
});

/** Evaluates a DynamoDB request of a session tagged with `tenantId`; `null` means a session without the tag. */
function asTenant(policy: unknown, action: string, resourceArn: string, leadingKeys: string[] | undefined, tenantId: string | null = 'ab'): Promise<IamDecision> {
  return evaluateIdentityPolicy(policy, {
    action: `dynamodb:${action}`,
    resourceArn,
    principalArn: SCOPED_SESSION,
    accountId: ACCOUNT,
    principalTags: tenantId === null ? { Tier: 'BASIC' } : { TenantId: tenantId, Tier: 'BASIC' },
    context: leadingKeys === undefined ? {} : { 'dynamodb:LeadingKeys': leadingKeys },
  });
}

describe('tenant-scoped role of the pooled stack', () => {
  const allowedKeys: [string, string[]][] = [
    ['its own key', ['ab']],
    ['a key under its delimiter', ['ab#1']],
    ['a nested key under its delimiter', ['ab#orders#2026']],
    ['several of its own keys', ['ab', 'ab#2']],
  ];

  for (const table of [PRODUCTS, ORDERS]) {
    for (const action of ITEM_ACTIONS) {
      test.each(allowedKeys)(`allows ${action} on ${table.split('/')[1]} for %s`, async (_, keys) => {
        expect(await asTenant(scopedPolicy, action, table, keys)).toBe('Allowed');
      });
    }
  }

  const deniedKeys: [string, string[] | undefined][] = [
    ['another tenant key', ['cd']],
    ['a prefix extension of its id', ['abc']],
    ['a prefix extension with a delimiter', ['abc#1']],
    ['a prefix of its id', ['a']],
    ['its id without the delimiter', ['ab1']],
    ['another delimiter', ['ab-1']],
    ['its key with another tenant key', ['ab', 'cd']],
    ['a wildcard-looking key', ['ab*']],
    ['no leading keys', undefined],
  ];

  for (const action of ITEM_ACTIONS) {
    test.each(deniedKeys)(`denies ${action} on products for %s`, async (_, keys) => {
      expect(await asTenant(scopedPolicy, action, PRODUCTS, keys)).not.toBe('Allowed');
    });
  }

  test('catches the prefix defect of an id-star pattern', async () => {
    // A policy that allows `<tenant id>*` lets `ab` reach `abc`; the simulator must tell the two apart.
    const flawed = JSON.parse(JSON.stringify(scopedPolicy).replace('"${aws:PrincipalTag/TenantId}#*"', '"${aws:PrincipalTag/TenantId}*"'));
    expect(await asTenant(flawed, 'GetItem', PRODUCTS, ['abc'])).toBe('Allowed');
    expect(await asTenant(scopedPolicy, 'GetItem', PRODUCTS, ['abc'])).not.toBe('Allowed');
  });

  test('denies a scan', async () => {
    expect(await asTenant(scopedPolicy, 'Scan', PRODUCTS, undefined)).not.toBe('Allowed');
  });

  test('denies a session without the TenantId tag', async () => {
    expect(await asTenant(scopedPolicy, 'GetItem', PRODUCTS, ['ab'], null)).not.toBe('Allowed');
  });

  test.each([
    ['the tenant registry', tableArn(`${config.prefix}-tenants`)],
    ['the tenant names table', tableArn(`${config.prefix}-tenant-names`)],
    ['a registry index', `${tableArn(`${config.prefix}-tenants`)}/index/by-status`],
    ['an index of the products table', `${PRODUCTS}/index/any`],
    ['another table', tableArn('someone-else-products')],
  ])('denies every item action on %s', async (_, resource) => {
    for (const action of [...ITEM_ACTIONS, 'Scan']) {
      expect(await asTenant(scopedPolicy, action, resource, ['ab'])).not.toBe('Allowed');
    }
  });

  test.each(['DescribeTable', 'DeleteTable', 'UpdateTable', 'CreateBackup', 'ExportTableToPointInTime', 'PartiQLSelect'])('denies %s on the products table', async (action) => {
    expect(await asTenant(scopedPolicy, action, PRODUCTS, ['ab'])).not.toBe('Allowed');
  });
});

describe('trust policy of the tenant-scoped role', () => {
  let trustPolicy: any;
  let authorizerRoleArn: string;
  let productRoleArn: string;
  const scopedRoleArn = `arn:aws:iam::${ACCOUNT}:role/${config.prefix}-tenant-scoped`;

  beforeAll(() => {
    const functions = resourcesOf(pooled, 'aws_lambda_function');
    const roleArnOf = (handler: string) => {
      const entry = functions.find(([, fn]) => String(fn.function_name).endsWith(`-${handler}`));
      const role = pooled.resource.aws_iam_role[functionRoleId(entry?.[1] ?? {})];
      return `arn:aws:iam::${ACCOUNT}:role/${role.name}`;
    };
    authorizerRoleArn = roleArnOf('authorizer');
    productRoleArn = roleArnOf('product-get');
    const { role } = tenantScopedRole(pooled);
    const roleReference = /\$\{aws_iam_role\.([\w-]+)\.arn\}/;
    trustPolicy = JSON.parse(
      String(role.assume_role_policy).replace(new RegExp(roleReference.source, 'g'), (_, id: string) => `arn:aws:iam::${ACCOUNT}:role/${pooled.resource.aws_iam_role[id].name}`),
    );
  });

  const assume = (principal: string, tags: Record<string, string>) =>
    evaluateIdentityPolicy(
      { Version: '2012-10-17', Statement: [] },
      {
        action: 'sts:AssumeRole',
        resourceArn: scopedRoleArn,
        principalArn: principal,
        accountId: ACCOUNT,
        resourcePolicy: trustPolicy,
        context: Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
      },
    );

  test('lets the authorizer role assume it with a TenantId tag', async () => {
    expect(await assume(authorizerRoleArn, { TenantId: 'ab' })).toBe('Allowed');
  });

  test('denies the authorizer role without a TenantId tag', async () => {
    expect(await assume(authorizerRoleArn, {})).not.toBe('Allowed');
  });

  test('denies a service function role', async () => {
    expect(await assume(productRoleArn, { TenantId: 'ab' })).not.toBe('Allowed');
  });
});

/** Replaces references to resources other than tables with an ARN no DynamoDB request matches. */
function withoutOtherReferences(policy: string): string {
  return policy.replace(/\$\{(?!aws_dynamodb_table\.)(aws_[\w-]+\.[\w-]+\.arn)\}/g, 'arn:aws:example:us-east-1:1:$1');
}

describe('function roles of the pooled stack', () => {
  test('no service function role may touch the service tables', async () => {
    const functions = resourcesOf(pooled, 'aws_lambda_function');
    expect(functions.length).toBeGreaterThan(10);

    for (const [, lambdaFunction] of functions) {
      const roleId = functionRoleId(lambdaFunction);
      for (const policy of rolePolicies(pooled, roleId)) {
        const resolved = resolvePolicy(pooled, withoutOtherReferences(policy), config);
        for (const table of [PRODUCTS, ORDERS]) {
          for (const action of [...ITEM_ACTIONS, 'Scan']) {
            const decision = await evaluateIdentityPolicy(resolved, {
              action: `dynamodb:${action}`,
              resourceArn: table,
              principalArn: `arn:aws:iam::${ACCOUNT}:role/${lambdaFunction.function_name}`,
              accountId: ACCOUNT,
              context: { 'dynamodb:LeadingKeys': ['ab'] },
            });
            expect(`${lambdaFunction.function_name} ${action} ${decision}`).toBe(`${lambdaFunction.function_name} ${action} ImplicitlyDenied`);
          }
        }
      }
    }
  });
});

describe('tenant-scoped role of the tenant template', () => {
  let siloPolicy: any;
  const siloProducts = tableArn(`${config.prefix}-siloab-products`);

  beforeAll(() => {
    const template = synthesised.stacks['tenant-template'];
    const { policies } = tenantScopedRole(template);
    siloPolicy = resolvePolicy(template, policies[0], config, { tenant_id: 'siloab' });
  });

  test('allows the silo tenant its own key', async () => {
    expect(await asTenant(siloPolicy, 'GetItem', siloProducts, ['siloab'], 'siloab')).toBe('Allowed');
  });

  test.each([['silocd'], ['siloabc'], ['silo']])('denies key %s', async (key) => {
    expect(await asTenant(siloPolicy, 'GetItem', siloProducts, [key], 'siloab')).not.toBe('Allowed');
  });

  test('denies the pooled tables', async () => {
    expect(await asTenant(siloPolicy, 'GetItem', PRODUCTS, ['siloab'], 'siloab')).not.toBe('Allowed');
  });
});

describe('Cognito app clients of all three stacks', () => {
  const clients = () =>
    (['control-plane', 'application-plane', 'tenant-template'] as const).flatMap((stackId) =>
      resourcesOf(synthesised.stacks[stackId], 'aws_cognito_user_pool_client').map(([id, client]) => ({ name: `${stackId}/${id}`, client })),
    );

  test('exist in every stack', () => {
    const stacks = new Set(clients().map(({ name }) => name.split('/')[0]));
    expect([...stacks].sort()).toEqual(['application-plane', 'control-plane', 'tenant-template']);
  });

  test('set write_attributes explicitly', () => {
    for (const { name, client } of clients()) {
      expect(`${name}: ${Array.isArray(client.write_attributes)}`).toBe(`${name}: true`);
    }
  });

  test.each(['custom:tenantId', 'custom:tenantTier', 'custom:userRole'])('cannot write %s', (attribute) => {
    for (const { name, client } of clients()) {
      expect(`${name}: ${(client.write_attributes ?? []).includes(attribute)}`).toBe(`${name}: false`);
    }
  });
});

describe('harness policies', () => {
  const dynamoStatements = (policy: any) =>
    (policy.Statement as any[])
      .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('dynamodb:')))
      .map(({ Sid: _sid, ...statement }) => ({ ...statement, Action: [statement.Action].flat(), Resource: [statement.Resource].flat() }));

  test('enforce the synthesised tenant-scoped policy', () => {
    expect(dynamoStatements(harnessPolicies().scopedRole)).toEqual(dynamoStatements(scopedPolicy));
  });

  test('enforce the synthesised authorizer table access', () => {
    const functions = resourcesOf(pooled, 'aws_lambda_function');
    const authorizer = functions.find(([, fn]) => String(fn.function_name).endsWith('-authorizer'))?.[1];
    const policies = rolePolicies(pooled, functionRoleId(authorizer ?? {})).map((policy) =>
      resolvePolicy(pooled, withoutOtherReferences(policy), config),
    );
    expect(dynamoStatements(harnessPolicies().authorizerRole)).toEqual(policies.flatMap(dynamoStatements));
  });

  test('configure the synthesised app client attributes', () => {
    const [, client] = resourcesOf(pooled, 'aws_cognito_user_pool_client')[0];
    expect(harnessPolicies().clientWriteAttributes).toEqual(client.write_attributes);
    expect(harnessPolicies().clientReadAttributes).toEqual(client.read_attributes);
  });
});
