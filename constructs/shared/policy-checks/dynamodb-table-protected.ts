/** Every DynamoDB table has point-in-time recovery and server-side encryption with KMS switched on. */
import { block, resourcesOf } from './terraform-json';
import type { Finding, PolicyRule } from './types';

const RULE_ID = 'dynamodb-table-protected';

export const dynamodbTableProtected: PolicyRule = {
  id: RULE_ID,
  description: 'DynamoDB tables have point-in-time recovery and server-side encryption enabled.',
  check(stack) {
    const findings: Finding[] = [];
    for (const table of resourcesOf(stack, 'aws_dynamodb_table')) {
      if (block(table.config.point_in_time_recovery)?.enabled !== true) {
        findings.push({ rule: RULE_ID, address: table.address, message: 'point_in_time_recovery is not enabled; set point_in_time_recovery { enabled = true }' });
      }
      if (block(table.config.server_side_encryption)?.enabled !== true) {
        findings.push({ rule: RULE_ID, address: table.address, message: 'server_side_encryption is not enabled; set server_side_encryption { enabled = true }' });
      }
    }
    return findings;
  },
};
