/**
 * Drift detection for one tenant: `terraform plan -detailed-exitcode` of the tenant template
 * against the tenant's own state, in a scratch folder. Terraform exits 0 when the real
 * resources match the configuration, 2 when the plan has changes (drift), and 1 on an error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformEnvironment, runTerraform } from '../../local/terraform-cli';

export type DriftStatus = 'IN_SYNC' | 'DRIFTED' | 'FAILED';

export interface DriftResult {
  readonly tenantId: string;
  readonly status: DriftStatus;
  /** Addresses of the resources the plan would change, with their actions. */
  readonly changes: readonly { readonly address: string; readonly actions: readonly string[] }[];
  /** Terraform's error output when the status is FAILED. */
  readonly error?: string;
  readonly durationMs: number;
}

export interface DriftPlanRequest {
  readonly tenantId: string;
  /** Folder of the Terraform configuration to plan (copied, never changed). */
  readonly templateDir: string;
  /** Backend block written as an override, such as `{ local: { path } }` or `{ s3: {} }`. */
  readonly backend: Readonly<Record<string, unknown>>;
  /** `-backend-config` pairs for `terraform init`. */
  readonly backendConfig?: Readonly<Record<string, string>>;
  /** Values of the configuration's input variables. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Scratch folder; created and removed by the call. */
  readonly workDir: string;
  readonly terraform: TerraformEnvironment;
}

const PLAN_FILE = 'drift.tfplan';

/** Plans one tenant and classifies the result. Any error, Terraform's or the file copy's, becomes a FAILED result. */
export async function planTenantDrift(request: DriftPlanRequest): Promise<DriftResult> {
  const started = Date.now();
  const folder = path.join(request.workDir, request.tenantId);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const failed = (error: string): DriftResult => ({ tenantId: request.tenantId, status: 'FAILED', changes: [], error: error.trim(), durationMs: Date.now() - started });

  try {
    fs.cpSync(request.templateDir, folder, {
      recursive: true,
      // A copied .terraform folder or state would make this plan read another tenant's state.
      filter: (source) => !/(^|\/)\.terraform(\/|$)|\.tfstate(\.backup)?$|\.terraform\.lock\.hcl$/.test(path.relative(request.templateDir, source)),
    });
    fs.writeFileSync(path.join(folder, 'backend_override.tf.json'), JSON.stringify({ terraform: { backend: request.backend } }));
    fs.writeFileSync(path.join(folder, 'drift.auto.tfvars.json'), JSON.stringify(request.variables));

    const backendArgs = Object.entries(request.backendConfig ?? {}).map(([key, value]) => `-backend-config=${key}=${value}`);
    const init = await runTerraform(request.terraform, ['init', '-input=false', '-no-color', ...backendArgs], folder);
    if (init.exitCode !== 0) {
      return failed(`terraform init failed: ${init.stderr || init.stdout}`);
    }

    const plan = await runTerraform(request.terraform, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=true', `-out=${PLAN_FILE}`], folder);
    if (plan.exitCode === 0) {
      return { tenantId: request.tenantId, status: 'IN_SYNC', changes: [], durationMs: Date.now() - started };
    }
    if (plan.exitCode !== 2) {
      return failed(`terraform plan failed: ${plan.stderr || plan.stdout}`);
    }

    const planJson = await runTerraform(request.terraform, ['show', '-json', '-no-color', PLAN_FILE], folder);
    const changes = planJson.exitCode === 0 ? changedResources(planJson.stdout) : [];
    return { tenantId: request.tenantId, status: 'DRIFTED', changes, durationMs: Date.now() - started };
  } catch (error) {
    return failed((error as Error).message);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** Resources whose planned actions are anything but `no-op` or `read`, from `terraform show -json`. */
export function changedResources(planJson: string): { address: string; actions: string[] }[] {
  const plan = JSON.parse(planJson) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
  return (plan.resource_changes ?? [])
    .filter((change) => change.change.actions.some((action) => action !== 'no-op' && action !== 'read'))
    .map((change) => ({ address: change.address, actions: change.change.actions }));
}
