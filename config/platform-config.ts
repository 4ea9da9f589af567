/**
 * Platform configuration: the typed settings every stack, handler, job and CLI command
 * reads. `loadPlatformConfig` merges a user's JSON file over the defaults and validates
 * the result once, collecting every problem before it throws.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_TIERS, DEFAULT_PLATFORM } from './defaults';
import { derivedNameProblems } from './naming';
import { PipelineConfig, validatePipelineConfig } from './pipeline-config';

export type TenancyModel = 'pool' | 'silo';

export const TENANCY_MODELS: readonly TenancyModel[] = ['pool', 'silo'];

export interface TierConfig {
  /** Tier name as it appears in tokens, events and the registry, such as `BASIC`. */
  readonly name: string;
  /** `pool` shares the application plane; `silo` applies the tenant template per tenant. */
  readonly model: TenancyModel;
  /** Steady-state request rate of one tenant's API key, in requests per second. */
  readonly rateLimit: number;
  /** Token-bucket size of one tenant's API key, in requests. */
  readonly burstLimit: number;
  /** Requests one tenant may make per day. */
  readonly dailyQuota: number;
  /** Memory of the tier's service functions, in MB (128 to 10240). */
  readonly lambdaMemoryMb: number;
  /** Reserved concurrency of each silo service function; `undefined` leaves it unreserved. */
  readonly reservedConcurrency?: number;
}

export interface PlatformConfig {
  /** Prefix of every resource name; lowercase letters, digits and hyphens. */
  readonly prefix: string;
  /** AWS region that every stack deploys to. */
  readonly region: string;
  /** Twelve-digit AWS account id, used in the few ARNs that no resource reference gives. */
  readonly accountId: string;
  /** Environment name, such as `dev` or `prod`, written to the `Environment` tag. */
  readonly environment: string;
  readonly tiers: readonly TierConfig[];
  /** Retention of every log group, in days; one of the values CloudWatch Logs accepts. */
  readonly logRetentionDays: number;
  /** Tags on every taggable resource, in addition to `Platform` and `Environment`. */
  readonly tags: Readonly<Record<string, string>>;
  /** Terraform version that the provisioning and rollout jobs install, such as `1.11.4`. */
  readonly terraformVersion: string;
  /** Event sources on the bus; SBT-AWS names them `sbt.control.plane` and `sbt.application.plane`. */
  readonly eventSources: {
    readonly controlPlane: string;
    readonly applicationPlane: string;
  };
  /** Minutes a CodeBuild provisioning job may run before it is stopped. */
  readonly jobTimeoutMinutes: number;
  /**
   * Redirect URLs of the control-plane admin console after Cognito sign-in (authorization
   * code flow). Cognito accepts https URLs, and http only for localhost.
   */
  readonly adminCallbackUrls: readonly string[];
  /** Deployment pipeline settings; the pipeline uses its defaults when this is left out. */
  readonly pipeline?: PipelineConfig;
}

/** Values CloudWatch Logs accepts for `retentionInDays`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653,
] as const;

/** Raised when a configuration value is invalid; `problems` lists every one found. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid platform configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type PlatformConfigInput = Partial<Omit<PlatformConfig, 'tiers' | 'eventSources'>> & {
  tiers?: Partial<TierConfig>[];
  eventSources?: Partial<PlatformConfig['eventSources']>;
};

/** Default location of the user's configuration file, relative to the working directory. */
export const CONFIG_FILE_NAME = 'tenantform.config.json';

/**
 * Reads `file` (default `tenantform.config.json` in `cwd`, or `TENANTFORM_CONFIG`),
 * merges it over the defaults and validates it. A missing default file means defaults.
 */
