/**
 * Records of each silo tenant's last provisioning job and the Terraform files it left: the
 * job record (`tenants/<tenantId>/job.json`), the kept working folder with the saved plan,
 * and the JSON of that plan, made once with `terraform show -json` and cached next to the
 * record.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { LocalBuild } from '../codebuild';
import { assertTerraformSucceeded, prepareTerraformEnvironment, runTerraform } from '../terraform-cli';
import type { StateDirectory } from './state-directory';
import { writeJsonAtomically } from './state-directory';

export interface TenantJob {
  readonly tenantId: string;
  /** `provision`, `update` or `deprovision`. */
  readonly action: string;
  readonly buildId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly logFile: string;
  /** The job's kept working folder, whose `template/` contains the Terraform configuration and plan. */
  readonly workDirectory?: string;
}

/** Terraform files of a tenant, as text, with where they were read from. */
export type TenantTerraformFiles =
  | { readonly kind: 'state'; readonly location: string; readonly text: string }
  | { readonly kind: 'plan'; readonly location: string; readonly text: string };

const PLAN_FILE = 'tenant.tfplan';

export class TenantJobStore {
  constructor(private readonly directory: StateDirectory) {}

  /** Stores the record of a finished build and removes the working folder of the tenant's previous job. */
  record(tenantId: string, build: LocalBuild, action: string, startedAt: string): TenantJob {
    const logFile = build.Logs.DeepLink.replace(/^file:\/\//, '');
    const workRoot = path.join(path.dirname(logFile), 'work');
    const workFolder = fs.existsSync(workRoot) ? fs.readdirSync(workRoot).find((entry) => entry.startsWith('tenant-job.')) : undefined;
    const job: TenantJob = {
      tenantId,
      action,
      buildId: build.Id,
      status: build.BuildStatus,
      startedAt,
      ...(build.EndTime ? { finishedAt: build.EndTime } : {}),
      logFile,
      ...(workFolder ? { workDirectory: path.join(workRoot, workFolder) } : {}),
    };

    const previous = this.read(tenantId);
    if (previous?.workDirectory && previous.workDirectory !== job.workDirectory) {
      fs.rmSync(path.dirname(path.dirname(previous.workDirectory)), { recursive: true, force: true });
    }
    fs.rmSync(this.planJsonFile(tenantId), { force: true });
    writeJsonAtomically(this.recordFile(tenantId), job);
    return job;
  }

  read(tenantId: string): TenantJob | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.recordFile(tenantId), 'utf8')) as TenantJob;
    } catch {
      return undefined;
    }
  }

  /**
   * Returns the tenant's local state when it has resources in it, else the JSON of the
   * saved plan of its last successful job, else undefined.
   */
  async readTerraformFiles(tenantId: string): Promise<TenantTerraformFiles | undefined> {
    const stateFile = path.join(this.directory.tenantJob(tenantId), 'terraform.tfstate');
    if (fs.existsSync(stateFile)) {
      const text = fs.readFileSync(stateFile, 'utf8');
      if (/"resources"\s*:\s*\[\s*\{/.test(text)) {
        return { kind: 'state', location: stateFile, text };
      }
    }

    const job = this.read(tenantId);
    const templateDirectory = job?.workDirectory ? path.join(job.workDirectory, 'template') : undefined;
    if (!job || job.status !== 'SUCCEEDED' || !templateDirectory || !fs.existsSync(path.join(templateDirectory, PLAN_FILE))) {
      return undefined;
    }
    const location = path.join(templateDirectory, PLAN_FILE);
    const cached = this.planJsonFile(tenantId);
    if (!fs.existsSync(cached)) {
      const terraform = prepareTerraformEnvironment(path.join(this.directory.root, 'codebuild', 'terraform'));
      const result = assertTerraformSucceeded(await runTerraform(terraform, ['show', '-json', '-no-color', PLAN_FILE], templateDirectory), 'show -json');
      fs.writeFileSync(cached, result.stdout);
    }
    return { kind: 'plan', location, text: fs.readFileSync(cached, 'utf8') };
  }

  private recordFile(tenantId: string): string {
    return path.join(this.directory.tenantJob(tenantId), 'job.json');
  }

  private planJsonFile(tenantId: string): string {
    return path.join(this.directory.tenantJob(tenantId), 'plan.json');
  }
}
