/**
 * Storage of the silo tenants' Terraform. The state bucket has one key per tenant,
 * `tenants/<tenantId>/terraform.tfstate`, locked by S3's native lock file. The template
 * bucket keeps every published tenant-template artifact. An SSM parameter names the template
 * version that new silo tenants get.
 */
import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { SecureBucket } from '../shared/secure-bucket';

/** Key prefix of the state files in the state bucket; the provisioning role may touch only it. */
export const TENANT_STATE_KEY_PREFIX = 'tenants/';
/** Key prefix of template artifacts (`<prefix>/<version>.zip`) in the template bucket. */
export const TEMPLATE_KEY_PREFIX = 'tenant-template';
/** Version the parameter starts at, before the first release publishes a template. */
export const INITIAL_TEMPLATE_VERSION = '0.0.0';

export interface TenantTemplateStorageProps {
  readonly stateBucketName: string;
  readonly templateBucketName: string;
  readonly templateVersionParameterName: string;
}

export class TenantTemplateStorage extends Construct {
  readonly stateBucket: SecureBucket;
  readonly templateBucket: SecureBucket;
  readonly templateVersionParameter: SsmParameter;

  constructor(scope: Construct, id: string, props: TenantTemplateStorageProps) {
    super(scope, id);

    this.stateBucket = new SecureBucket(this, 'state', { bucketName: props.stateBucketName });
    this.templateBucket = new SecureBucket(this, 'templates', { bucketName: props.templateBucketName });

    this.templateVersionParameter = new SsmParameter(this, 'template-version', {
      name: props.templateVersionParameterName,
      description: 'Tenant-template version that new silo tenants are provisioned with',
      type: 'String',
      value: INITIAL_TEMPLATE_VERSION,
      // Releases move the version; a later apply of this stack must not move it back.
      lifecycle: { ignoreChanges: ['value'] },
    });
  }
}
