import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { CONSUMER_RULES } from '../../../lambdas/shared/events';
import { CONTROL_PLANE_HANDLERS } from '../../../lambdas/catalog';
import { CONTROL_PLANE_ROUTES } from '../../../constructs/control-plane/control-plane-routes';
import { ControlPlaneStack } from '../../../constructs/control-plane/control-plane-stack';
import { buildPlatformConfig } from '../../../config/platform-config';
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
  stack = app.stacks['control-plane'];
});

afterAll(() => app.remove());

describe('event bus', () => {
  it('has a bus and an archive of it', () => {
    const bus = findResource(stack, 'aws_cloudwatch_event_bus', 'name', 'acme-bus');
    expect(bus).toBeDefined();
    const archive = findResource(stack, 'aws_cloudwatch_event_archive', 'name', 'acme-events-archive');
    expect(archive.event_source_arn).toBe(referenceTo(stack, 'aws_cloudwatch_event_bus', () => true, 'arn'));
    expect(archive.retention_days).toBe(90);
  });

  it.each(CONSUMER_RULES.map((rule) => [rule.name, rule]))('rule %s matches its detail type on the bus', (name, rule) => {
    const eventRule = findResource(stack, 'aws_cloudwatch_event_rule', 'name', `acme-${name}`);
    const source = rule.emittedBy === 'controlPlane' ? 'sbt.control.plane' : 'sbt.application.plane';
    expect(JSON.parse(eventRule.event_pattern)).toEqual({ source: [source], 'detail-type': [rule.detailType] });
    expect(eventRule.event_bus_name).toBe(referenceTo(stack, 'aws_cloudwatch_event_bus', () => true, 'name'));
  });

  const lifecycleRuleNames = [...CONSUMER_RULES.map((rule) => `acme-${rule.name}`), 'acme-execution-failed'];
  const lifecycleRuleRefs = () =>
    lifecycleRuleNames.map((name) => referenceTo(stack, 'aws_cloudwatch_event_rule', (rule) => rule.name === name, 'name'));

  it('gives every lifecycle target a retry policy and its own dead-letter queue', () => {
    const refs = lifecycleRuleRefs();
    const targets = listOf(stack, 'aws_cloudwatch_event_target').filter((target) => refs.includes(target.rule));
    expect(targets).toHaveLength(CONSUMER_RULES.length + 1);
    const queues = new Set<string>();
    for (const target of targets) {
      expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 20 });
      expect(target.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\./);
      queues.add(target.dead_letter_config.arn);
    }
    expect(queues.size).toBe(targets.length);
  });

  it('lets only its own rule send to each dead-letter queue', () => {
    const lifecycleRules = Object.entries(resourcesOfType(stack, 'aws_cloudwatch_event_rule')).filter(([, rule]) => lifecycleRuleNames.includes(rule.name));
    expect(lifecycleRules).toHaveLength(lifecycleRuleNames.length);
    for (const [name, rule] of lifecycleRules) {
      const dlq = findResource(stack, 'aws_sqs_queue', 'name', `${rule.name}-dlq`);
      expect(dlq.sqs_managed_sse_enabled).toBe(true);
      const queueRef = referenceTo(stack, 'aws_sqs_queue', (queue) => queue.name === `${rule.name}-dlq`, 'url');
      const policy = findResource(stack, 'aws_sqs_queue_policy', 'queue_url', queueRef);
      const [statement] = statementsOf(policy.policy);
      expect(statement.Principal).toEqual({ Service: ['events.amazonaws.com'] });
      expect(statement.Action).toBe('sqs:SendMessage');
      expect(statement.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': `\${aws_cloudwatch_event_rule.${name}.arn}` } });
    }
  });

  it('starts state machines through a role that may start only that machine', () => {
    for (const rule of CONSUMER_RULES.filter((candidate) => candidate.target.kind === 'stateMachine')) {
      const ruleRef = referenceTo(stack, 'aws_cloudwatch_event_rule', (candidate) => candidate.name === `acme-${rule.name}`, 'name');
      const target = findResource(stack, 'aws_cloudwatch_event_target', 'rule', ruleRef);
      const machineRef = referenceTo(stack, 'aws_sfn_state_machine', (machine) => machine.name === `acme-${rule.target.id}`, 'arn');
      expect(target.arn).toBe(machineRef);
      const roleName = `acme-${rule.target.id}-events-role`;
      expect(target.role_arn).toBe(referenceTo(stack, 'aws_iam_role', (role) => role.name === roleName, 'arn'));
      expect([...allowedActions(stack, roleName).entries()]).toEqual([['states:StartExecution', [machineRef]]]);
    }
  });

  it('lets each function target be invoked only by its rule', () => {
    for (const rule of CONSUMER_RULES.filter((candidate) => candidate.target.kind === 'function')) {
      const ruleArn = referenceTo(stack, 'aws_cloudwatch_event_rule', (candidate) => candidate.name === `acme-${rule.name}`, 'arn');
      const permission = findResource(stack, 'aws_lambda_permission', 'source_arn', ruleArn);
      expect(permission.principal).toBe('events.amazonaws.com');
      expect(permission.function_name).toBe(referenceTo(stack, 'aws_lambda_function', (fn) => fn.function_name === 'acme-registry-update', 'function_name'));
    }
  });

  it('sends failed, timed-out and aborted executions to the registry updater', () => {
    const rule = findResource(stack, 'aws_cloudwatch_event_rule', 'name', 'acme-execution-failed');
    expect(rule.event_bus_name).toBeUndefined();
    const pattern = JSON.parse(rule.event_pattern);
    expect(pattern.source).toEqual(['aws.states']);
    expect(pattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(pattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    const machines = ['onboarding', 'offboarding', 'activation'].map((id) =>
      referenceTo(stack, 'aws_sfn_state_machine', (machine) => machine.name === `acme-${id}`, 'arn'),
    );
    expect(pattern.detail.stateMachineArn).toEqual(machines);
  });
});

describe('registry-update function', () => {
  it('has an async dead-letter queue it may send to', () => {
    const fn = findResource(stack, 'aws_lambda_function', 'function_name', 'acme-registry-update');
    const queueArn = referenceTo(stack, 'aws_sqs_queue', (queue) => queue.name === 'acme-registry-update-dlq', 'arn');
    expect(fn.dead_letter_config).toEqual({ target_arn: queueArn });
    expect(allowedActions(stack, 'acme-registry-update-role').get('sqs:SendMessage')).toEqual([queueArn]);
  });

  it('limits Lambda async retries', () => {
    const config = listOf(stack, 'aws_lambda_function_event_invoke_config')[0];
    expect(config.maximum_retry_attempts).toBe(2);
    expect(config.maximum_event_age_in_seconds).toBe(3600);
  });
});

describe('registry tables', () => {
  it.each(['acme-tenants', 'acme-tenant-names'])('%s is hardened', (name) => {
    const table = findResource(stack, 'aws_dynamodb_table', 'name', name);
    expect(table.billing_mode).toBe('PAY_PER_REQUEST');
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.server_side_encryption).toEqual({ enabled: true });
    expect(table.deletion_protection_enabled).toBe(true);
  });

  it('indexes tenants by creation, status and tier', () => {
    const table = findResource(stack, 'aws_dynamodb_table', 'name', 'acme-tenants');
    expect(table.hash_key).toBe('tenantId');
    const indexes = table.global_secondary_index.map((index: Record<string, string>) => [index.name, index.hash_key, index.range_key, index.projection_type]);
    expect(indexes).toEqual([
      ['by-created', 'listPartition', 'createdAt', 'ALL'],
      ['by-status', 'status', 'createdAt', 'ALL'],
      ['by-tier', 'tier', 'createdAt', 'ALL'],
    ]);
  });

  it('keys tenant names by the normalised name', () => {
    expect(findResource(stack, 'aws_dynamodb_table', 'name', 'acme-tenant-names').hash_key).toBe('tenantNameKey');
  });
});

