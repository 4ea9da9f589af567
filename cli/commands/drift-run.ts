/**
 * What `tenantform drift` runs: `terraform plan -detailed-exitcode` for each silo tenant (or
 * one) against its own state, comparing it with the tenant template at the version recorded
 * for the tenant.
 *
 * On the local target nothing was ever applied, so each tenant's state is empty and every
 * plan differs. The command warns about it, and the result shows what Terraform would create.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EXIT_FAILURE, EXIT_SUCCESS, OperationError } from '../errors';
import { renderTable, formatDuration } from '../output';
import { tenantLabel } from '../render/tenant-names';
import type { CommandContext } from './command-context';
import type { LocalTarget } from '../targets/local-target';
import type { AwsTarget } from '../targets/aws/aws-target';
import { DriftResult, DriftPlanRequest, planTenantDrift } from './drift-plan';
import { prepareTerraformEnvironment, TerraformEnvironment } from '../../local/terraform-cli';
import type { TenantRecord, TenantStatus } from '../../lambdas/shared/tenant';
import { siloTenants } from '../../lambdas/control-plane/rollout/silo-tenants';
import { TEMPLATE_KEY_PREFIX } from '../../constructs/control-plane/tenant-template-storage';

/** Statuses of silo tenants that have a stack to compare. */
const DEPLOYED_STATUSES: readonly TenantStatus[] = ['ACTIVE', 'INACTIVE', 'UPDATING', 'DEPROVISION_FAILED'];

