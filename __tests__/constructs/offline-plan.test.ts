/**
 * Proves the synthesised stacks offline: each passes `terraform init` (provider from the
 * local mirror), `validate` and `plan` with the real hashicorp/aws provider, through an HTTP
 * proxy on 127.0.0.1 that records any request, so a plan that reached AWS would show up.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { buildApp, STACK_IDS } from '../../main';
import { buildPlatformConfig, poolTiers } from '../../config/platform-config';
import { CONSUMER_RULES } from '../../lambdas/shared/events';
import { APPLICATION_PLANE_HANDLERS, CONTROL_PLANE_HANDLERS } from '../../lambdas/catalog';
import { CONTROL_PLANE_TABLES } from '../../constructs/shared/table-specs';
import { OFFLINE_PLAN_ENV } from '../../constructs/shared/aws-provider';
import { TenantScopedRole } from '../../constructs/application-plane/tenant-scoped-role';
import {
  assertTerraformSucceeded,
  prepareTerraformEnvironment,
  runTerraform,
  TerraformEnvironment,
  TerraformResult,
  TerraformUnavailableError,
} from '../../local/terraform-cli';
import type { StackId } from '../support/synthesized-app';

jest.setTimeout(600_000);

const config = buildPlatformConfig({});
const TENANT_VARIABLES = ['-var', 'tenant_id=acme2024', '-var', 'tenant_name=Acme Corp', '-var', 'tier=PLATINUM'];

interface PlannedStack {
  readonly counts: Record<string, number>;
  readonly resources: { type: string; values: Record<string, unknown> }[];
  readonly millis: Record<string, number>;
}

let workDir: string;
let outdir: string;
let terraform: TerraformEnvironment;
let proxy: http.Server;
const proxiedRequests: string[] = [];
const plans = {} as Record<StackId, PlannedStack>;

/** Runs init, validate, plan and show in `directory`, and counts the planned creations by type. */
async function planStack(directory: string, planArguments: readonly string[] = []): Promise<PlannedStack> {
  const millis: Record<string, number> = {};
  const timed = async (command: string, args: string[]): Promise<TerraformResult> => {
    const started = Date.now();
    const result = assertTerraformSucceeded(await runTerraform(terraform, args, directory), command);
    millis[command] = Date.now() - started;
    return result;
  };
  await timed('init', ['init', '-input=false', '-no-color']);
  await timed('validate', ['validate', '-no-color']);
  await timed('plan', ['plan', '-input=false', '-no-color', '-lock=false', '-out=plan.out', ...planArguments]);
  const shown = await timed('show', ['show', '-json', 'plan.out']);

  const plan = JSON.parse(shown.stdout) as {
    resource_changes: { type: string; change: { actions: string[]; after: Record<string, unknown> } }[];
  };
  const counts: Record<string, number> = {};
  const resources: PlannedStack['resources'] = [];
  for (const change of plan.resource_changes) {
    expect(change.change.actions).toEqual(['create']);
    counts[change.type] = (counts[change.type] ?? 0) + 1;
    resources.push({ type: change.type, values: change.change.after });
  }
  return { counts, resources, millis };
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-offline-plan-'));
  outdir = path.join(workDir, 'cdktf.out');
  terraform = prepareTerraformEnvironment(workDir);

  proxy = http.createServer((request, response) => {
    proxiedRequests.push(`${request.method} ${request.url}`);
    response.writeHead(502).end();
  });
  proxy.on('connect', (request, socket) => {
    proxiedRequests.push(`CONNECT ${request.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  terraform = { ...terraform, env: { ...terraform.env, HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, NO_PROXY: '' } };

  buildApp(config, outdir).synth();
  const results = await Promise.all(
    STACK_IDS.map((id) => planStack(path.join(outdir, 'stacks', id), id === 'tenant-template' ? TENANT_VARIABLES : [])),
  );
  STACK_IDS.forEach((id, index) => {
    plans[id] = results[index];
    process.stderr.write(`offline plan ${id}: ${JSON.stringify(results[index].millis)} ms, ${results[index].resources.length} resources\n`);
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('offline plans', () => {
  it('reach no network', () => {
    expect(proxiedRequests).toEqual([]);
  });

  it('use no data sources', () => {
    for (const id of STACK_IDS) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
      expect(json.data).toBeUndefined();
    }
  });

  it('pin hashicorp/aws 5.100.0', () => {
    for (const id of STACK_IDS) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
      expect(json.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '5.100.0' });
      expect(json.terraform.required_version).toBe('>= 1.10.0');
      const lock = fs.readFileSync(path.join(outdir, 'stacks', id, '.terraform.lock.hcl'), 'utf8');
      expect(lock).toContain('provider "registry.terraform.io/hashicorp/aws"');
      expect(lock).toContain('version     = "5.100.0"');
    }
  });

  it('plan the control plane', () => {
    const { counts, resources } = plans['control-plane'];
    const namesOf = (type: string) => resources.filter((resource) => resource.type === type).map((resource) => resource.values.name);
    const lifecycleRules = [...CONSUMER_RULES.map((rule) => `tenantform-${rule.name}`), 'tenantform-execution-failed'];
    expect(counts.aws_cloudwatch_event_bus).toBe(1);
    expect(counts.aws_cloudwatch_event_archive).toBe(1);
    // Other parts of the control plane, such as the deployment pipeline, may add rules of their own.
    expect(namesOf('aws_cloudwatch_event_rule')).toEqual(expect.arrayContaining(lifecycleRules));
    expect(namesOf('aws_cloudwatch_event_rule').filter((name) => lifecycleRules.includes(name as string))).toHaveLength(CONSUMER_RULES.length + 1);
    expect(namesOf('aws_sqs_queue')).toEqual(expect.arrayContaining([...lifecycleRules.map((name) => `${name}-dlq`), 'tenantform-registry-update-dlq']));
    expect(namesOf('aws_sfn_state_machine')).toEqual(expect.arrayContaining(['tenantform-onboarding', 'tenantform-offboarding', 'tenantform-activation']));
    // The provisioning project, and the build and deploy projects of the deployment pipeline.
    expect(counts.aws_codebuild_project).toBe(3);
    expect(counts.aws_codepipeline).toBe(1);
    expect(counts.aws_dynamodb_table).toBe(Object.keys(CONTROL_PLANE_TABLES).length);
    expect(counts.aws_cognito_user_pool).toBe(1);
    expect(counts.aws_apigatewayv2_api).toBe(1);
    expect(counts.aws_lambda_function).toBe(CONTROL_PLANE_HANDLERS.length);
    const buckets = resources.filter((resource) => resource.type === 'aws_s3_bucket').map((resource) => resource.values.bucket);
    expect(buckets).toEqual(expect.arrayContaining(['tenantform-tenant-state-123456789012', 'tenantform-tenant-templates-123456789012']));
  });

  it('plan the pooled application plane', () => {
    const { counts } = plans['application-plane'];
    expect(counts.aws_api_gateway_rest_api).toBe(1);
    expect(counts.aws_api_gateway_usage_plan).toBe(poolTiers(config).length);
    expect(counts.aws_cognito_user_pool).toBe(1);
    expect(counts.aws_dynamodb_table).toBe(2);
    expect(counts.aws_lambda_function).toBe(APPLICATION_PLANE_HANDLERS.length);
    expect(counts.aws_ssm_parameter).toBe(5 + poolTiers(config).length);
  });

  it('plan a silo tenant from the template', () => {
    const { counts, resources } = plans['tenant-template'];
    expect(counts.aws_api_gateway_rest_api).toBe(1);
    expect(counts.aws_api_gateway_usage_plan).toBe(1);
    expect(counts.aws_api_gateway_api_key).toBe(1);
    expect(counts.aws_api_gateway_usage_plan_key).toBe(1);
    expect(counts.aws_cognito_user_pool).toBe(1);
    expect(counts.aws_dynamodb_table).toBe(2);
    expect(counts.aws_lambda_function).toBe(APPLICATION_PLANE_HANDLERS.length);

    const fn = resources.find((resource) => resource.type === 'aws_lambda_function' && resource.values.function_name === 'tenantform-acme2024-product-create');
    expect(fn?.values.memory_size).toBe(1024);
    expect(fn?.values.reserved_concurrent_executions).toBe(20);
    expect(fn?.values.tags).toMatchObject({ TenantId: 'acme2024', Tier: 'PLATINUM', Platform: 'tenantform' });
    const plan = resources.find((resource) => resource.type === 'aws_api_gateway_usage_plan');
    expect(plan?.values.name).toBe('tenantform-acme2024-PLATINUM');
    expect(plan?.values.quota_settings).toEqual([{ limit: 10000, offset: 0, period: 'DAY' }]);
  });
});

describe('tenant template variables', () => {
  const templateDir = () => path.join(outdir, 'stacks', 'tenant-template');
  const plan = (...variables: string[]) => runTerraform(terraform, ['plan', '-input=false', '-no-color', '-lock=false', ...variables], templateDir());

  it('rejects a bad tenant id', async () => {
    const result = await plan('-var', 'tenant_id=Acme_2024', '-var', 'tenant_name=Acme', '-var', 'tier=PLATINUM');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('tenant_id must be 4 to 20 lowercase letters or digits');
  });

  it('rejects a pool tier', async () => {
    const result = await plan('-var', 'tenant_id=acme2024', '-var', 'tenant_name=Acme', '-var', 'tier=BASIC');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('tier must be a silo tier: one of PLATINUM');
  });

  it('rejects a bad admin email', async () => {
    const result = await plan(...TENANT_VARIABLES, '-var', 'admin_email=not-an-email');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('admin_email must be an email address');
  });

  it('rejects a bad template version', async () => {
    const result = await plan(...TENANT_VARIABLES, '-var', 'template_version=../v2');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('template_version must be 1 to 64 letters');
  });

  it('plans the template version as an output', async () => {
    const result = await runTerraform(
      terraform,
      ['plan', '-input=false', '-no-color', '-lock=false', '-out=versioned.out', ...TENANT_VARIABLES, '-var', 'template_version=1.4.0-3f2a9c1'],
      templateDir(),
    );
    expect(result.exitCode).toBe(0);
    const planJson = await runTerraform(terraform, ['show', '-json', 'versioned.out'], templateDir());
    expect(JSON.parse(planJson.stdout).planned_values.outputs.template_version).toMatchObject({ sensitive: false, value: '1.4.0-3f2a9c1' });
  });
});

describe('tenant-scoped policy', () => {
  it('reaches AWS with the PrincipalTag variable unescaped', async () => {
    const directory = path.join(workDir, 'scoped-role');
    const app = new App({ outdir: directory });
    const stack = new TerraformStack(app, 'scoped-role');
    new AwsProvider(stack, 'aws', {
      region: 'us-east-1',
      accessKey: 'offline-plan',
      secretKey: 'offline-plan',
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: 'true',
    });
    new TenantScopedRole(stack, 'role', {
      roleName: 'acme-tenant-scoped',
      authorizerRoleArn: 'arn:aws:iam::123456789012:role/acme-authorizer-role',
      tableArns: ['arn:aws:dynamodb:us-east-1:123456789012:table/acme-products'],
    });
    app.synth();

    const planned = await planStack(path.join(directory, 'stacks', 'scoped-role'));
    const policy = planned.resources.find((resource) => resource.type === 'aws_iam_role_policy')?.values.policy as string;
    const condition = JSON.parse(policy).Statement[0].Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'];
    expect(condition).toEqual(['${aws:PrincipalTag/TenantId}', '${aws:PrincipalTag/TenantId}#*']);
    expect(proxiedRequests).toEqual([]);
  });
});

describe('provider configuration', () => {
  it('has no dummy credentials or skipped checks without the offline flag', () => {
    const previous = process.env[OFFLINE_PLAN_ENV];
    delete process.env[OFFLINE_PLAN_ENV];
    try {
      const directory = path.join(workDir, 'online');
      buildApp(config, directory).synth();
      for (const id of STACK_IDS) {
        const json = JSON.parse(fs.readFileSync(path.join(directory, 'stacks', id, 'cdk.tf.json'), 'utf8'));
        expect(json.provider.aws).toEqual([{ region: 'us-east-1' }]);
      }
    } finally {
      process.env[OFFLINE_PLAN_ENV] = previous;
    }
  });
});

describe('terraform tool chain', () => {
  it('fails without a terraform binary', () => {
    const attempt = () => prepareTerraformEnvironment(path.join(workDir, 'no-binary'), { PATH: path.join(workDir, 'empty-path') });
    expect(attempt).toThrow(TerraformUnavailableError);
    expect(attempt).toThrow('terraform was not found on PATH');
  });

  it('fails without the provider mirror', () => {
    const missing = path.join(workDir, 'no-mirror');
    const attempt = () => prepareTerraformEnvironment(path.join(workDir, 'mirror-check'), { PATH: process.env.PATH, TENANTFORM_PROVIDER_MIRROR: missing });
    expect(attempt).toThrow(TerraformUnavailableError);
    expect(attempt).toThrow(`no filesystem mirror of hashicorp/aws 5.100.0 was found in TENANTFORM_PROVIDER_MIRROR="${missing}"`);
  });
});
