/**
 * An aspect that writes the platform's tags on every taggable resource of a stack, so tags
 * appear in the synthesised JSON itself and cost reports do not depend on provider-level
 * default tags.
 */
import { IConstruct } from 'constructs';
import { Aspects, IAspect, TerraformResource } from 'cdktf';

/** True for resources whose provider schema has a `tags` argument. */
export function isTaggable(node: IConstruct): node is TaggableResource {
  return node instanceof TerraformResource && 'tagsInput' in node;
}

type TaggableResource = TerraformResource & {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
};

export class TagResources implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node)) {
      return;
    }
    // Tags set on the resource itself win over the platform's.
    node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
  }
}

export function tagAllResources(scope: IConstruct, tags: Record<string, string>): void {
  Aspects.of(scope).add(new TagResources(tags));
}
