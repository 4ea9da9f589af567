/**
 * Types shared by the policy checks: a synthesised stack as Terraform JSON, the findings a
 * rule returns, and the rule itself. Each rule lives in its own file and reads only the JSON,
 * so it checks exactly what Terraform would apply.
 */

/** The parts of a `cdk.tf.json` document that the rules read. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  readonly [key: string]: unknown;
}

export interface SynthesizedStack {
  /** Stack name, such as `control-plane`. */
  readonly name: string;
  readonly json: TerraformJson;
}

/** One violation: which rule, on which resource address (`type.name`), and why. */
export interface Finding {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

export interface PolicyCheckContext {
  /** Tags every taggable resource must carry, by key and value. */
  readonly requiredTags: Readonly<Record<string, string>>;
  /** Actions that may be granted on `"Resource": "*"`, each with its reason. */
  readonly wildcardResourceAllowList: Readonly<Record<string, string>>;
}

export interface PolicyRule {
  /** Rule id, such as `iam-no-wildcard-actions`; findings carry it. */
  readonly id: string;
  /** One sentence on what a compliant stack does. */
  readonly description: string;
  check(stack: SynthesizedStack, context: PolicyCheckContext): Finding[];
}
