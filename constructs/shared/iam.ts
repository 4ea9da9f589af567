/**
 * IAM policy documents built from typed statements, so every policy of the platform is
 * JSON that the policy checks and the IAM simulator can read after synthesis.
 */

export interface PolicyStatement {
  readonly sid?: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** Required for identity policies; left out of trust policies. */
  readonly resources?: readonly string[];
  /** Principals of a trust or resource policy, such as `{ Service: ['lambda.amazonaws.com'] }`. */
  readonly principals?: Readonly<Record<string, readonly string[]>>;
  /** Condition block, as IAM writes it: operator, then key, then values. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({
      ...(statement.sid ? { Sid: statement.sid } : {}),
      Effect: statement.effect ?? 'Allow',
      ...(statement.principals ? { Principal: statement.principals } : {}),
      Action: statement.actions.length === 1 ? statement.actions[0] : statement.actions,
      ...(statement.resources
        ? { Resource: statement.resources.length === 1 ? statement.resources[0] : statement.resources }
        : {}),
      ...(statement.conditions ? { Condition: statement.conditions } : {}),
    })),
  });
}
