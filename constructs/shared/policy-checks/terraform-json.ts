/**
 * Readers for synthesised Terraform JSON: every resource with its address, references
 * between resources, and every IAM policy document wherever a resource embeds one.
 */
import type { SynthesizedStack } from './types';

export interface ResourceEntry {
  readonly type: string;
  readonly name: string;
  /** Terraform address, such as `aws_s3_bucket.state`. */
  readonly address: string;
  readonly config: Record<string, unknown>;
}

/** Lists every managed resource of the stack. */
export function resourcesOf(stack: SynthesizedStack, type?: string): ResourceEntry[] {
  const entries: ResourceEntry[] = [];
  for (const [resourceType, byName] of Object.entries(stack.json.resource ?? {})) {
    if (type !== undefined && resourceType !== type) {
      continue;
    }
    for (const [name, config] of Object.entries(byName)) {
      entries.push({ type: resourceType, name, address: `${resourceType}.${name}`, config });
    }
  }
  return entries;
}

/** True when `value` is a Terraform reference to an attribute of `resource`, such as `${aws_s3_bucket.x.id}`. */
export function refersTo(value: unknown, resource: ResourceEntry, attributes: readonly string[]): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  return attributes.some((attribute) => value === `\${${resource.address}.${attribute}}`);
}

/** Returns the first element of a nested block, which CDKTF writes as an object or a one-element list. */
export function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) {
    return block(value[0]);
  }
  if (typeof value === 'object' && value !== null) {
    return value as Record<string, unknown>;
  }
  return undefined;
}

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

export interface EmbeddedPolicy {
  readonly resource: ResourceEntry;
  /** Dotted path of the attribute that contains the document, such as `assume_role_policy`. */
  readonly attribute: string;
  readonly statements: readonly PolicyStatementJson[];
}

/**
 * Finds every IAM policy document in the stack: each string attribute, at any depth, that
 * parses as JSON with a `Statement`. This covers role, trust, bucket and queue policies
 * without a list of attribute names that a new resource type could miss.
 */
export function policyDocumentsOf(stack: SynthesizedStack): EmbeddedPolicy[] {
  const documents: EmbeddedPolicy[] = [];
  for (const resource of resourcesOf(stack)) {
    collectDocuments(resource, resource.config, '', documents);
  }
  return documents;
}

function collectDocuments(resource: ResourceEntry, value: unknown, attribute: string, documents: EmbeddedPolicy[]): void {
  if (typeof value === 'string') {
    const statements = parseStatements(value);
    if (statements) {
      documents.push({ resource, attribute, statements });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectDocuments(resource, item, `${attribute}[${index}]`, documents));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      collectDocuments(resource, child, attribute ? `${attribute}.${key}` : key, documents);
    }
  }
}

function parseStatements(text: string): PolicyStatementJson[] | undefined {
  if (!text.trimStart().startsWith('{') || !text.includes('Statement')) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const statement = (parsed as { Statement?: unknown }).Statement;
  if (Array.isArray(statement)) {
    return statement as PolicyStatementJson[];
  }
  if (typeof statement === 'object' && statement !== null) {
    return [statement as PolicyStatementJson];
  }
  return undefined;
}

/** Returns a string-or-list IAM field as a list. */
export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** Names a statement in a message: its Sid when it has one, otherwise its position. */
export function statementLabel(policy: EmbeddedPolicy, statement: PolicyStatementJson): string {
  const index = policy.statements.indexOf(statement);
  const name = statement.Sid ? `statement "${statement.Sid}"` : `statement ${index}`;
  return `${name} of ${policy.attribute}`;
}