describe('control-plane user pool', () => {
  const pool = () => findResource(stack, 'aws_cognito_user_pool', 'name', 'acme-control-plane');

  it('is protected and has a strong password policy', () => {
    expect(pool().deletion_protection).toBe('ACTIVE');
    expect(pool().password_policy).toMatchObject({ minimum_length: 14, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true });
    expect(pool().admin_create_user_config).toEqual({ allow_admin_create_user_only: true });
  });

  it('has the custom:userRole attribute', () => {
    expect(pool().schema.map((attribute: { name: string }) => attribute.name)).toContain('userRole');
  });

  it('has the SystemAdmin and SystemSupport groups', () => {
    expect(listOf(stack, 'aws_cognito_user_group').map((group) => group.name).sort()).toEqual(['SystemAdmin', 'SystemSupport']);
  });

  it('has tenant and user resource servers', () => {
    const servers = listOf(stack, 'aws_cognito_resource_server').map((server) => [server.identifier, server.scope.map((scope: { scope_name: string }) => scope.scope_name)]);
    expect(servers).toEqual([
      ['tenant', ['tenant_read', 'tenant_write']],
      ['user', ['user_read', 'user_write']],
    ]);
  });

  it('has a console client with the code flow and no secret', () => {
    const client = findResource(stack, 'aws_cognito_user_pool_client', 'name', 'acme-control-plane-console');
    expect(client.allowed_oauth_flows).toEqual(['code']);
    expect(client.generate_secret).toBe(false);
    expect(client.allowed_oauth_scopes).toEqual(expect.arrayContaining(['tenant/tenant_read', 'tenant/tenant_write', 'user/user_read', 'user/user_write']));
    expect(client.callback_urls).toEqual(['http://localhost:8080/callback']);
    expect(client.write_attributes).not.toContain('custom:userRole');
  });

  it('has a machine client with client credentials and a secret', () => {
    const client = findResource(stack, 'aws_cognito_user_pool_client', 'name', 'acme-control-plane-machine');
    expect(client.allowed_oauth_flows).toEqual(['client_credentials']);
    expect(client.generate_secret).toBe(true);
    expect(client.allowed_oauth_scopes.sort()).toEqual(['tenant/tenant_read', 'tenant/tenant_write', 'user/user_read', 'user/user_write']);
  });

  it('has a sign-in domain', () => {
    expect(listOf(stack, 'aws_cognito_user_pool_domain')[0].domain).toBe('acme-control-plane-111122223333');
  });
});

