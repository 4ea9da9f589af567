/** Every CloudWatch log group sets a retention, so logs do not accumulate (and cost) for ever. */
import { resourcesOf } from './terraform-json';
import type { Finding, PolicyRule } from './types';

const RULE_ID = 'log-group-retention';

export const logGroupRetention: PolicyRule = {
  id: RULE_ID,
  description: 'CloudWatch log groups set retention_in_days.',
  check(stack) {
    const findings: Finding[] = [];
    for (const group of resourcesOf(stack, 'aws_cloudwatch_log_group')) {
      const retention = group.config.retention_in_days;
      const valid = (typeof retention === 'number' && retention > 0) || (typeof retention === 'string' && retention.startsWith('${'));
      if (!valid) {
        findings.push({ rule: RULE_ID, address: group.address, message: `retention_in_days is ${JSON.stringify(retention)}; set a retention in days` });
      }
    }
    return findings;
  },
};
