/**
 * Synthesises the three stacks with `buildApp` into a temporary folder and reads IAM and
 * Cognito settings back from `cdk.tf.json`, with Terraform references to tables resolved
 * to concrete example ARNs, so the IAM simulator evaluates exactly what Terraform applies.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp, STACK_IDS } from '../../main';
import type { PlatformConfig } from '../../config/platform-config';

export type StackId = (typeof STACK_IDS)[number];

export interface TerraformJson {
  readonly resource: Record<string, Record<string, Record<string, any>>>;
}

export interface SynthesisedStacks {
  readonly directory: string;
  readonly stacks: Record<StackId, TerraformJson>;
  remove(): void;
}

export function synthesiseStacks(config: PlatformConfig): SynthesisedStacks {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-isolation-'));
  buildApp(config, directory).synth();
  const stacks = {} as Record<StackId, TerraformJson>;
  for (const id of STACK_IDS) {
    stacks[id] = JSON.parse(fs.readFileSync(path.join(directory, 'stacks', id, 'cdk.tf.json'), 'utf8')) as TerraformJson;
  }
  return { directory, stacks, remove: () => fs.rmSync(directory, { recursive: true, force: true }) };
}

export function resourcesOf(stack: TerraformJson, type: string): [string, Record<string, any>][] {
  return Object.entries(stack.resource[type] ?? {});
}

/**
 * Replaces Terraform references in `policy` with example values: table ARNs from the
 * tables' names, Terraform variables from `variables`, and `$${` (Terraform's escape of
 * `${`) with `${`. Throws when a reference other than an IAM policy variable remains.
 */
export function resolvePolicy(stack: TerraformJson, policy: string, config: PlatformConfig, variables: Record<string, string> = {}): any {
  const resolveVariables = (text: string) => text.replace(/\$\{var\.(\w+)\}/g, (whole, name: string) => variables[name] ?? whole);

  let text = policy.replace(/\$\{aws_dynamodb_table\.([\w-]+)\.arn\}/g, (whole, id: string) => {
    const table = stack.resource.aws_dynamodb_table?.[id];
    return table ? `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${resolveVariables(table.name)}` : whole;
  });
  text = resolveVariables(text).replace(/\$\$\{/g, '${');

  const unresolved = [...text.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]).filter((reference) => !reference.startsWith('aws:'));
  if (unresolved.length > 0) {
    throw new Error(`the policy still contains Terraform references ${unresolved.join(', ')}; teach resolvePolicy to resolve them`);
  }
  return JSON.parse(text);
}

/** The role whose trust policy allows `sts:TagSession`: the tenant-scoped role. */
export function tenantScopedRole(stack: TerraformJson): { id: string; role: Record<string, any>; policies: string[] } {
  const roles = resourcesOf(stack, 'aws_iam_role').filter(([, role]) => String(role.assume_role_policy).includes('sts:TagSession'));
  if (roles.length !== 1) {
    throw new Error(`expected one role whose trust policy allows sts:TagSession, found ${roles.length}`);
  }
  const [id, role] = roles[0];
  return { id, role, policies: rolePolicies(stack, id) };
}

/** Inline policies attached to the role with the Terraform id `roleId`. */
export function rolePolicies(stack: TerraformJson, roleId: string): string[] {
  return resourcesOf(stack, 'aws_iam_role_policy')
    .filter(([, policy]) => policy.role === `\${aws_iam_role.${roleId}.id}` || policy.role === `\${aws_iam_role.${roleId}.name}`)
    .map(([, policy]) => String(policy.policy));
}

/** The Terraform id of the role a Lambda function runs with. */
export function functionRoleId(lambdaFunction: Record<string, any>): string {
  const match = /^\$\{aws_iam_role\.([\w-]+)\.arn\}$/.exec(String(lambdaFunction.role));
  if (!match) {
    throw new Error(`function ${lambdaFunction.function_name} has role ${lambdaFunction.role}, not a reference to a role of the stack`);
  }
  return match[1];
}
