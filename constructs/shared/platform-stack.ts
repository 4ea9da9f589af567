/**
 * Base class of the three stacks: the pinned AWS provider and the platform's tags on every
 * taggable resource.
 */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PlatformConfig, platformTags } from '../../config/platform-config';
import { ResourceNames } from '../../config/naming';
import { createAwsProvider } from './aws-provider';
import { tagAllResources } from './tagging';

/** Oldest Terraform CLI the synthesised stacks accept. */
export const MINIMUM_TERRAFORM_VERSION = '1.10.0';

export interface PlatformStackProps {
  readonly config: PlatformConfig;
  /** Tags added to the platform's tags on every taggable resource of this stack. */
  readonly extraTags?: Record<string, string>;
}

export class PlatformStack extends TerraformStack {
  readonly config: PlatformConfig;
  readonly names: ResourceNames;
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    this.config = props.config;
    this.names = new ResourceNames(props.config.prefix);
    this.provider = createAwsProvider(this, props.config);
    // The bindings write the source as `aws`; the full address names the registry namespace.
    this.addOverride('terraform.required_providers.aws.source', 'hashicorp/aws');
    // The S3 backend's native lock file (`use_lockfile`), which the jobs use, arrived in 1.10.
    this.addOverride('terraform.required_version', `>= ${MINIMUM_TERRAFORM_VERSION}`);
    tagAllResources(this, { ...platformTags(props.config), ...(props.extraTags ?? {}) });
  }
}
