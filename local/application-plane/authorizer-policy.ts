/**
 * Evaluates the policy an API Gateway authorizer returns against the method ARN of the
 * request, as API Gateway does: an explicit Deny wins, then an Allow must match. Resource
 * patterns may use `*` (any characters, including `/`) and `?` (one character).
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export type PolicyDecision = 'Allow' | 'ExplicitDeny' | 'NoMatch';

export function policyDecision(result: APIGatewayAuthorizerResult | null | undefined, methodArn: string): PolicyDecision {
  const statements = result?.policyDocument?.Statement;
  if (!Array.isArray(statements)) {
    return 'NoMatch';
  }

  let allowed = false;
  for (const statement of statements as unknown as Record<string, unknown>[]) {
    const actions = toList(statement.Action);
    const resources = toList(statement.Resource);
    const actionMatches = actions.some((action) => action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*');
    const resourceMatches = resources.some((pattern) => wildcardMatches(pattern, methodArn));
    if (!actionMatches || !resourceMatches) {
      continue;
    }
    if (statement.Effect === 'Deny') {
      return 'ExplicitDeny';
    }
    if (statement.Effect === 'Allow') {
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'NoMatch';
}

function toList(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

export function wildcardMatches(pattern: string, value: string): boolean {
  let expression = '';
  for (const character of pattern) {
    if (character === '*') {
      expression += '.*';
    } else if (character === '?') {
      expression += '.';
    } else {
      expression += character.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${expression}$`).test(value);
}
