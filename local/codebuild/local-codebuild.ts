/**
 * Runs the provisioning job (`jobs/provision-tenant.sh`) on this machine the way the
 * CodeBuild project runs it, for the local sandbox and for tests. Each build is one bash
 * child process in local mode (`JOB_MODE=local`, so Terraform stops at plan), with the
 * environment of a `StartBuild` call. The combined output is streamed to a log file, and
 * the result is the `Build` that `startBuild.sync` would return.
 *
 * Differences from CodeBuild: no container and no install phase (Terraform comes from
 * PATH, through the offline CLI configuration of `local/terraform-cli.ts`), only PLAINTEXT
 * variables, and the log is a local file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { randomUUID } from 'crypto';
import { prepareTerraformEnvironment } from '../terraform-cli';
import { LocalBuild, LocalBuildFailedError, LocalBuildPhase, LocalBuildStatus, parseExportFile, tailLines } from './build-record';

/** Default location of the job script, relative to this file. */
export const DEFAULT_JOB_SCRIPT = path.resolve(__dirname, '..', '..', 'jobs', 'provision-tenant.sh');

/** The fields of a StartBuild request that the state machines send. */
export interface StartBuildParameters {
  readonly ProjectName: string;
  readonly EnvironmentVariablesOverride?: readonly { readonly Name: string; readonly Value: string; readonly Type?: string }[];
  /** Minutes before the build is stopped; overrides `timeoutInMinutes`. */
  readonly TimeoutInMinutesOverride?: number;
}

export interface LocalCodeBuildOptions {
  /** Folder for build logs and working folders, and for the Terraform CLI configuration. */
  readonly workDir: string;
  /** The synthesised tenant-template stack folder (the one holding `cdk.tf.json`). */
  readonly templateDir: string;
  /** Root of the local Terraform states; each tenant's is `tenants/<tenantId>/terraform.tfstate`. */
  readonly stateRoot: string;
  /** @default DEFAULT_JOB_SCRIPT */
  readonly scriptPath?: string;
  /** Variables the CodeBuild project itself sets, below the StartBuild overrides. */
  readonly projectEnvironment?: Readonly<Record<string, string>>;
  /** @default 60, CodeBuild's default build timeout */
  readonly timeoutInMinutes?: number;
  /** @default process.env.AWS_REGION or us-east-1 */
  readonly region?: string;
  /** @default 000000000000 */
  readonly accountId?: string;
  /** Environment that PATH, HOME and the Terraform lookup variables are taken from. @default process.env */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** Stops the running build (status STOPPED) when aborted. */
  readonly signal?: AbortSignal;
}

/** Variables copied from the base environment into the job; nothing else leaks into it. */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TENANTFORM_PROVIDER_MIRROR', 'TENANTFORM_TERRAFORM_BIN'];

/** Variables that the runner sets and a StartBuild override must not replace. */
const RESERVED_VARIABLES = new Set(['JOB_MODE', 'TEMPLATE_DIR', 'STATE_ROOT', 'EXPORT_FILE', 'JOB_WORK_ROOT', 'TF_CLI_CONFIG_FILE', 'PATH']);

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

let buildCounter = 0;

/**
 * Runs one build and resolves with the SUCCEEDED build. Rejects with
 * `LocalBuildFailedError` (carrying the FAILED, TIMED_OUT or STOPPED build and the last
 * lines of the job's stderr) otherwise, and with a plain Error for invalid parameters.
 */
export async function runLocalBuild(parameters: StartBuildParameters, options: LocalCodeBuildOptions): Promise<LocalBuild> {
  const overrides = checkOverrides(parameters);
  const projectName = parameters.ProjectName;
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const timeoutInMinutes = parameters.TimeoutInMinutesOverride ?? options.timeoutInMinutes ?? 60;
  const scriptPath = options.scriptPath ?? DEFAULT_JOB_SCRIPT;

  buildCounter += 1;
  const buildId = `${projectName}:${randomUUID()}`;
  const buildDir = path.join(options.workDir, 'builds', buildId.replace(/[^A-Za-z0-9._-]/g, '_'));
  fs.mkdirSync(path.join(buildDir, 'work'), { recursive: true });
  const logFile = path.join(buildDir, 'build.log');
  const exportFile = path.join(buildDir, 'exports.env');

  const baseEnv = options.baseEnv ?? process.env;
  const inherited = Object.fromEntries(INHERITED_VARIABLES.filter((name) => baseEnv[name] !== undefined).map((name) => [name, baseEnv[name] as string]));
  const terraform = prepareTerraformEnvironment(path.join(options.workDir, 'terraform'), inherited);
  const environment: Record<string, string> = {
    ...(terraform.env as Record<string, string>),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: region,
    CODEBUILD_BUILD_ID: buildId,
    CODEBUILD_SRC_DIR: path.dirname(scriptPath),
    ...(options.projectEnvironment ?? {}),
    ...Object.fromEntries(overrides.map((variable) => [variable.Name, variable.Value])),
    JOB_MODE: 'local',
    TEMPLATE_DIR: options.templateDir,
    STATE_ROOT: options.stateRoot,
    EXPORT_FILE: exportFile,
    JOB_WORK_ROOT: path.join(buildDir, 'work'),
  };

  const startTime = new Date();
  const outcome = await runJob(scriptPath, environment, logFile, timeoutInMinutes * 60_000, options.signal);
  const endTime = new Date();

  const status = buildStatus(outcome);
  const errorText = status === 'SUCCEEDED' ? '' : tailLines(outcome.stderr);
  const exported = status === 'SUCCEEDED' && fs.existsSync(exportFile) ? parseExportFile(fs.readFileSync(exportFile, 'utf8')) : [];

  const build: LocalBuild = {
    Id: buildId,
    Arn: `arn:aws:codebuild:${region}:${accountId}:build/${buildId}`,
    BuildNumber: buildCounter,
    ProjectName: projectName,
    BuildStatus: status,
    CurrentPhase: 'COMPLETED',
    BuildComplete: true,
    StartTime: startTime.toISOString(),
    EndTime: endTime.toISOString(),
    TimeoutInMinutes: timeoutInMinutes,
    Initiator: 'local-sandbox',
    Phases: buildPhases(startTime, endTime, status, outcome.exitCode, errorText, path.basename(scriptPath)),
    Environment: {
      Type: 'LINUX_CONTAINER',
      Image: 'local',
      ComputeType: 'BUILD_GENERAL1_SMALL',
      EnvironmentVariables: overrides.map((variable) => ({ Name: variable.Name, Value: variable.Value, Type: 'PLAINTEXT' as const })),
    },
    Logs: { GroupName: 'local', StreamName: path.basename(buildDir), DeepLink: `file://${logFile}` },
    ExportedEnvironmentVariables: exported,
  };

  if (status !== 'SUCCEEDED') {
    throw new LocalBuildFailedError(build, errorText);
  }
  return build;
}

