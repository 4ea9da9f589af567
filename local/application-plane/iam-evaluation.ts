/**
 * Evaluates one request against an IAM identity policy with `@cloud-copilot/iam-simulate`.
 * Both the isolation tests (on the synthesised tenant-scoped role policy) and the local
 * DynamoDB gateway (on every request of the harness) decide through this function.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';

export type IamDecision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface IamRequest {
  /** Such as `dynamodb:GetItem`. */
  readonly action: string;
  readonly resourceArn: string;
  readonly principalArn: string;
  readonly accountId: string;
  /** Session tags, exposed to the policy as `aws:PrincipalTag/<key>`. */
  readonly principalTags?: Readonly<Record<string, string>>;
  /** Other context keys, such as `dynamodb:LeadingKeys`; leave a key out to make it absent. */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** Resource policy of the target, such as a role's trust policy for `sts:AssumeRole`. */
  readonly resourcePolicy?: unknown;
}

export class IamSimulationError extends Error {}

/** Evaluates `request` against the identity policy `policy` (and the request's resource policy, if any). */
export async function evaluateIdentityPolicy(policy: unknown, request: IamRequest): Promise<IamDecision> {
  const contextVariables: Record<string, string | string[]> = { ...(request.context ?? {}) };
  for (const [key, value] of Object.entries(request.principalTags ?? {})) {
    contextVariables[`aws:PrincipalTag/${key}`] = value;
  }

  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'identity', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
      request: {
        action: request.action,
        principal: request.principalArn,
        resource: { resource: request.resourceArn, accountId: request.accountId },
        contextVariables,
      },
    },
    {},
  );

  if (result.resultType === 'error') {
    throw new IamSimulationError(`the IAM simulation of ${request.action} on ${request.resourceArn} failed: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as IamDecision;
}
