/**
 * No Allow statement grants every action (`*`) or every action of a service (`s3:*`), and
 * none uses `NotAction`, which grants everything it does not list. Deny statements may use
 * wildcards, because they only take access away, as the bucket policies that reject
 * requests without TLS do.
 */
import { asList, policyDocumentsOf, statementLabel } from './terraform-json';
import type { Finding, PolicyRule } from './types';

const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

const RULE_ID = 'iam-no-wildcard-actions';

export const iamNoWildcardActions: PolicyRule = {
  id: RULE_ID,
  description: 'Allow statements list their actions: no "*", no "service:*" and no NotAction.',
  check(stack) {
    const findings: Finding[] = [];
    for (const policy of policyDocumentsOf(stack)) {
      for (const statement of policy.statements) {
        if ((statement.Effect ?? 'Allow') !== 'Allow') {
          continue;
        }
        const label = statementLabel(policy, statement);
        for (const action of asList(statement.Action)) {
          if (WILDCARD_ACTION.test(action)) {
            findings.push({
              rule: RULE_ID,
              address: policy.resource.address,
              message: `${label} allows action "${action}"; list the actions the principal needs`,
            });
          }
        }
        if (statement.NotAction !== undefined) {
          findings.push({
            rule: RULE_ID,
            address: policy.resource.address,
            message: `${label} allows every action except ${JSON.stringify(statement.NotAction)} through NotAction; list the actions instead`,
          });
        }
      }
    }
    return findings;
  },
};
