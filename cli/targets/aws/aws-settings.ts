/**
 * Names of the deployed control plane that `--target aws` works with, read from
 * `tenantform.aws.json` (or the file `--aws-config` names). The file is either a flat
 * object with the fields of `AwsSettings`, or the output of `terraform output -json` for
 * the control-plane stack, whose output names are matched ignoring case, `-` and `_`
 * (so `event_bus_name`, `event-bus-name` and `eventBusName` all set `eventBusName`).
 * The region and the registry table names default to those the platform configuration
 * derives, because the control-plane stack does not output them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OperationError } from '../../errors';

export const AWS_SETTINGS_FILE = 'tenantform.aws.json';
export const AWS_SETTINGS_ENV = 'TENANTFORM_AWS_CONFIG';

export interface AwsSettings {
  readonly region: string;
  readonly eventBusName: string;
  readonly tenantsTable: string;
  readonly tenantNamesTable: string;
  /** ARNs of the lifecycle state machines. */
  readonly onboardingStateMachineArn: string;
  readonly offboardingStateMachineArn: string;
  readonly activationStateMachineArn: string;
  /** Bucket holding each silo tenant's state at `tenants/<tenantId>/terraform.tfstate`. */
  readonly tenantStateBucket: string;
  /** SSM path of the application-plane settings; defaults to `/<prefix>/application-plane/`. */
  readonly applicationPlaneParameterPath?: string;
}

const REQUIRED_FIELDS = [
  'eventBusName',
  'onboardingStateMachineArn',
  'offboardingStateMachineArn',
  'activationStateMachineArn',
  'tenantStateBucket',
] as const;

const OPTIONAL_FIELDS = ['region', 'tenantsTable', 'tenantNamesTable', 'applicationPlaneParameterPath'] as const;

/** Values of the optional fields when the file leaves them out. */
export interface AwsSettingsDefaults {
  readonly region: string;
  readonly tenantsTable: string;
  readonly tenantNamesTable: string;
}

/** Other output names accepted for a field, after normalising (lowercase, no `-` or `_`). */
const ALIASES: Readonly<Record<string, string>> = {
  tenantstablename: 'tenantsTable',
  tenantnamestablename: 'tenantNamesTable',
  statebucket: 'tenantStateBucket',
  tenantstatebucketname: 'tenantStateBucket',
  statebucketname: 'tenantStateBucket',
  awsregion: 'region',
};

/** Resolves the settings file: the option, then TENANTFORM_AWS_CONFIG, then `tenantform.aws.json`. */
export function resolveAwsSettingsFile(option: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, option || env[AWS_SETTINGS_ENV] || AWS_SETTINGS_FILE);
}

export function loadAwsSettings(file: string, defaults: AwsSettingsDefaults): AwsSettings {
  if (!fs.existsSync(file)) {
    throw new OperationError(
      `${file} does not exist. --target aws needs the names of the deployed control plane: save the control-plane stack's ` +
        `outputs with "terraform output -json > ${AWS_SETTINGS_FILE}", or write that file with the fields ${REQUIRED_FIELDS.join(', ')}`,
      'aws-config',
    );
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OperationError(`${file} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`, 'aws-config');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OperationError(`${file} must contain a JSON object`, 'aws-config');
  }
  return parseAwsSettings(parsed as Record<string, unknown>, file, defaults);
}

/** Validates settings from either file shape and lists every missing or invalid field at once. */
export function parseAwsSettings(raw: Record<string, unknown>, source: string, defaults: AwsSettingsDefaults): AwsSettings {
  const fields = new Map<string, string>(Object.entries(defaults));
  const known = new Map([...REQUIRED_FIELDS, ...OPTIONAL_FIELDS].map((field) => [normalise(field), field as string]));

  for (const [name, entry] of Object.entries(raw)) {
    // A `terraform output -json` entry is `{ value, type, sensitive }`.
    const value = typeof entry === 'object' && entry !== null && 'value' in entry ? (entry as { value: unknown }).value : entry;
    const field = known.get(normalise(name)) ?? ALIASES[normalise(name)];
    if (field && typeof value === 'string' && value !== '') {
      fields.set(field, value);
    }
  }

  const problems: string[] = [];
  for (const field of REQUIRED_FIELDS) {
    if (!fields.has(field)) {
      problems.push(`${field} is missing`);
    }
  }
  const region = fields.get('region');
  if (region !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    problems.push(`region "${region}" is not an AWS region name such as eu-west-1`);
  }
  for (const field of ['onboardingStateMachineArn', 'offboardingStateMachineArn', 'activationStateMachineArn']) {
    const arn = fields.get(field);
    if (arn !== undefined && !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/.test(arn)) {
      problems.push(`${field} "${arn}" is not a state machine ARN such as arn:aws:states:us-east-1:123456789012:stateMachine:name`);
    }
  }
  if (problems.length > 0) {
    throw new OperationError(`${source} is incomplete: ${problems.join('; ')}`, 'aws-config');
  }
  return Object.fromEntries(fields) as unknown as AwsSettings;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}