/** Plans the tenants and returns the exit code: 0 when every tenant is in sync, 1 otherwise. */
export async function detectDrift(context: CommandContext, reference: string | undefined): Promise<number> {
  const target = await context.target();
  const tenants = reference === undefined ? await siloTenants(DEPLOYED_STATUSES) : [await siloTenant(context, reference)];
  const output = context.output;
  if (tenants.length === 0) {
    output.progress('no silo tenant has a stack to compare');
    output.result([], () => '');
    return EXIT_SUCCESS;
  }

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-drift-'));
  try {
    const terraform = prepareTerraformEnvironment(workDir);
    const requestFor =
      target.kind === 'local' ? await localRequests(target as LocalTarget, output.progress.bind(output)) : await awsRequests(context, target as AwsTarget, workDir);
    if (target.kind === 'local') {
      output.warn('local tenants are planned, not applied, so their state is empty and every plan differs; on AWS the same check compares real resources');
    }

    const results: (DriftResult & { readonly tenantName: string })[] = [];
    for (const tenant of tenants) {
      output.progress(`tenant ${tenant.tenantId}: planning version ${tenant.templateVersion ?? 'unknown'} against its state`);
      const request = await requestFor(tenant, terraform, path.join(workDir, 'plans'));
      const result = await planTenantDrift(request);
      output.progress(`tenant ${tenant.tenantId}: ${result.status}${result.error ? `: ${result.error.split('\n')[0]}` : ''}`);
      results.push({ ...result, tenantName: tenant.tenantName });
    }

    output.result(results, () =>
      renderTable(results, [
        { header: 'TENANT', value: (result) => tenantLabel(result.tenantId, result.tenantName) },
        { header: 'STATUS', value: (result) => result.status },
        { header: 'CHANGES', value: (result) => String(result.changes.length) },
        { header: 'TIME', value: (result) => formatDuration(result.durationMs) },
        { header: 'DETAIL', value: (result) => result.error?.split('\n')[0] ?? result.changes.slice(0, 3).map((change) => `${change.address} (${change.actions.join('/')})`).join(', ') },
      ]),
    );
    return results.every((result) => result.status === 'IN_SYNC') ? EXIT_SUCCESS : EXIT_FAILURE;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function siloTenant(context: CommandContext, reference: string): Promise<TenantRecord> {
  const tenant = await context.resolveTenant(reference);
  if (tenant.model !== 'silo') {
    throw new OperationError(`tenant ${tenant.tenantId} is in the pooled tier ${tenant.tier} and has no stack of its own; drift checks silo tenants`, 'tenant');
  }
  return tenant;
}

type RequestBuilder = (tenant: TenantRecord, terraform: TerraformEnvironment, workDir: string) => Promise<DriftPlanRequest>;

function variablesOf(tenant: TenantRecord, version: string): Record<string, string> {
  return { tenant_id: tenant.tenantId, tenant_name: tenant.tenantName, tier: tenant.tier, admin_email: tenant.email, template_version: version };
}

/** Builds plan requests from the sandbox's tenant template and each tenant's local state, where local jobs keep it. */
async function localRequests(target: LocalTarget, progress: (message: string) => void): Promise<RequestBuilder> {
  await target.prepareLifecycle();
  const { ensureTenantTemplate } = await import('../../local/sandbox/tenant-template');
  const template = await ensureTenantTemplate(target.sandbox.directory.templates, target.config, progress);
  const stateRoot = target.sandbox.directory.root;
  return async (tenant, terraform, workDir) => ({
    tenantId: tenant.tenantId,
    templateDir: template.directory,
    backend: { local: { path: path.join(stateRoot, 'tenants', tenant.tenantId, 'terraform.tfstate') } },
    variables: variablesOf(tenant, tenant.templateVersion ?? template.version),
    workDir,
    terraform,
  });
}

/**
 * The tenant template at each tenant's recorded version from the template bucket, and the
 * tenant's state in the state bucket, read with the caller's AWS credentials.
 *
 * NOTE: this path has not run against AWS; it is the same init and plan the provisioning
 * job runs, with the bucket names from the control-plane outputs.
 */
async function awsRequests(context: CommandContext, target: AwsTarget, workDir: string): Promise<RequestBuilder> {
  const { readSettingsFields } = await import('./rollout-aws');
  const { resolveAwsSettingsFile } = await import('../targets/aws/aws-settings');
  const file = resolveAwsSettingsFile(context.options.awsConfig);
  const templateBucket = readSettingsFields(file).get('tenanttemplatebucket');
  if (!templateBucket) {
    throw new OperationError(`${file} has no tenantTemplateBucket; save the control-plane outputs with "terraform output -json", which include tenant_template_bucket`, 'aws-config');
  }
  const s3 = new S3Client({ region: target.settings.region });
  const templates = new Map<string, string>();

  return async (tenant, terraform, plansDir) => {
    const version = tenant.templateVersion;
    if (!version) {
      throw new OperationError(`tenant ${tenant.tenantId} has no recorded template version, so there is no configuration to compare with`, 'tenant');
    }
    let directory = templates.get(version);
    if (!directory) {
      directory = path.join(workDir, 'templates', version);
      fs.mkdirSync(directory, { recursive: true });
      const object = await s3.send(new GetObjectCommand({ Bucket: templateBucket, Key: `${TEMPLATE_KEY_PREFIX}/${version}.zip` }));
      const archive = path.join(workDir, `${version}.zip`);
      fs.writeFileSync(archive, Buffer.from(await object.Body!.transformToByteArray()));
      const unzip = spawnSync('unzip', ['-q', '-o', archive, '-d', directory], { encoding: 'utf8' });
      if (unzip.status !== 0) {
        throw new OperationError(`unzipping tenant template ${version} failed: ${unzip.stderr || unzip.error?.message}`, 'tenant');
      }
      templates.set(version, directory);
    }
    return {
      tenantId: tenant.tenantId,
      templateDir: directory,
      backend: { s3: {} },
      backendConfig: {
        bucket: target.settings.tenantStateBucket,
        key: `tenants/${tenant.tenantId}/terraform.tfstate`,
        region: target.settings.region,
        encrypt: 'true',
        use_lockfile: 'true',
      },
      variables: variablesOf(tenant, version),
      workDir: plansDir,
      terraform,
    };
  };
}
