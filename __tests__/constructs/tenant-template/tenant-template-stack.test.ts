import * as fs from 'fs';
import * as path from 'path';
import { findResource, listOf, referenceTo, resourcesOfType, roleStatements, synthesizeApp, SynthesizedApp } from '../../support/synthesized-app';
import { isTaggableType } from '../../../constructs/shared/policy-checks/resources-tagged';
import type { TerraformJson } from '../../../constructs/shared/policy-checks';

let app: SynthesizedApp;
let stack: TerraformJson & { variable: Record<string, any>; output: Record<string, any>; locals: Record<string, any>; terraform: Record<string, any> };

beforeAll(() => {
  app = synthesizeApp({
    prefix: 'acme',
    accountId: '111122223333',
    tiers: [
      { name: 'BASIC', model: 'pool', rateLimit: 50, burstLimit: 50, dailyQuota: 1000, lambdaMemoryMb: 256 },
      { name: 'PLATINUM', model: 'silo', rateLimit: 300, burstLimit: 300, dailyQuota: 10000, lambdaMemoryMb: 1024, reservedConcurrency: 20 },
      { name: 'DIAMOND', model: 'silo', rateLimit: 500, burstLimit: 800, dailyQuota: 50000, lambdaMemoryMb: 2048 },
    ],
  });
  stack = app.stacks['tenant-template'] as typeof stack;
});

afterAll(() => app.remove());

describe('variables', () => {
  it('validates the tenant id with the platform pattern', () => {
    const [validation] = stack.variable.tenant_id.validation;
    expect(validation.condition).toBe('${can(regex("^[a-z0-9]{4,20}$", var.tenant_id))}');
    expect(validation.error_message).toContain('tenant_id must be 4 to 20 lowercase letters or digits');
  });

  it('accepts only the silo tiers', () => {
    const [validation] = stack.variable.tier.validation;
    expect(validation.condition).toBe('${contains(["PLATINUM","DIAMOND"], var.tier)}');
    expect(validation.error_message).toContain('one of PLATINUM, DIAMOND');
  });

  it('makes the admin email optional', () => {
    expect(stack.variable.admin_email.default).toBe('');
    expect(stack.variable.tenant_name.default).toBeUndefined();
  });

  it('protects data from deletion unless offboarding turns it off', () => {
    expect(stack.variable.deletion_protection).toMatchObject({ type: 'bool', default: true });
    expect(stack.variable.template_version).toMatchObject({ type: 'string', default: 'unversioned' });
    const table = findResource(stack, 'aws_dynamodb_table', 'name', 'acme-${var.tenant_id}-products');
    expect(table.deletion_protection_enabled).toBe('${var.deletion_protection}');
    const pool = listOf(stack, 'aws_cognito_user_pool')[0];
    expect(pool.deletion_protection).toBe('${var.deletion_protection ? "ACTIVE" : "INACTIVE"}');
  });

  it('holds the settings of every silo tier', () => {
    expect(stack.locals.tier_settings).toEqual({
      PLATINUM: { rate_limit: 300, burst_limit: 300, daily_quota: 10000, lambda_memory_mb: 1024, reserved_concurrency: 20 },
      DIAMOND: { rate_limit: 500, burst_limit: 800, daily_quota: 50000, lambda_memory_mb: 2048, reserved_concurrency: -1 },
    });
  });
});

