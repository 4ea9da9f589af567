/** Builds a small stack for a policy rule's test and returns it as the rules read it. */
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { PolicyCheckContext, SynthesizedStack, TerraformJson } from '../../../../constructs/shared/policy-checks';
import { WILDCARD_RESOURCE_ALLOW_LIST } from '../../../../constructs/shared/wildcard-resource-allow-list';

export const context: PolicyCheckContext = {
  requiredTags: { Platform: 'acme' },
  wildcardResourceAllowList: WILDCARD_RESOURCE_ALLOW_LIST,
};

export function synthStack(build: (stack: TerraformStack) => void): SynthesizedStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'rule-test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return { name: 'rule-test', json: JSON.parse(Testing.synth(stack)) as TerraformJson };
}
