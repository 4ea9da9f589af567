/**
 * The optional `pipeline` section of the platform configuration: where the deployment
 * pipeline takes its source from, and how the rollout it starts splits the silo tenants.
 * Without the section the pipeline reads `source/tenantform.zip` from its artifact bucket
 * and rolls out with the rollout's defaults.
 */
import { MAX_ROLLOUT_CONCURRENCY } from '../lambdas/control-plane/rollout/rollout-model';
import { parseWaveSpec } from '../lambdas/control-plane/rollout/wave-spec';

export interface PipelineConnectionConfig {
  /** ARN of an AVAILABLE CodeStar (CodeConnections) connection to the source host. */
  readonly arn: string;
  /** Repository as `owner/name`. */
  readonly repository: string;
  /** @default 'main' */
  readonly branch?: string;
}

export interface PipelineRolloutConfig {
  /** Wave spec, such as `canary:1,25%,100%`. */
  readonly waves?: string;
  /** Tenants updated at the same time within a wave, 1 to 40. */
  readonly concurrency?: number;
  /** Share of a wave's tenants that may fail before the rollout halts, 0 to 100. */
  readonly toleratedFailurePercentage?: number;
  /** Waits for `tenantform rollout approve` after each wave. */
  readonly approveBetweenWaves?: boolean;
}

export interface PipelineConfig {
  /** Creates the pipeline in the control-plane stack. @default true */
  readonly enabled?: boolean;
  /** Key of the source archive in the pipeline's bucket; not used with `connection`. @default 'source/tenantform.zip' */
  readonly sourceObjectKey?: string;
  /** Takes the source from a repository through a CodeStar connection instead of S3. */
  readonly connection?: PipelineConnectionConfig;
  readonly rollout?: PipelineRolloutConfig;
}

export const DEFAULT_SOURCE_OBJECT_KEY = 'source/tenantform.zip';
export const DEFAULT_SOURCE_BRANCH = 'main';

const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// Git refuses branch names with spaces, `..`, `~^:?*[\`, or a leading or trailing `/` or `.`.
const BRANCH = /^(?!\/|.*\/$|.*\.\.|.*\.$)[A-Za-z0-9._/-]{1,255}$/;
const OBJECT_KEY = /^(?!\/)[A-Za-z0-9!_.*'()\/-]{1,1024}\.zip$/;

const KNOWN = {
  pipeline: ['enabled', 'sourceObjectKey', 'connection', 'rollout'],
  connection: ['arn', 'repository', 'branch'],
  rollout: ['waves', 'concurrency', 'toleratedFailurePercentage', 'approveBetweenWaves'],
} as const;

/** Adds one problem per invalid field of `pipeline` to `problems`. */
export function validatePipelineConfig(pipeline: unknown, problems: string[]): void {
  if (pipeline === undefined) {
    return;
  }
  if (!isObject(pipeline)) {
    problems.push(`pipeline must be an object, got ${JSON.stringify(pipeline)}`);
    return;
  }
  unknownFields('pipeline', pipeline, KNOWN.pipeline, problems);

  const { enabled, sourceObjectKey, connection, rollout } = pipeline as PipelineConfig;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    problems.push(`pipeline.enabled ${JSON.stringify(enabled)} must be true or false`);
  }
  if (sourceObjectKey !== undefined && (typeof sourceObjectKey !== 'string' || !OBJECT_KEY.test(sourceObjectKey))) {
    problems.push(`pipeline.sourceObjectKey ${JSON.stringify(sourceObjectKey)} must be an S3 key of letters, digits and !_.*'()/- that ends in .zip`);
  }
  if (connection !== undefined) {
    validateConnection(connection, problems);
    if (sourceObjectKey !== undefined) {
      problems.push('pipeline.sourceObjectKey is only used with the S3 source; remove it or remove pipeline.connection');
    }
  }
  if (rollout !== undefined) {
    validateRollout(rollout, problems);
  }
}

function validateConnection(connection: unknown, problems: string[]): void {
  if (!isObject(connection)) {
    problems.push(`pipeline.connection must be an object with arn, repository and branch, got ${JSON.stringify(connection)}`);
    return;
  }
  unknownFields('pipeline.connection', connection, KNOWN.connection, problems);
  const { arn, repository, branch } = connection as Partial<PipelineConnectionConfig>;
  if (typeof arn !== 'string' || !CONNECTION_ARN.test(arn)) {
    problems.push(
      `pipeline.connection.arn ${JSON.stringify(arn)} is not a connection ARN such as ` +
        'arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666',
    );
  }
  if (typeof repository !== 'string' || !REPOSITORY.test(repository)) {
    problems.push(`pipeline.connection.repository ${JSON.stringify(repository)} must be owner/name`);
  }
  if (branch !== undefined && (typeof branch !== 'string' || !BRANCH.test(branch))) {
    problems.push(`pipeline.connection.branch ${JSON.stringify(branch)} is not a valid Git branch name`);
  }
}

function validateRollout(rollout: unknown, problems: string[]): void {
  if (!isObject(rollout)) {
    problems.push(`pipeline.rollout must be an object, got ${JSON.stringify(rollout)}`);
    return;
  }
  unknownFields('pipeline.rollout', rollout, KNOWN.rollout, problems);
  const { waves, concurrency, toleratedFailurePercentage, approveBetweenWaves } = rollout as PipelineRolloutConfig;
  if (waves !== undefined) {
    try {
      parseWaveSpec(String(waves));
    } catch (error) {
      problems.push(`pipeline.rollout.waves: ${(error as Error).message}`);
    }
  }
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_ROLLOUT_CONCURRENCY)) {
    problems.push(`pipeline.rollout.concurrency ${JSON.stringify(concurrency)} must be a whole number from 1 to ${MAX_ROLLOUT_CONCURRENCY}`);
  }
  if (toleratedFailurePercentage !== undefined && (typeof toleratedFailurePercentage !== 'number' || !(toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 100))) {
    problems.push(`pipeline.rollout.toleratedFailurePercentage ${JSON.stringify(toleratedFailurePercentage)} must be a number from 0 to 100`);
  }
  if (approveBetweenWaves !== undefined && typeof approveBetweenWaves !== 'boolean') {
    problems.push(`pipeline.rollout.approveBetweenWaves ${JSON.stringify(approveBetweenWaves)} must be true or false`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(where: string, value: Record<string, unknown>, known: readonly string[], problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.push(`${where}.${key} is not a field of ${where}; known fields are ${known.join(', ')}`);
    }
  }
}
