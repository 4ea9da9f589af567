/**
 * Resource names derived from the platform prefix, and the AWS limits they must respect.
 * Every stack takes its names from here, so validation can check the longest one before
 * anything is synthesised.
 */

import { APPLICATION_PLANE_HANDLERS } from '../lambdas/catalog';

/** Tenant ids are lowercase letters and digits so they fit S3, IAM and Lambda names. */
export const TENANT_ID_PATTERN = /^[a-z0-9]{4,20}$/;
export const TENANT_ID_MAX_LENGTH = 20;

/** Separator between the tenant id and the rest of a pooled partition key. */
export const TENANT_KEY_DELIMITER = '#';

/** Longest suffix of each kind of name, with the AWS limit on the whole name. */
interface NameRule {
  readonly kind: string;
  readonly limit: number;
  readonly longestSuffix: string;
}

// The suffixes are the longest ones the stacks use; `<tenant>` stands for a tenant id of
// maximum length in tenant-template names.
const TENANT = 'x'.repeat(TENANT_ID_MAX_LENGTH);
// Silo functions are named `<prefix>-<tenant id>-<handler id>` and their roles add `-role`.
const LONGEST_SILO_HANDLER_ID = APPLICATION_PLANE_HANDLERS.map((handler) => handler.id).reduce((a, b) => (b.length > a.length ? b : a));
const NAME_RULES: readonly NameRule[] = [
  { kind: 'S3 bucket', limit: 63, longestSuffix: '-tenant-templates-123456789012' },
  { kind: 'IAM role', limit: 64, longestSuffix: `-${TENANT}-${LONGEST_SILO_HANDLER_ID}-role` },
  { kind: 'Lambda function', limit: 64, longestSuffix: `-${TENANT}-${LONGEST_SILO_HANDLER_ID}` },
  { kind: 'Cognito domain', limit: 63, longestSuffix: '-control-plane-123456789012' },
  { kind: 'EventBridge archive', limit: 48, longestSuffix: '-events-archive' },
  { kind: 'EventBridge rule', limit: 64, longestSuffix: '-deactivate-success' },
  { kind: 'SQS queue', limit: 80, longestSuffix: '-deactivate-success-dlq' },
  { kind: 'Step Functions state machine', limit: 80, longestSuffix: '-deactivation' },
  { kind: 'API Gateway usage plan', limit: 128, longestSuffix: `-${TENANT}-PLATINUM` },
];

/** Lists one problem per derived name that would pass its AWS limit. */
export function derivedNameProblems(prefix: string): string[] {
  const problems: string[] = [];
  for (const rule of NAME_RULES) {
    const name = `${prefix}${rule.longestSuffix}`;
    if (name.length > rule.limit) {
      problems.push(
        `prefix "${prefix}" (${prefix.length} characters) is too long: the ${rule.kind} name "${name}" ` +
          `has ${name.length} characters and AWS allows ${rule.limit}; use at most ${maxPrefixLength()} characters`,
      );
    }
  }
  return problems;
}

/** Longest prefix for which every derived name fits. */
export function maxPrefixLength(): number {
  return Math.min(...NAME_RULES.map((rule) => rule.limit - rule.longestSuffix.length));
}

/** Builds resource names for one platform prefix. */
export class ResourceNames {
  constructor(readonly prefix: string) {}

  /** Joins the prefix and `parts` with hyphens into a name such as `tenantform-tenants`. */
  of(...parts: string[]): string {
    return [this.prefix, ...parts].join('-');
  }

  bucket(purpose: string, accountId: string): string {
    return `${this.prefix}-${purpose}-${accountId}`;
  }

  /** The control plane's EventBridge bus; the stack and the local bus share the name. */
  get eventBus(): string {
    return this.of('bus');
  }

  /** The CodeBuild project that runs Terraform for silo tenants. */
  get provisioningProject(): string {
    return this.of('tenant-provisioning');
  }

  /** The tenant registry table. */
  get tenantsTable(): string {
    return this.of('tenants');
  }
}