function checkOverrides(parameters: StartBuildParameters): { Name: string; Value: string }[] {
  if (typeof parameters.ProjectName !== 'string' || parameters.ProjectName === '') {
    throw new Error('StartBuild parameter ProjectName is missing');
  }
  return (parameters.EnvironmentVariablesOverride ?? []).map((variable, index) => {
    if (typeof variable.Name !== 'string' || !VARIABLE_NAME.test(variable.Name)) {
      throw new Error(`EnvironmentVariablesOverride[${index}].Name ${JSON.stringify(variable.Name)} is not a variable name`);
    }
    if (RESERVED_VARIABLES.has(variable.Name)) {
      throw new Error(`EnvironmentVariablesOverride[${index}].Name ${variable.Name} is set by the local runner and cannot be overridden`);
    }
    if (variable.Type !== undefined && variable.Type !== 'PLAINTEXT') {
      throw new Error(`EnvironmentVariablesOverride[${index}].Type ${variable.Type} is not supported locally; only PLAINTEXT is`);
    }
    if (typeof variable.Value !== 'string') {
      throw new Error(`EnvironmentVariablesOverride[${index}].Value of ${variable.Name} must be a string, got ${JSON.stringify(variable.Value)}`);
    }
    return { Name: variable.Name, Value: variable.Value };
  });
}

interface JobOutcome {
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly stopped: boolean;
}

function runJob(scriptPath: string, env: Record<string, string>, logFile: string, timeoutMs: number, signal?: AbortSignal): Promise<JobOutcome> {
  return new Promise((resolve, reject) => {
    const log = fs.createWriteStream(logFile);
    // A process group of its own lets a timeout or abort stop Terraform too, not only bash.
    const child = spawn('bash', [scriptPath], { env, cwd: path.dirname(logFile), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let stopped = false;

    const stop = () => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // The group has already exited.
        }
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = () => {
      stopped = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort);

    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      // Only the end of stderr is reported, so keep a bounded tail.
      stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      log.end();
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      log.end(() => resolve({ exitCode, stderr, timedOut, stopped }));
    });
  });
}

type FinalStatus = Exclude<LocalBuildStatus, 'IN_PROGRESS'>;

/** Status code of the failed phase's context, as CodeBuild reports each final status. */
const FAILURE_STATUS_CODES: Record<FinalStatus, string> = {
  SUCCEEDED: '',
  FAILED: 'COMMAND_EXECUTION_ERROR',
  TIMED_OUT: 'BUILD_TIMED_OUT',
  STOPPED: 'BUILD_STOPPED',
};

function buildStatus(outcome: JobOutcome): FinalStatus {
  if (outcome.timedOut) {
    return 'TIMED_OUT';
  }
  if (outcome.stopped) {
    return 'STOPPED';
  }
  return outcome.exitCode === 0 ? 'SUCCEEDED' : 'FAILED';
}

function buildPhases(
  start: Date,
  end: Date,
  status: FinalStatus,
  exitCode: number | null,
  errorText: string,
  scriptName: string,
): LocalBuildPhase[] {
  const duration = Math.round((end.getTime() - start.getTime()) / 1000);
  const contexts =
    status === 'SUCCEEDED'
      ? []
      : [
          {
            StatusCode: FAILURE_STATUS_CODES[status],
            Message: `Error while executing command: bash ${scriptName}. Reason: ${exitCode === null ? 'stopped' : `exit status ${exitCode}`}${errorText ? `\n${errorText}` : ''}`,
          },
        ];
  return [
    { PhaseType: 'SUBMITTED', PhaseStatus: 'SUCCEEDED', StartTime: start.toISOString(), EndTime: start.toISOString(), DurationInSeconds: 0 },
    { PhaseType: 'BUILD', PhaseStatus: status, StartTime: start.toISOString(), EndTime: end.toISOString(), DurationInSeconds: duration, Contexts: contexts },
    { PhaseType: 'COMPLETED', StartTime: end.toISOString() },
  ];
}
