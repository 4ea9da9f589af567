/**
 * An S3 bucket with the platform's hardening: versioning, default encryption (SSE-S3),
 * a public access block with all four settings on, BucketOwnerEnforced object ownership
 * (ACLs disabled), and a bucket policy that denies any request not made over TLS.
 */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { PolicyStatement, policyDocument } from './iam';

export interface SecureBucketProps {
  readonly bucketName: string;
  /** Statements added to the bucket policy after the TLS-only denial. */
  readonly policyStatements?: readonly PolicyStatement[];
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);

    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName });

    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          sid: 'DenyRequestsWithoutTls',
          effect: 'Deny',
          principals: { AWS: ['*'] },
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        ...(props.policyStatements ?? []),
      ]),
      // S3 rejects a bucket policy while the public access block is being written.
      dependsOn: [publicAccessBlock],
    });
  }

  get name(): string {
    return this.bucket.bucket;
  }

  get arn(): string {
    return this.bucket.arn;
  }
}
