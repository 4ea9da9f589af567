/**
 * Synthesises the CDKTF app into a temporary folder and reads each stack's Terraform JSON,
 * with helpers that find resources and parse the IAM policies inside them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp, STACK_IDS } from '../../main';
import { buildPlatformConfig, PlatformConfig, PlatformConfigInput } from '../../config/platform-config';
import type { TerraformJson } from '../../constructs/shared/policy-checks';

export type StackId = (typeof STACK_IDS)[number];

export interface SynthesizedApp {
  readonly config: PlatformConfig;
  /** Output folder; stacks are in `stacks/<id>/cdk.tf.json`. */
  readonly outdir: string;
  readonly stacks: Readonly<Record<StackId, TerraformJson>>;
  /** Removes the output folder. */
  remove(): void;
}

/** Synthesises every stack with `input` merged over the default configuration. */
export function synthesizeApp(input: PlatformConfigInput = {}): SynthesizedApp {
  const config = buildPlatformConfig(input);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-synth-'));
  buildApp(config, outdir).synth();

  const stacks = {} as Record<StackId, TerraformJson>;
  for (const id of STACK_IDS) {
    stacks[id] = JSON.parse(fs.readFileSync(stackFile(outdir, id), 'utf8')) as TerraformJson;
  }
  return { config, outdir, stacks, remove: () => fs.rmSync(outdir, { recursive: true, force: true }) };
}

export function stackFile(outdir: string, id: StackId): string {
  return path.join(outdir, 'stacks', id, 'cdk.tf.json');
}

/** Returns every resource of `type` in the stack, keyed by its Terraform name. */
export function resourcesOfType(stack: TerraformJson, type: string): Record<string, Record<string, any>> {
  return (stack.resource?.[type] ?? {}) as Record<string, Record<string, any>>;
}

/** Returns the resources of `type` as a list. */
export function listOf(stack: TerraformJson, type: string): Record<string, any>[] {
  return Object.values(resourcesOfType(stack, type));
}

/** Returns the one resource of `type` whose `attribute` equals `value`, and throws when there is not exactly one. */
export function findResource(stack: TerraformJson, type: string, attribute: string, value: unknown): Record<string, any> {
  const matches = listOf(stack, type).filter((resource) => resource[attribute] === value);
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} with ${attribute} = ${JSON.stringify(value)}, found ${matches.length}`);
  }
  return matches[0];
}

/** Returns `${type.name.attribute}` for the resource whose `attribute` matches, as Terraform references it. */
export function referenceTo(stack: TerraformJson, type: string, match: (resource: Record<string, any>) => boolean, attribute: string): string {
  const entry = Object.entries(resourcesOfType(stack, type)).find(([, resource]) => match(resource));
  if (!entry) {
    throw new Error(`no ${type} matches`);
  }
  return `\${${type}.${entry[0]}.${attribute}}`;
}

export interface ParsedStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Parses an IAM policy document string from the JSON. */
export function statementsOf(document: string): ParsedStatement[] {
  const parsed = JSON.parse(document) as { Statement: ParsedStatement | ParsedStatement[] };
  return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

/** Returns the inline policy statements of the role named `roleName`. */
export function roleStatements(stack: TerraformJson, roleName: string): ParsedStatement[] {
  const roleRef = referenceTo(stack, 'aws_iam_role', (role) => role.name === roleName, 'id');
  return listOf(stack, 'aws_iam_role_policy')
    .filter((policy) => policy.role === roleRef)
    .flatMap((policy) => statementsOf(policy.policy));
}

/** Returns every action a role's inline policies allow, with the resources of each. */
export function allowedActions(stack: TerraformJson, roleName: string): Map<string, string[]> {
  const actions = new Map<string, string[]>();
  for (const statement of roleStatements(stack, roleName)) {
    if (statement.Effect !== 'Allow') {
      continue;
    }
    const resources = ([] as string[]).concat(statement.Resource ?? []);
    for (const action of ([] as string[]).concat(statement.Action)) {
      actions.set(action, [...(actions.get(action) ?? []), ...resources]);
    }
  }
  return actions;
}