export function loadPlatformConfig(file?: string, cwd = process.cwd()): PlatformConfig {
  const explicit = file ?? process.env.TENANTFORM_CONFIG;
  const resolved = path.resolve(cwd, explicit ?? CONFIG_FILE_NAME);

  if (!fs.existsSync(resolved)) {
    if (explicit) {
      throw new ConfigError([`configuration file "${resolved}" does not exist`]);
    }
    return buildPlatformConfig({});
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new ConfigError([`configuration file "${resolved}" is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`configuration file "${resolved}" must contain a JSON object`]);
  }
  return buildPlatformConfig(parsed as PlatformConfigInput);
}

/** Merges `input` over the defaults and validates the result. */
export function buildPlatformConfig(input: PlatformConfigInput): PlatformConfig {
  const problems: string[] = [];
  const known = new Set([...Object.keys(DEFAULT_PLATFORM), 'tiers', 'pipeline']);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      problems.push(`field "${key}" is not a configuration field; known fields are ${[...known].join(', ')}`);
    }
  }

  const tierInput: unknown = input.tiers ?? DEFAULT_TIERS;
  if (!Array.isArray(tierInput)) {
    problems.push(`tiers must be a JSON array of tier objects, got ${JSON.stringify(tierInput)}`);
  }
  const tiers = (Array.isArray(tierInput) ? tierInput : []).map((tier, index) => normaliseTier(tier, index, problems));
  const tagInput: unknown = input.tags ?? DEFAULT_PLATFORM.tags;
  if (typeof tagInput !== 'object' || tagInput === null || Array.isArray(tagInput)) {
    problems.push(`tags must be a JSON object of strings, got ${JSON.stringify(tagInput)}`);
  }
  for (const key of Object.keys(input.eventSources ?? {})) {
    if (!(key in DEFAULT_PLATFORM.eventSources)) {
      problems.push(`eventSources.${key} is not an event source field; known fields are ${Object.keys(DEFAULT_PLATFORM.eventSources).join(', ')}`);
    }
  }

  const config: PlatformConfig = {
    ...DEFAULT_PLATFORM,
    ...input,
    eventSources: { ...DEFAULT_PLATFORM.eventSources, ...(input.eventSources ?? {}) },
    tags: Array.isArray(tagInput) ? {} : { ...(tagInput as Record<string, string>) },
    tiers,
  };

  validatePlatform(config, problems);
  if (Array.isArray(tierInput)) {
    // A tiers value that is not an array is already reported above.
    validateTierSet(tiers, problems);
  }
  validatePipelineConfig(config.pipeline, problems);
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return Object.freeze(config);
}

const TIER_FIELDS = ['name', 'model', 'rateLimit', 'burstLimit', 'dailyQuota', 'lambdaMemoryMb', 'reservedConcurrency'];

function normaliseTier(tier: Partial<TierConfig>, index: number, problems: string[]): TierConfig {
  if (typeof tier !== 'object' || tier === null) {
    problems.push(`tiers[${index}] must be an object, got ${JSON.stringify(tier)}`);
    return tier as TierConfig;
  }
  const field = (name: string) => `tiers[${index}].${name}`;
  for (const key of Object.keys(tier)) {
    if (!TIER_FIELDS.includes(key)) {
      problems.push(`${field(key)} is not a tier field; known fields are ${TIER_FIELDS.join(', ')}`);
    }
  }
  const { name, model, rateLimit, burstLimit, dailyQuota, lambdaMemoryMb, reservedConcurrency } = tier;

  if (typeof name !== 'string' || !/^[A-Z][A-Z0-9_]{1,31}$/.test(name)) {
    problems.push(`${field('name')} "${String(name)}" must be 2 to 32 uppercase letters, digits or underscores, starting with a letter`);
  }
  if (!TENANCY_MODELS.includes(model as TenancyModel)) {
    problems.push(`${field('model')} "${String(model)}" is not one of ${TENANCY_MODELS.join(', ')}`);
  }
  checkPositiveNumber(field('rateLimit'), rateLimit, problems, false);
  checkPositiveNumber(field('burstLimit'), burstLimit, problems, true);
  checkPositiveNumber(field('dailyQuota'), dailyQuota, problems, true);
  if (typeof lambdaMemoryMb !== 'number' || !Number.isInteger(lambdaMemoryMb) || lambdaMemoryMb < 128 || lambdaMemoryMb > 10240) {
    problems.push(`${field('lambdaMemoryMb')} ${JSON.stringify(lambdaMemoryMb)} must be a whole number of MB from 128 to 10240`);
  }
  if (reservedConcurrency !== undefined && (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 1)) {
    problems.push(`${field('reservedConcurrency')} ${JSON.stringify(reservedConcurrency)} must be a whole number of at least 1, or left out`);
  }
  if (typeof rateLimit === 'number' && typeof burstLimit === 'number' && burstLimit < rateLimit && rateLimit >= 1) {
    problems.push(`${field('burstLimit')} ${burstLimit} is below ${field('rateLimit')} ${rateLimit}; API Gateway needs a burst of at least the rate`);
  }
  return { name, model, rateLimit, burstLimit, dailyQuota, lambdaMemoryMb, reservedConcurrency } as TierConfig;
}

function checkPositiveNumber(field: string, value: unknown, problems: string[], integer: boolean): void {
  const valid = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!valid) {
    problems.push(`${field} ${JSON.stringify(value)} must be a ${integer ? 'whole number' : 'number'} greater than 0`);
  }
}

/** Words Cognito rejects anywhere in a user pool domain prefix. */
const COGNITO_DOMAIN_RESERVED_WORDS = ['aws', 'amazon', 'cognito'];

/** Bucket name prefixes that S3 reserves. */
const S3_RESERVED_PREFIXES = ['sthree-', 'amzn-s3-demo-'];

function validatePlatform(config: PlatformConfig, problems: string[]): void {
  const { prefix, region, accountId, environment, logRetentionDays, terraformVersion, tags } = config;

  if (typeof prefix !== 'string' || !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(prefix) || prefix.includes('--')) {
    problems.push(
      `prefix "${String(prefix)}" must start with a lowercase letter, end with a letter or digit, and contain only ` +
        'lowercase letters, digits and single hyphens, because S3 bucket and IAM role names are derived from it',
    );
  } else {
    problems.push(...derivedNameProblems(prefix));
    // The control-plane Cognito domain and the S3 bucket names start with the prefix.
    for (const word of COGNITO_DOMAIN_RESERVED_WORDS) {
      if (prefix.includes(word)) {
        problems.push(`prefix "${prefix}" contains "${word}", which Cognito rejects in the user pool domain derived from it; choose a prefix without it`);
      }
    }
    for (const reserved of S3_RESERVED_PREFIXES) {
      if (prefix.startsWith(reserved)) {
        problems.push(`prefix "${prefix}" starts with "${reserved}", which S3 reserves for its own bucket names; choose another prefix`);
      }
    }
  }
  if (typeof region !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    problems.push(`region "${String(region)}" is not an AWS region name such as eu-west-1`);
  }
  if (typeof accountId !== 'string' || !/^\d{12}$/.test(accountId)) {
    problems.push(`accountId "${String(accountId)}" must be the twelve-digit AWS account id`);
  }
  if (typeof environment !== 'string' || !/^[a-z][a-z0-9-]{0,19}$/.test(environment)) {
    problems.push(`environment "${String(environment)}" must be 1 to 20 lowercase letters, digits or hyphens`);
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    problems.push(`logRetentionDays ${JSON.stringify(logRetentionDays)} is not one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (typeof terraformVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(terraformVersion)) {
    problems.push(`terraformVersion "${String(terraformVersion)}" must be an exact version such as 1.11.4`);
  } else if (compareVersions(terraformVersion, '1.10.0') < 0) {
    // The jobs lock state with the S3 backend's native lock file, which Terraform 1.10 added.
    problems.push(`terraformVersion "${terraformVersion}" is older than 1.10.0, the first version with the S3 native lock file the jobs use`);
  }
  if (!Number.isInteger(config.jobTimeoutMinutes) || config.jobTimeoutMinutes < 5 || config.jobTimeoutMinutes > 480) {
    problems.push(`jobTimeoutMinutes ${JSON.stringify(config.jobTimeoutMinutes)} must be a whole number from 5 to 480 (CodeBuild's range)`);
  }
  if (!Array.isArray(config.adminCallbackUrls) || config.adminCallbackUrls.length === 0) {
    problems.push(`adminCallbackUrls ${JSON.stringify(config.adminCallbackUrls)} must be a non-empty list of URLs`);
  } else {
    for (const [index, url] of config.adminCallbackUrls.entries()) {
      if (!isCognitoCallbackUrl(url)) {
        problems.push(`adminCallbackUrls[${index}] ${JSON.stringify(url)} must be an https URL, or an http URL on localhost, without a fragment`);
      }
    }
  }
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!/^[\w .:/=+@-]{1,128}$/.test(key) || key.toLowerCase().startsWith('aws:')) {
      problems.push(`tags key "${key}" must be 1 to 128 characters of letters, digits, spaces and _.:/=+-@, not starting with aws:`);
    }
    if (typeof value !== 'string' || !/^[\w .:/=+@-]{0,256}$/.test(value)) {
      problems.push(`tags["${key}"] value ${JSON.stringify(value)} must be a string of at most 256 letters, digits, spaces and _.:/=+-@`);
    }
  }
  for (const [field, value] of Object.entries(config.eventSources)) {
    if (typeof value !== 'string' || !/^[a-zA-Z0-9._-]{1,256}$/.test(value) || value.startsWith('aws.')) {
      problems.push(`eventSources.${field} "${String(value)}" must be 1 to 256 letters, digits, dots, hyphens or underscores, not starting with aws.`);
    }
  }
}

function isCognitoCallbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:';
  const localHttp = url.protocol === 'http:' && url.hostname === 'localhost';
  return (secure || localHttp) && !value.includes('#');
}

