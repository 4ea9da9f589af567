/**
 * A tenant's Terraform resources as `state list` and `state show` print them, read from
 * either a state file (format version 4, as `terraform.tfstate` and the S3 backend store
 * it) or a saved plan in the JSON form of `terraform show -json`. Sensitive values are
 * replaced before anything is printed.
 */

export interface ResourceView {
  /** Address as Terraform prints it, such as `module.api.aws_lambda_function.handler["x"]`. */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** Planned change (`create`, `update`, `delete`, ...) when read from a plan. */
  readonly actions?: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface TerraformStateView {
  /** `state` for applied resources, `plan` for resources a saved plan would create. */
  readonly kind: 'state' | 'plan';
  /** Where the state was read from: a file path or an `s3://` URL. */
  readonly location: string;
  readonly terraformVersion?: string;
  readonly resources: readonly ResourceView[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

export const SENSITIVE = '(sensitive value)';
export const KNOWN_AFTER_APPLY = '(known after apply)';

interface StateFile {
  version?: number;
  terraform_version?: string;
  outputs?: Record<string, { value: unknown; sensitive?: boolean }>;
  resources?: Array<{
    module?: string;
    mode: 'managed' | 'data';
    type: string;
    name: string;
    instances?: Array<{ index_key?: string | number; attributes?: Record<string, unknown>; sensitive_attributes?: unknown[] }>;
  }>;
}

/** Parses a version 4 state file; throws naming the location when it is not one. */
export function parseStateFile(text: string, location: string): TerraformStateView {
  const state = parseJsonObject(text, location) as StateFile;
  if (state.version !== 4) {
    throw new Error(`${location} is not a Terraform state file of format version 4 (found version ${JSON.stringify(state.version)})`);
  }

  const resources: ResourceView[] = [];
  for (const resource of state.resources ?? []) {
    for (const instance of resource.instances ?? []) {
      const address = resourceAddress(resource.module, resource.mode, resource.type, resource.name, instance.index_key);
      resources.push({
        address,
        mode: resource.mode,
        type: resource.type,
        name: resource.name,
        attributes: redactPaths(instance.attributes ?? {}, instance.sensitive_attributes ?? []),
      });
    }
  }

  return {
    kind: 'state',
    location,
    terraformVersion: state.terraform_version,
    resources: sortByAddress(resources),
    outputs: Object.fromEntries(Object.entries(state.outputs ?? {}).map(([name, output]) => [name, output.sensitive ? SENSITIVE : output.value])),
  };
}

interface PlanModule {
  resources?: Array<{
    address: string;
    mode: 'managed' | 'data';
    type: string;
    name: string;
    values?: Record<string, unknown>;
    sensitive_values?: Record<string, unknown>;
  }>;
  child_modules?: PlanModule[];
}

interface PlanJson {
  format_version?: string;
  terraform_version?: string;
  planned_values?: { root_module?: PlanModule; outputs?: Record<string, { value?: unknown; sensitive?: boolean }> };
  resource_changes?: Array<{ address: string; change?: { actions?: string[]; after_unknown?: Record<string, unknown> } }>;
}

/** Parses the JSON of a saved plan (`terraform show -json PLAN`). */
export function parsePlanJson(text: string, location: string): TerraformStateView {
  const plan = parseJsonObject(text, location) as PlanJson;
  if (typeof plan.format_version !== 'string' || !plan.planned_values) {
    throw new Error(`${location} is not the JSON of a Terraform plan (no format_version or planned_values)`);
  }

  const changes = new Map((plan.resource_changes ?? []).map((change) => [change.address, change.change]));
  const resources: ResourceView[] = [];
  const visit = (module: PlanModule | undefined) => {
    for (const resource of module?.resources ?? []) {
      const change = changes.get(resource.address);
      const known = redactFlags(resource.values ?? {}, resource.sensitive_values ?? {}, SENSITIVE);
      resources.push({
        address: resource.address,
        mode: resource.mode,
        type: resource.type,
        name: resource.name,
        ...(change?.actions ? { actions: change.actions } : {}),
        attributes: markUnknown(known, change?.after_unknown ?? {}),
      });
    }
    for (const child of module?.child_modules ?? []) {
      visit(child);
    }
  };
  visit(plan.planned_values.root_module);

  return {
    kind: 'plan',
    location,
    terraformVersion: plan.terraform_version,
    resources: sortByAddress(resources),
    outputs: Object.fromEntries(
      Object.entries(plan.planned_values.outputs ?? {}).map(([name, output]) => [name, output.sensitive ? SENSITIVE : output.value ?? KNOWN_AFTER_APPLY]),
    ),
  };
}

export function findResource(view: TerraformStateView, address: string): ResourceView | undefined {
  return view.resources.find((resource) => resource.address === address);
}

export function resourceAddress(module: string | undefined, mode: string, type: string, name: string, indexKey?: string | number): string {
  const base = `${module ? `${module}.` : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  if (indexKey === undefined) {
    return base;
  }
  return `${base}[${typeof indexKey === 'string' ? JSON.stringify(indexKey) : indexKey}]`;
}

/** Replaces attributes named by the state's `sensitive_attributes` paths; a nested path redacts its top attribute. */
function redactPaths(attributes: Record<string, unknown>, paths: readonly unknown[]): Record<string, unknown> {
  const redacted = { ...attributes };
  for (const path of paths) {
    const first = Array.isArray(path) ? (path[0] as { type?: string; value?: unknown } | undefined) : undefined;
    if (first?.type === 'get_attr' && typeof first.value === 'string' && first.value in redacted) {
      redacted[first.value] = SENSITIVE;
    }
  }
  return redacted;
}

/** Replaces each value whose flag in the parallel `flags` tree is true. */
function redactFlags(values: Record<string, unknown>, flags: Record<string, unknown>, replacement: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const flag = flags[key];
    if (flag === true) {
      result[key] = replacement;
    } else if (isObject(flag) && isObject(value)) {
      result[key] = redactFlags(value, flag, replacement);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** Adds the top-level attributes whose values the plan leaves unknown until apply. */
function markUnknown(values: Record<string, unknown>, unknown: Record<string, unknown>): Record<string, unknown> {
  const result = { ...values };
  for (const [key, flag] of Object.entries(unknown)) {
    if (flag === true && (result[key] === undefined || result[key] === null)) {
      result[key] = KNOWN_AFTER_APPLY;
    }
  }
  return result;
}

function sortByAddress(resources: ResourceView[]): ResourceView[] {
  return resources.sort((a, b) => a.address.localeCompare(b.address));
}

function parseJsonObject(text: string, location: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${location} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (!isObject(parsed)) {
    throw new Error(`${location} does not contain a JSON object`);
  }
  return parsed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
