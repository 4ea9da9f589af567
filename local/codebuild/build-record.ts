/**
 * The CodeBuild `Build` of a local job, in the shape and casing that Step Functions'
 * `codebuild:startBuild.sync` returns under `Build` (PascalCase field names), so the
 * state machines and `lifecycle-job-outputs` read a local build as they read a real one.
 */

export type LocalBuildStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED';

export interface LocalBuildPhaseContext {
  readonly StatusCode: string;
  readonly Message: string;
}

export interface LocalBuildPhase {
  readonly PhaseType: 'SUBMITTED' | 'INSTALL' | 'BUILD' | 'COMPLETED';
  readonly PhaseStatus?: Exclude<LocalBuildStatus, 'IN_PROGRESS'>;
  readonly StartTime: string;
  readonly EndTime?: string;
  readonly DurationInSeconds?: number;
  readonly Contexts?: readonly LocalBuildPhaseContext[];
}

export interface LocalBuild {
  readonly Id: string;
  readonly Arn: string;
  readonly BuildNumber: number;
  readonly ProjectName: string;
  readonly BuildStatus: LocalBuildStatus;
  readonly CurrentPhase: string;
  readonly BuildComplete: boolean;
  readonly StartTime: string;
  readonly EndTime?: string;
  readonly TimeoutInMinutes: number;
  readonly Initiator: string;
  readonly Phases: readonly LocalBuildPhase[];
  readonly Environment: {
    readonly Type: 'LINUX_CONTAINER';
    readonly Image: string;
    readonly ComputeType: string;
    readonly EnvironmentVariables: readonly { readonly Name: string; readonly Value: string; readonly Type: 'PLAINTEXT' }[];
  };
  /** Local builds have no CloudWatch Logs; the log is a file and `DeepLink` is its file URL. */
  readonly Logs: { readonly GroupName: string; readonly StreamName: string; readonly DeepLink: string };
  readonly ExportedEnvironmentVariables: readonly { readonly Name: string; readonly Value: string }[];
}

/** Raised when a local build ends in any status but SUCCEEDED; carries the failed build. */
export class LocalBuildFailedError extends Error {
  constructor(
    readonly build: LocalBuild,
    /** The job's error output: the last lines of its stderr. */
    readonly errorText: string,
  ) {
    super(`build ${build.Id} ended with status ${build.BuildStatus}: ${errorText || 'the job printed no error output'}`);
    this.name = 'LocalBuildFailedError';
  }
}

/** Parses `NAME=value` lines of an export file; names must be shell variable names. */
export function parseExportFile(text: string): { Name: string; Value: string }[] {
  const variables: { Name: string; Value: string }[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf('=');
    if (separator <= 0) {
      continue;
    }
    const name = line.slice(0, separator);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      variables.push({ Name: name, Value: line.slice(separator + 1) });
    }
  }
  return variables;
}

/** Last `maxLines` non-empty lines of `text`, at most `maxChars` characters, keeping the end. */
export function tailLines(text: string, maxLines = 20, maxChars = 3000): string {
  const lines = text.split('\n').map((line) => line.trimEnd());
  const lastLines = lines.filter((line) => line.trim() !== '').slice(-maxLines).join('\n');
  return lastLines.length > maxChars ? lastLines.slice(lastLines.length - maxChars) : lastLines;
}
