/**
 * Every Lambda function has active X-Ray tracing and writes to a log group of its own that
 * the stack manages (and so gives a retention): either `logging_config.log_group` names a
 * log group of the stack, or a log group named `/aws/lambda/<function name>` exists.
 */
import { block, refersTo, resourcesOf, ResourceEntry } from './terraform-json';
import type { Finding, PolicyRule } from './types';

const RULE_ID = 'lambda-traced-with-own-log-group';

export const lambdaTracedWithOwnLogGroup: PolicyRule = {
  id: RULE_ID,
  description: 'Lambda functions have active tracing and their own managed log group.',
  check(stack) {
    const findings: Finding[] = [];
    const logGroups = resourcesOf(stack, 'aws_cloudwatch_log_group');
    const owners = new Map<string, string>();

    for (const fn of resourcesOf(stack, 'aws_lambda_function')) {
      if (block(fn.config.tracing_config)?.mode !== 'Active') {
        findings.push({ rule: RULE_ID, address: fn.address, message: 'tracing_config.mode is not "Active"; enable X-Ray tracing' });
      }

      const group = logGroupOf(fn, logGroups);
      if (!group) {
        findings.push({
          rule: RULE_ID,
          address: fn.address,
          message: 'the function has no log group in the stack; set logging_config.log_group to an aws_cloudwatch_log_group of the stack',
        });
        continue;
      }
      const owner = owners.get(group.address);
      if (owner) {
        findings.push({ rule: RULE_ID, address: fn.address, message: `log group ${group.address} is also used by ${owner}; give each function its own` });
      }
      owners.set(group.address, fn.address);
    }
    return findings;
  },
};

function logGroupOf(fn: ResourceEntry, logGroups: readonly ResourceEntry[]): ResourceEntry | undefined {
  const configured = block(fn.config.logging_config)?.log_group;
  if (configured !== undefined) {
    return logGroups.find((group) => refersTo(configured, group, ['name', 'id']) || (typeof configured === 'string' && group.config.name === configured));
  }
  const defaultName = `/aws/lambda/${String(fn.config.function_name)}`;
  return logGroups.find((group) => group.config.name === defaultName);
}
