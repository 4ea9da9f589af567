/**
 * Policy checks on synthesised stacks, in the manner of cdk-nag: each rule reads a stack's
 * Terraform JSON and returns findings. `npm test` runs every rule on the three stacks.
 */
import { WILDCARD_RESOURCE_ALLOW_LIST } from '../wildcard-resource-allow-list';
import { dynamodbTableProtected } from './dynamodb-table-protected';
import { iamNoWildcardActions } from './iam-no-wildcard-actions';
import { iamWildcardResourcesAllowListed } from './iam-wildcard-resources-allow-listed';
import { lambdaTracedWithOwnLogGroup } from './lambda-traced-with-own-log-group';
import { logGroupRetention } from './log-group-retention';
import { resourcesTagged } from './resources-tagged';
import { s3BucketHardened } from './s3-bucket-hardened';
import type { Finding, PolicyCheckContext, PolicyRule, SynthesizedStack } from './types';

export * from './types';

export const POLICY_RULES: readonly PolicyRule[] = [
  iamNoWildcardActions,
  iamWildcardResourcesAllowListed,
  dynamodbTableProtected,
  s3BucketHardened,
  logGroupRetention,
  lambdaTracedWithOwnLogGroup,
  resourcesTagged,
];

/** Runs `rules` on `stack`; the allow-list defaults to the platform's. */
export function runPolicyChecks(
  stack: SynthesizedStack,
  context: Partial<PolicyCheckContext> & Pick<PolicyCheckContext, 'requiredTags'>,
  rules: readonly PolicyRule[] = POLICY_RULES,
): Finding[] {
  const fullContext: PolicyCheckContext = { wildcardResourceAllowList: WILDCARD_RESOURCE_ALLOW_LIST, ...context };
  return rules.flatMap((rule) => rule.check(stack, fullContext));
}
