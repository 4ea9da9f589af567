/**
 * IAM policies that the REQUEST authorizer returns to API Gateway. An allow covers every
 * route the caller's role may call, not only the current one, so a cached authorizer
 * result serves later requests of the same token to other routes correctly. A deny covers
 * the requested method, which API Gateway turns into a 403.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { APPLICATION_ROUTES, TenantRole } from '../shared/routes';

/** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>` of a method ARN. */
export function stageArn(methodArn: string): string {
  const parts = methodArn.split('/');
  if (parts.length < 3 || !parts[0].startsWith('arn:')) {
    throw new Error(`methodArn "${methodArn}" is not an execute-api method ARN`);
  }
  return `${parts[0]}/${parts[1]}`;
}

/** Lists the execute-api ARNs of every route `role` may call, with each `{param}` as `*`. */
export function allowedResources(methodArn: string, role: TenantRole): string[] {
  const stage = stageArn(methodArn);
  return APPLICATION_ROUTES.filter((route) => route.roles.includes(role)).map(
    (route) => `${stage}/${route.method}${route.resourcePath.replace(/\{\w+\}/g, '*')}`,
  );
}

export function allowPolicy(
  principalId: string,
  methodArn: string,
  role: TenantRole,
  context: Record<string, string>,
  usageIdentifierKey: string,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: allowedResources(methodArn, role) }],
    },
    context,
    usageIdentifierKey,
  };
}

/** Builds a Deny of `methodArn`. Gateway-response templates can show `reason` as `$context.authorizer.reason`. */
export function denyPolicy(principalId: string, methodArn: string, reason: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: methodArn }],
    },
    context: { reason },
  };
}
