import { APPLICATION_PLANE_HANDLERS } from '../../../lambdas/catalog';
import { SERVICE_ROUTES } from '../../../constructs/application-plane/service-routes';
import { TENANT_DATA_ACTIONS } from '../../../constructs/application-plane/tenant-scoped-role';
import {
  allowedActions,
  findResource,
  listOf,
  referenceTo,
  resourcesOfType,
  roleStatements,
  statementsOf,
  synthesizeApp,
  SynthesizedApp,
} from '../../support/synthesized-app';
import type { TerraformJson } from '../../../constructs/shared/policy-checks';

let app: SynthesizedApp;
let stack: TerraformJson;

beforeAll(() => {
  app = synthesizeApp({ prefix: 'acme', accountId: '111122223333', region: 'eu-west-1' });
  stack = app.stacks['application-plane'];
});

afterAll(() => app.remove());

const tableArn = (name: string) => referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === name, 'arn');

describe('REST API', () => {
  it('takes API keys from the authorizer', () => {
    const api = findResource(stack, 'aws_api_gateway_rest_api', 'name', 'acme-api');
    expect(api.api_key_source).toBe('AUTHORIZER');
  });

  it('has every documented resource path', () => {
    const resources = resourcesOfType(stack, 'aws_api_gateway_resource');
    const pathOf = (name: string): string => {
      const resource = resources[name];
      const parent = /aws_api_gateway_resource\.([^.]+)\.id/.exec(resource.parent_id)?.[1];
      return `${parent ? pathOf(parent) : ''}/${resource.path_part}`;
    };
    expect(Object.keys(resources).map(pathOf).sort()).toEqual(
      [
        '/orders',
        '/orders/{orderId}',
        '/products',
        '/products/{productId}',
        '/users',
        '/users/{userName}',
        '/users/{userName}/disable',
        '/users/{userName}/enable',
      ].sort(),
    );
  });

  it('uses a REQUEST authorizer on the Authorization header without caching', () => {
    const authorizer = listOf(stack, 'aws_api_gateway_authorizer')[0];
    expect(authorizer.type).toBe('REQUEST');
    expect(authorizer.identity_source).toBe('method.request.header.Authorization');
    expect(authorizer.authorizer_result_ttl_in_seconds).toBe(0);
    expect(authorizer.authorizer_uri).toBe(referenceTo(stack, 'aws_lambda_function', (fn) => fn.function_name === 'acme-authorizer', 'invoke_arn'));
  });

  it('requires an API key and the authorizer on every method', () => {
    const methods = listOf(stack, 'aws_api_gateway_method');
    expect(methods).toHaveLength(SERVICE_ROUTES.length);
    for (const method of methods) {
      expect(method.api_key_required).toBe(true);
      expect(method.authorization).toBe('CUSTOM');
      expect(method.authorizer_id).toBe(referenceTo(stack, 'aws_api_gateway_authorizer', () => true, 'id'));
    }
  });

  it('wires each method to its own handler', () => {
    const methods = resourcesOfType(stack, 'aws_api_gateway_method');
    const integrations = listOf(stack, 'aws_api_gateway_integration');
    const handlerByMethod = new Map<string, string>();
    for (const integration of integrations) {
      const methodName = /aws_api_gateway_method\.([^.]+)\.http_method/.exec(integration.http_method)?.[1] as string;
      const fnName = Object.values(resourcesOfType(stack, 'aws_lambda_function')).find(
        (fn) => integration.uri === referenceTo(stack, 'aws_lambda_function', (candidate) => candidate === fn, 'invoke_arn'),
      )?.function_name;
      expect(integration.type).toBe('AWS_PROXY');
      handlerByMethod.set(`${methods[methodName].http_method} ${methodName}`, fnName as string);
    }
    const handlers = [...handlerByMethod.values()];
    expect(new Set(handlers).size).toBe(SERVICE_ROUTES.length);
    for (const route of SERVICE_ROUTES) {
      expect(handlers).toContain(`acme-${route.handler}`);
    }
    const productUpdate = [...handlerByMethod.entries()].find(([key]) => key.startsWith('PUT') && key.includes('products'));
    expect(productUpdate?.[1]).toBe('acme-product-update');
    const orderDelete = [...handlerByMethod.entries()].find(([key]) => key.startsWith('DELETE') && key.includes('orders'));
    expect(orderDelete?.[1]).toBe('acme-order-delete');
  });

  it('redeploys when a route changes', () => {
    const deployment = listOf(stack, 'aws_api_gateway_deployment')[0];
    expect(deployment.triggers.redeployment).toMatch(/^\$\{sha1\(jsonencode\(/);
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('has a traced prod stage with access logs and method throttling', () => {
    const stage = listOf(stack, 'aws_api_gateway_stage')[0];
    expect(stage.stage_name).toBe('prod');
    expect(stage.xray_tracing_enabled).toBe(true);
    expect(JSON.parse(stage.access_log_settings.format).tenantId).toBe('$context.authorizer.tenantId');
    const settings = listOf(stack, 'aws_api_gateway_method_settings')[0];
    expect(settings.method_path).toBe('*/*');
    expect(settings.settings).toMatchObject({ throttling_rate_limit: 1000, throttling_burst_limit: 2000, metrics_enabled: true });
  });

  it('sets the account role for access logs', () => {
    const account = listOf(stack, 'aws_api_gateway_account')[0];
    expect(account.cloudwatch_role_arn).toBe(referenceTo(stack, 'aws_iam_role', (role) => role.name === 'acme-apigateway-logs', 'arn'));
  });
});

describe('usage plans', () => {
  it.each([
    ['BASIC', 50, 50, 1000],
    ['STANDARD', 75, 100, 3000],
    ['PREMIUM', 100, 200, 5000],
  ])('%s allows %d per second, bursts of %d and %d a day', (tier, rate, burst, quota) => {
    const plan = findResource(stack, 'aws_api_gateway_usage_plan', 'name', `acme-${tier}`);
    expect(plan.throttle_settings).toEqual({ rate_limit: rate, burst_limit: burst });
    expect(plan.quota_settings).toEqual({ limit: quota, period: 'DAY' });
    expect(plan.api_stages).toEqual([
      {
        api_id: referenceTo(stack, 'aws_api_gateway_rest_api', () => true, 'id'),
        stage: referenceTo(stack, 'aws_api_gateway_stage', () => true, 'stage_name'),
      },
    ]);
  });

  it('has no plan for the silo tier', () => {
    expect(listOf(stack, 'aws_api_gateway_usage_plan')).toHaveLength(3);
  });
});

describe('published settings', () => {
  it('publishes every setting under the application-plane path', () => {
    const names = listOf(stack, 'aws_ssm_parameter').map((parameter) => parameter.name).sort();
    expect(names).toEqual(
      [
        '/acme/application-plane/api-url',
        '/acme/application-plane/orders-table',
        '/acme/application-plane/products-table',
        '/acme/application-plane/usage-plan-id/BASIC',
        '/acme/application-plane/usage-plan-id/PREMIUM',
        '/acme/application-plane/usage-plan-id/STANDARD',
        '/acme/application-plane/user-pool-client-id',
        '/acme/application-plane/user-pool-id',
      ].sort(),
    );
  });

  it('publishes the usage plan id of each tier', () => {
    const parameter = findResource(stack, 'aws_ssm_parameter', 'name', '/acme/application-plane/usage-plan-id/STANDARD');
    expect(parameter.value).toBe(referenceTo(stack, 'aws_api_gateway_usage_plan', (plan) => plan.name === 'acme-STANDARD', 'id'));
  });
});

describe('pooled tables', () => {
  it.each(['acme-products', 'acme-orders'])('%s is hardened and keyed by tenant', (name) => {
    const table = findResource(stack, 'aws_dynamodb_table', 'name', name);
    expect(table.hash_key).toBe('tenantId');
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.server_side_encryption).toEqual({ enabled: true });
    expect(table.deletion_protection_enabled).toBe(true);
  });
});

describe('user pool', () => {
  it('has the three platform attributes', () => {
    const pool = findResource(stack, 'aws_cognito_user_pool', 'name', 'acme-users');
    const custom = pool.schema.filter((attribute: { name: string }) => attribute.name !== 'email');
    expect(custom.map((attribute: { name: string; mutable: boolean; attribute_data_type: string }) => [attribute.name, attribute.mutable, attribute.attribute_data_type])).toEqual([
      ['tenantId', true, 'String'],
      ['tenantTier', true, 'String'],
      ['userRole', true, 'String'],
    ]);
  });

  it('lets the app client read but not write the platform attributes', () => {
    const client = findResource(stack, 'aws_cognito_user_pool_client', 'name', 'acme-users-app');
    expect(client.write_attributes.filter((attribute: string) => attribute.startsWith('custom:'))).toEqual([]);
    expect(client.read_attributes).toEqual(expect.arrayContaining(['custom:tenantId', 'custom:tenantTier', 'custom:userRole']));
    expect(client.generate_secret).toBe(false);
    expect(client.explicit_auth_flows).toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']));
  });

  it('has the TenantAdmin and TenantUser groups', () => {
    expect(listOf(stack, 'aws_cognito_user_group').map((group) => group.name).sort()).toEqual(['TenantAdmin', 'TenantUser']);
  });
});

describe('tenant-scoped role', () => {
  const role = () => findResource(stack, 'aws_iam_role', 'name', 'acme-tenant-scoped');

  it('trusts only the authorizer role, with a TenantId tag', () => {
    const [statement] = statementsOf(role().assume_role_policy);
    expect(statement.Principal).toEqual({ AWS: [referenceTo(stack, 'aws_iam_role', (candidate) => candidate.name === 'acme-authorizer-role', 'arn')] });
    expect(statement.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(statement.Condition).toEqual({ Null: { 'aws:RequestTag/TenantId': 'false' } });
  });

  it('allows item actions on the tenant\'s own keys only', () => {
    const [statement] = roleStatements(stack, 'acme-tenant-scoped');
    expect(statement.Action).toEqual(TENANT_DATA_ACTIONS);
    expect(statement.Action).not.toContain('dynamodb:Scan');
    expect(statement.Resource).toEqual([tableArn('acme-products'), tableArn('acme-orders')]);
    expect(statement.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['$${aws:PrincipalTag/TenantId}', '$${aws:PrincipalTag/TenantId}#*'] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
  });
});

describe('service functions', () => {
  it('creates one function per application-plane handler', () => {
    const names = listOf(stack, 'aws_lambda_function').map((fn) => fn.function_name).sort();
    expect(names).toEqual(APPLICATION_PLANE_HANDLERS.map((handler) => `acme-${handler.id}`).sort());
  });

  it.each(APPLICATION_PLANE_HANDLERS.map((handler) => handler.id).filter((id) => id !== 'authorizer'))('%s has no table access of its own', (id) => {
    const actions = [...allowedActions(stack, `acme-${id}-role`).keys()];
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('sts:'))).toEqual([]);
  });

  it('authorizer may assume and read', () => {
    const actions = allowedActions(stack, 'acme-authorizer-role');
    expect(actions.get('sts:AssumeRole')).toEqual(['arn:aws:iam::111122223333:role/acme-tenant-scoped']);
    expect(actions.get('sts:TagSession')).toEqual(['arn:aws:iam::111122223333:role/acme-tenant-scoped']);
    expect(actions.get('dynamodb:GetItem')).toEqual(['arn:aws:dynamodb:eu-west-1:111122223333:table/acme-tenants']);
    expect(actions.get('apigateway:GET')).toEqual(['arn:aws:apigateway:eu-west-1::/apikeys/*']);
  });

  it('lets the tenant-user handlers manage the pool\'s users only', () => {
    const pool = referenceTo(stack, 'aws_cognito_user_pool', () => true, 'arn');
    expect(allowedActions(stack, 'acme-tenant-user-create-role').get('cognito-idp:AdminCreateUser')).toEqual([pool]);
    expect(allowedActions(stack, 'acme-tenant-user-list-role').has('cognito-idp:AdminCreateUser')).toBe(false);
  });

  it('tells the functions they serve the pool', () => {
    const variables = findResource(stack, 'aws_lambda_function', 'function_name', 'acme-product-create').environment.variables;
    expect(variables.TENANT_MODEL).toBe('pool');
    expect(variables.TENANT_ID).toBeUndefined();
    expect(variables.TENANTS_TABLE).toBe('acme-tenants');
    expect(variables.TENANT_SCOPED_ROLE_ARN).toBe('arn:aws:iam::111122223333:role/acme-tenant-scoped');
    expect(variables.PRODUCTS_TABLE).toBe(referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === 'acme-products', 'name'));
  });

  it('gives pooled functions the largest pooled tier memory', () => {
    expect(findResource(stack, 'aws_lambda_function', 'function_name', 'acme-order-list').memory_size).toBe(512);
  });
});