describe('resources', () => {
  it('has no backend block', () => {
    expect(stack.terraform.backend).toBeUndefined();
  });

  it('names every named resource after the tenant', () => {
    const nameAttributes = ['name', 'function_name', 'bucket'];
    for (const [type, resources] of Object.entries(stack.resource ?? {})) {
      for (const resource of Object.values(resources)) {
        for (const attribute of nameAttributes) {
          const value = resource[attribute];
          if (typeof value === 'string' && !value.startsWith('${aws_') && type !== 'aws_cognito_user_group' && type !== 'aws_iam_role_policy' && type !== 'aws_api_gateway_authorizer') {
            expect(`${type} ${value}`).toContain('${var.tenant_id}');
          }
        }
      }
    }
  });

  it('tags every taggable resource with the tenant and tier', () => {
    let tagged = 0;
    for (const [type, resources] of Object.entries(stack.resource ?? {})) {
      if (!isTaggableType(type)) {
        continue;
      }
      for (const resource of Object.values(resources)) {
        expect(resource.tags).toMatchObject({ TenantId: '${var.tenant_id}', Tier: '${var.tier}', Platform: 'acme' });
        tagged++;
      }
    }
    expect(tagged).toBeGreaterThan(40);
  });

  it('sizes functions from the tier settings', () => {
    const fn = findResource(stack, 'aws_lambda_function', 'function_name', 'acme-${var.tenant_id}-product-create');
    expect(fn.memory_size).toBe('${local.tier_settings[var.tier].lambda_memory_mb}');
    expect(fn.reserved_concurrent_executions).toBe('${local.tier_settings[var.tier].reserved_concurrency}');
    expect(fn.environment.variables.TENANT_MODEL).toBe('silo');
    expect(fn.environment.variables.TENANT_ID).toBe('${var.tenant_id}');
  });

  it('keeps the Lambda bundles in the stack folder', () => {
    const folder = path.join(app.outdir, 'stacks', 'tenant-template');
    for (const fn of listOf(stack, 'aws_lambda_function')) {
      expect(fn.filename).toMatch(/^assets\//);
      expect(fs.existsSync(path.join(folder, fn.filename))).toBe(true);
    }
  });

  it('binds the tenant API key to a usage plan of its tier', () => {
    const key = findResource(stack, 'aws_api_gateway_api_key', 'name', 'acme-${var.tenant_id}');
    expect(key.enabled).toBe(true);
    const plan = findResource(stack, 'aws_api_gateway_usage_plan', 'name', 'acme-${var.tenant_id}-${var.tier}');
    expect(plan.throttle_settings).toEqual({
      rate_limit: '${local.tier_settings[var.tier].rate_limit}',
      burst_limit: '${local.tier_settings[var.tier].burst_limit}',
    });
    expect(plan.quota_settings).toEqual({ limit: '${local.tier_settings[var.tier].daily_quota}', period: 'DAY' });
    const binding = listOf(stack, 'aws_api_gateway_usage_plan_key')[0];
    expect(binding.key_id).toBe(referenceTo(stack, 'aws_api_gateway_api_key', () => true, 'id'));
    expect(binding.usage_plan_id).toBe(referenceTo(stack, 'aws_api_gateway_usage_plan', () => true, 'id'));
  });

  it('does not set the account-level API Gateway role', () => {
    expect(listOf(stack, 'aws_api_gateway_account')).toEqual([]);
  });

  it('scopes tenant credentials to the tenant tables', () => {
    const [statement] = roleStatements(stack, 'acme-${var.tenant_id}-tenant-scoped');
    const tables = Object.keys(resourcesOfType(stack, 'aws_dynamodb_table')).map((name) => `\${aws_dynamodb_table.${name}.arn}`);
    expect(([] as string[]).concat(statement.Resource ?? []).sort()).toEqual(tables.sort());
  });

  it('uses the admin email as the reply-to address when set', () => {
    const pool = listOf(stack, 'aws_cognito_user_pool')[0];
    expect(pool.email_configuration.reply_to_email_address).toBe('${var.admin_email == "" ? null : var.admin_email}');
  });
});

describe('outputs', () => {
  it('exposes what the provisioning job exports', () => {
    expect(Object.keys(stack.output).sort()).toEqual([
      'api_key_id',
      'api_url',
      'orders_table_name',
      'products_table_name',
      'template_version',
      'user_pool_client_id',
      'user_pool_id',
    ]);
    expect(stack.output.template_version.value).toBe('${var.template_version}');
  });
});