function validateTierSet(tiers: readonly TierConfig[], problems: string[]): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    problems.push('tiers must list at least one pool tier and one silo tier');
    return;
  }
  const seen = new Set<string>();
  for (const [index, tier] of tiers.entries()) {
    if (tier && typeof tier.name === 'string') {
      if (seen.has(tier.name)) {
        problems.push(`tiers[${index}].name "${tier.name}" is used by two tiers; tier names must be unique`);
      }
      seen.add(tier.name);
    }
  }
  if (!tiers.some((tier) => tier?.model === 'pool')) {
    problems.push('tiers has no tier with model "pool"; the pooled application plane needs at least one');
  }
  if (!tiers.some((tier) => tier?.model === 'silo')) {
    problems.push('tiers has no tier with model "silo"; the tenant template needs at least one');
  }
}

/** Returns the tier named `name`, or throws an error that lists the configured tiers. */
export function findTier(config: PlatformConfig, name: string): TierConfig {
  const tier = config.tiers.find((candidate) => candidate.name === name);
  if (!tier) {
    throw new ConfigError([`tier "${name}" is not one of ${config.tiers.map((t) => t.name).join(', ')}`]);
  }
  return tier;
}

export function poolTiers(config: PlatformConfig): TierConfig[] {
  return config.tiers.filter((tier) => tier.model === 'pool');
}

export function siloTiers(config: PlatformConfig): TierConfig[] {
  return config.tiers.filter((tier) => tier.model === 'silo');
}

/** Tags on every taggable resource of the platform. */
export function platformTags(config: PlatformConfig): Record<string, string> {
  return { Platform: config.prefix, Environment: config.environment, ManagedBy: 'tenantform', ...config.tags };
}

/** Compares two `major.minor.patch` versions: negative when `a` is older than `b`. */
function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    if (left[index] !== right[index]) {
      return left[index] - right[index];
    }
  }
  return 0;
}
