/**
 * Every taggable resource carries the required tags with the required values. Whether a
 * resource type takes tags comes from its CDKTF binding: a binding with a `tags` argument
 * has a `tagsInput` accessor.
 */
import { resourcesOf } from './terraform-json';
import type { Finding, PolicyRule } from './types';

const taggableByType = new Map<string, boolean>();

/** True when the AWS provider's resource `type` has a `tags` argument. */
export function isTaggableType(type: string): boolean {
  const known = taggableByType.get(type);
  if (known !== undefined) {
    return known;
  }
  let taggable = false;
  if (type.startsWith('aws_')) {
    const modulePath = `@cdktf/provider-aws/lib/${type.slice('aws_'.length).replace(/_/g, '-')}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bindings = require(modulePath) as Record<string, { tfResourceType?: string; prototype?: object }>;
    const binding = Object.values(bindings).find((candidate) => candidate?.tfResourceType === type);
    if (!binding?.prototype) {
      throw new Error(`resource type "${type}" has no CDKTF binding in ${modulePath}`);
    }
    taggable = 'tagsInput' in binding.prototype;
  }
  taggableByType.set(type, taggable);
  return taggable;
}

const RULE_ID = 'resources-tagged';

export const resourcesTagged: PolicyRule = {
  id: RULE_ID,
  description: 'Taggable resources carry the platform tags (and, in the tenant template, TenantId and Tier).',
  check(stack, context) {
    const findings: Finding[] = [];
    for (const resource of resourcesOf(stack)) {
      if (!isTaggableType(resource.type)) {
        continue;
      }
      const tags = (resource.config.tags ?? {}) as Record<string, unknown>;
      const missing = Object.entries(context.requiredTags).filter(([key, value]) => tags[key] !== value);
      if (missing.length > 0) {
        const wanted = missing.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ');
        findings.push({ rule: RULE_ID, address: resource.address, message: `missing or different tags: ${wanted}` });
      }
    }
    return findings;
  },
};