describe('control-plane API', () => {
  it('verifies tokens of the control-plane pool for both clients', () => {
    const authorizer = listOf(stack, 'aws_apigatewayv2_authorizer')[0];
    const poolId = referenceTo(stack, 'aws_cognito_user_pool', () => true, 'id');
    expect(authorizer.authorizer_type).toBe('JWT');
    expect(authorizer.jwt_configuration.issuer).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${poolId}`);
    expect(authorizer.jwt_configuration.audience).toHaveLength(2);
  });

  it.each(CONTROL_PLANE_ROUTES.map((route) => [`${route.method} ${route.path}`, route]))('%s has its own handler and scope', (key, route) => {
    const apiRoute = findResource(stack, 'aws_apigatewayv2_route', 'route_key', key);
    if (route.scope === 'public') {
      expect(apiRoute.authorization_type).toBe('NONE');
      expect(apiRoute.authorization_scopes).toBeUndefined();
    } else {
      expect(apiRoute.authorization_type).toBe('JWT');
      expect(apiRoute.authorization_scopes).toEqual([route.scope]);
    }
    const integrationName = /integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}/.exec(apiRoute.target)?.[1] as string;
    const integration = resourcesOfType(stack, 'aws_apigatewayv2_integration')[integrationName];
    const fnArn = referenceTo(stack, 'aws_lambda_function', (fn) => fn.function_name === `acme-${route.handler}`, 'arn');
    expect(integration.integration_uri).toBe(fnArn);
    expect(integration.payload_format_version).toBe('2.0');
  });

  it('has one integration per route', () => {
    const uris = listOf(stack, 'aws_apigatewayv2_integration').map((integration) => integration.integration_uri);
    expect(new Set(uris).size).toBe(CONTROL_PLANE_ROUTES.length);
  });

  it('scopes each Lambda permission to the route in the execution ARN', () => {
    const executionArn = referenceTo(stack, 'aws_apigatewayv2_api', () => true, 'execution_arn');
    const sourceArns = listOf(stack, 'aws_lambda_permission')
      .filter((permission) => permission.principal === 'apigateway.amazonaws.com')
      .map((permission) => permission.source_arn);
    expect(sourceArns).toContain(`${executionArn}/*/GET/tenants/*`);
    expect(sourceArns).toContain(`${executionArn}/*/POST/users/*/disable`);
    expect(sourceArns).toHaveLength(CONTROL_PLANE_ROUTES.length);
  });

  it('logs access and throttles the stage and the public route', () => {
    const stage = listOf(stack, 'aws_apigatewayv2_stage')[0];
    expect(stage.name).toBe('$default');
    expect(stage.access_log_settings.destination_arn).toBe(
      referenceTo(stack, 'aws_cloudwatch_log_group', (group) => group.name === '/aws/apigateway/acme-control-plane-api', 'arn'),
    );
    expect(JSON.parse(stage.access_log_settings.format).requestId).toBe('$context.requestId');
    expect(stage.default_route_settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100 });
    expect(stage.route_settings).toEqual([
      expect.objectContaining({ route_key: 'GET /tenant-config/{tenantName}', throttling_rate_limit: 10, throttling_burst_limit: 20 }),
    ]);
  });
});

describe('control-plane functions', () => {
  it('creates one function per control-plane handler', () => {
    const names = listOf(stack, 'aws_lambda_function').map((fn) => fn.function_name).sort();
    expect(names).toEqual(CONTROL_PLANE_HANDLERS.map((handler) => `acme-${handler.id}`).sort());
  });

  it('sets the shared environment', () => {
    const fn = findResource(stack, 'aws_lambda_function', 'function_name', 'acme-registration-create');
    const variables = fn.environment.variables;
    expect(variables.TENANTS_TABLE).toBe(referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === 'acme-tenants', 'name'));
    expect(variables.EVENT_BUS_NAME).toBe(referenceTo(stack, 'aws_cloudwatch_event_bus', () => true, 'name'));
    expect(variables.CONTROL_PLANE_EVENT_SOURCE).toBe('sbt.control.plane');
    expect(variables.APPLICATION_PLANE_PARAMETER_PATH).toBe('/acme/application-plane');
    expect(JSON.parse(variables.TIERS)).toEqual([
      { name: 'BASIC', model: 'pool' },
      { name: 'STANDARD', model: 'pool' },
      { name: 'PREMIUM', model: 'pool' },
      { name: 'PLATINUM', model: 'silo' },
    ]);
  });

  it('lets the registration handler write only the registry tables and the bus', () => {
    const actions = allowedActions(stack, 'acme-registration-create-role');
    const tenants = referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === 'acme-tenants', 'arn');
    const names = referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === 'acme-tenant-names', 'arn');
    expect(actions.get('dynamodb:PutItem')?.sort()).toEqual([tenants, names].sort());
    expect(actions.get('events:PutEvents')).toEqual([referenceTo(stack, 'aws_cloudwatch_event_bus', () => true, 'arn')]);
    expect(actions.has('dynamodb:Scan')).toBe(false);
  });

  it('lets the list handler query the tenants table and its indexes only', () => {
    const tenants = referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === 'acme-tenants', 'arn');
    expect(allowedActions(stack, 'acme-tenants-list-role').get('dynamodb:Query')).toEqual([tenants, `${tenants}/index/*`]);
  });

  it.each(['acme-tenants-activate-role', 'acme-tenants-deactivate-role'])('lets %s only read the tenant and publish', (role) => {
    const tenants = referenceTo(stack, 'aws_dynamodb_table', (table) => table.name === 'acme-tenants', 'arn');
    const actions = allowedActions(stack, role);
    expect(actions.get('dynamodb:GetItem')).toEqual([tenants]);
    expect([...actions.keys()].filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:GetItem']);
    expect(actions.has('events:PutEvents')).toBe(true);
  });

  it('grants tenant user pools by platform tag', () => {
    const statement = roleStatements(stack, 'acme-lifecycle-create-admin-role').find((candidate) => candidate.Sid === 'ManageTenantUsers');
    expect(statement?.Resource).toBe('arn:aws:cognito-idp:eu-west-1:111122223333:userpool/*');
    expect(statement?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/Platform': 'acme' } });
  });

  it('reads application-plane settings under their path only', () => {
    const resources = allowedActions(stack, 'acme-lifecycle-provision-pool-role').get('ssm:GetParametersByPath');
    expect(resources).toEqual([
      'arn:aws:ssm:eu-west-1:111122223333:parameter/acme/application-plane',
      'arn:aws:ssm:eu-west-1:111122223333:parameter/acme/application-plane/*',
    ]);
  });

  it('gives the validation handler nothing beyond logs and traces', () => {
    expect([...allowedActions(stack, 'acme-lifecycle-validate-event-role').keys()].sort()).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    );
  });
});

describe('lifecycle state machines', () => {
  it.each(['onboarding', 'offboarding', 'activation'])('%s is traced and logs without execution data', (id) => {
    const machine = findResource(stack, 'aws_sfn_state_machine', 'name', `acme-${id}`);
    expect(machine.type).toBe('STANDARD');
    expect(machine.tracing_configuration).toEqual({ enabled: true });
    expect(machine.logging_configuration.include_execution_data).toBe(false);
    expect(machine.logging_configuration.level).toBe('ALL');
    const logGroup = referenceTo(stack, 'aws_cloudwatch_log_group', (group) => group.name === `/aws/vendedlogs/states/acme-${id}`, 'arn');
    expect(machine.logging_configuration.log_destination).toBe(`${logGroup}:*`);
    expect(machine.definition).not.toMatch(/\$\{(?!aws_)/);
  });

  it('lets the onboarding machine run the provisioning project', () => {
    const project = referenceTo(stack, 'aws_codebuild_project', (candidate) => candidate.name === 'acme-tenant-provisioning', 'arn');
    expect(allowedActions(stack, 'acme-onboarding-sfn-role').get('codebuild:StartBuild')).toEqual([project]);
  });

  it('lets the activation machine run no build', () => {
    expect(allowedActions(stack, 'acme-activation-sfn-role').has('codebuild:StartBuild')).toBe(false);
  });

  it('trusts Step Functions for its own machine only', () => {
    const role = findResource(stack, 'aws_iam_role', 'name', 'acme-onboarding-sfn-role');
    const [statement] = statementsOf(role.assume_role_policy);
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:states:eu-west-1:111122223333:stateMachine:acme-onboarding' },
    });
  });
});

describe('provisioning', () => {
  const project = () => findResource(stack, 'aws_codebuild_project', 'name', 'acme-tenant-provisioning');

  it('runs the job with the configured Terraform and timeout', () => {
    const variables = Object.fromEntries(project().environment.environment_variable.map((variable: { name: string; value: string }) => [variable.name, variable.value]));
    expect(variables.TERRAFORM_VERSION).toBe('1.11.4');
    expect(variables.STATE_BUCKET).toBe(referenceTo(stack, 'aws_s3_bucket', (bucket) => bucket.bucket === 'acme-tenant-state-111122223333', 'bucket'));
    expect(variables.TEMPLATE_BUCKET).toBe(referenceTo(stack, 'aws_s3_bucket', (bucket) => bucket.bucket === 'acme-tenant-templates-111122223333', 'bucket'));
    expect(variables.TEMPLATE_PREFIX).toBe('tenant-template');
    expect(variables.AWS_REGION).toBe('eu-west-1');
    expect(project().build_timeout).toBe(60);
    expect(project().environment.image).toBe('aws/codebuild/amazonlinux-x86_64-standard:5.0');
  });

  it('takes the buildspec from the job folder with Terraform escapes', () => {
    const buildspec: string = project().source.buildspec;
    expect(buildspec).toContain('source ./provision-tenant.sh');
    expect(buildspec).toContain('$${TERRAFORM_VERSION}');
    expect(buildspec).not.toMatch(/(^|[^$])\$\{TERRAFORM_VERSION\}/);
  });

  it('reads its source archive from the template bucket', () => {
    const object = listOf(stack, 'aws_s3_object')[0];
    expect(object.key).toMatch(/^jobs\/provisioning-[0-9A-F]{32}\.zip$/);
    expect(project().source.type).toBe('S3');
    expect(fs.existsSync(path.join(app.outdir, 'stacks', 'control-plane', object.source))).toBe(true);
  });

  it('may touch only tenant state keys', () => {
    const stateArn = referenceTo(stack, 'aws_s3_bucket', (bucket) => bucket.bucket === 'acme-tenant-state-111122223333', 'arn');
    const actions = allowedActions(stack, 'acme-tenant-provisioning-role');
    expect(actions.get('s3:PutObject')).toEqual([`${stateArn}/tenants/*`]);
    expect(actions.get('s3:DeleteObject')).toEqual([`${stateArn}/tenants/*`]);
  });

  it('manages only resources named with the prefix', () => {
    const actions = allowedActions(stack, 'acme-tenant-provisioning-role');
    expect(actions.get('dynamodb:CreateTable')).toEqual(['arn:aws:dynamodb:eu-west-1:111122223333:table/acme-*']);
    expect(actions.get('lambda:CreateFunction')).toEqual(['arn:aws:lambda:eu-west-1:111122223333:function:acme-*']);
    expect(actions.get('iam:CreateRole')).toEqual(['arn:aws:iam::111122223333:role/acme-*']);
  });

  it('passes roles to Lambda only', () => {
    const statement = roleStatements(stack, 'acme-tenant-provisioning-role').find((candidate) => candidate.Sid === 'PassTenantRolesToLambda');
    expect(statement?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
  });

  it.each(['acme-tenant-state-111122223333', 'acme-tenant-templates-111122223333'])('bucket %s denies requests without TLS', (name) => {
    const bucketRef = referenceTo(stack, 'aws_s3_bucket', (bucket) => bucket.bucket === name, 'id');
    const policy = findResource(stack, 'aws_s3_bucket_policy', 'bucket', bucketRef);
    const [statement] = statementsOf(policy.policy);
    expect(statement.Effect).toBe('Deny');
    expect(statement.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(findResource(stack, 'aws_s3_bucket_ownership_controls', 'bucket', bucketRef).rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('starts the template version at 0.0.0 and leaves later values to releases', () => {
    const parameter = findResource(stack, 'aws_ssm_parameter', 'name', '/acme/control-plane/tenant-template-version');
    expect(parameter.value).toBe('0.0.0');
    expect(parameter.lifecycle).toEqual({ ignore_changes: ['value'] });
  });
});

describe('outputs', () => {
  it('exposes what operators and other stacks need', () => {
    expect(Object.keys((stack as { output: Record<string, unknown> }).output)).toEqual(
      expect.arrayContaining([
        'activation_state_machine_arn',
        'api_url',
        'event_bus_arn',
        'event_bus_name',
        'machine_client_id',
        'offboarding_state_machine_arn',
        'onboarding_state_machine_arn',
        'provisioning_project_name',
        'sign_in_domain',
        'tenant_state_bucket',
        'tenant_template_bucket',
        'user_client_id',
        'user_pool_id',
      ]),
    );
  });
});

describe('missing inputs', () => {
  let folder: string;

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-control-plane-'));
  });

  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('fails without a buildspec and names the file', () => {
    const build = () => new ControlPlaneStack(new App({ outdir: folder }), 'control-plane', { config: buildPlatformConfig({}), jobDirectory: folder });
    expect(build).toThrow(`the provisioning job's buildspec "${path.join(folder, 'buildspec.yml')}" does not exist`);
  });

  it('fails without a state machine definition and names the file', () => {
    const build = () =>
      new ControlPlaneStack(new App({ outdir: folder }), 'control-plane', { config: buildPlatformConfig({}), stateMachineDirectory: folder });
    expect(build).toThrow(`state machine definition "${path.join(folder, 'onboarding.asl.json')}" does not exist`);
  });
});
