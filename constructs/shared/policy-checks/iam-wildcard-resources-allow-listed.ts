/**
 * An Allow statement on `"Resource": "*"` grants only actions of the wildcard-resource
 * allow-list, where AWS offers no narrower resource. Any other action must name its ARNs.
 */
import { asList, policyDocumentsOf, statementLabel } from './terraform-json';
import type { Finding, PolicyRule } from './types';

const RULE_ID = 'iam-wildcard-resources-allow-listed';

export const iamWildcardResourcesAllowListed: PolicyRule = {
  id: RULE_ID,
  description: 'Allow statements on "Resource": "*" grant only allow-listed actions.',
  check(stack, context) {
    const findings: Finding[] = [];
    for (const policy of policyDocumentsOf(stack)) {
      for (const statement of policy.statements) {
        if ((statement.Effect ?? 'Allow') !== 'Allow' || !asList(statement.Resource).includes('*')) {
          continue;
        }
        const label = statementLabel(policy, statement);
        for (const action of asList(statement.Action)) {
          if (!(action in context.wildcardResourceAllowList)) {
            findings.push({
              rule: RULE_ID,
              address: policy.resource.address,
              message:
                `${label} grants "${action}" on "*"; name the resource ARNs, or add the action to ` +
                'WILDCARD_RESOURCE_ALLOW_LIST with the reason AWS offers nothing narrower',
            });
          }
        }
        if (statement.NotAction !== undefined) {
          findings.push({
            rule: RULE_ID,
            address: policy.resource.address,
            message: `${label} uses NotAction on "*", which no allow-list entry can cover`,
          });
        }
      }
    }
    return findings;
  },
};
