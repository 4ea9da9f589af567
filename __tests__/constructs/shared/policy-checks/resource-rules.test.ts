import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { dynamodbTableProtected } from '../../../../constructs/shared/policy-checks/dynamodb-table-protected';
import { s3BucketHardened } from '../../../../constructs/shared/policy-checks/s3-bucket-hardened';
import { logGroupRetention } from '../../../../constructs/shared/policy-checks/log-group-retention';
import { lambdaTracedWithOwnLogGroup } from '../../../../constructs/shared/policy-checks/lambda-traced-with-own-log-group';
import { isTaggableType, resourcesTagged } from '../../../../constructs/shared/policy-checks/resources-tagged';
import { PlatformTable } from '../../../../constructs/shared/platform-table';
import { SecureBucket } from '../../../../constructs/shared/secure-bucket';
import { CONTROL_PLANE_TABLES } from '../../../../constructs/shared/table-specs';
import { context, synthStack } from './policy-check-support';

describe('dynamodb-table-protected', () => {
  it('Noncompliance 1: no point-in-time recovery', () => {
    const stack = synthStack((scope) => {
      new DynamodbTable(scope, 't', { name: 't', hashKey: 'id', attribute: [{ name: 'id', type: 'S' }], serverSideEncryption: { enabled: true } });
    });
    const findings = dynamodbTableProtected.check(stack, context);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining('point_in_time_recovery is not enabled')]);
  });

  it('Noncompliance 2: no server-side encryption', () => {
    const stack = synthStack((scope) => {
      new DynamodbTable(scope, 't', { name: 't', hashKey: 'id', attribute: [{ name: 'id', type: 'S' }], pointInTimeRecovery: { enabled: true } });
    });
    const findings = dynamodbTableProtected.check(stack, context);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining('server_side_encryption is not enabled')]);
  });

  it('Compliance: a PlatformTable', () => {
    const stack = synthStack((scope) => new PlatformTable(scope, 't', { tableName: 't', spec: CONTROL_PLANE_TABLES.tenants }));
    expect(dynamodbTableProtected.check(stack, context)).toEqual([]);
  });
});

describe('s3-bucket-hardened', () => {
  it('Noncompliance 1: a bare bucket fails all three checks', () => {
    const stack = synthStack((scope) => new S3Bucket(scope, 'b', { bucket: 'b' }));
    const messages = s3BucketHardened.check(stack, context).map((finding) => finding.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('versioning is not enabled');
    expect(messages[1]).toContain('default encryption is not configured');
    expect(messages[2]).toContain('public access is not fully blocked');
  });

  it('Noncompliance 2: suspended versioning and a partial public access block', () => {
    const stack = synthStack((scope) => {
      const bucket = new S3Bucket(scope, 'b', { bucket: 'b' });
      new S3BucketVersioningA(scope, 'v', { bucket: bucket.id, versioningConfiguration: { status: 'Suspended' } });
      new S3BucketPublicAccessBlock(scope, 'p', {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      });
    });
    const messages = s3BucketHardened.check(stack, context).map((finding) => finding.message);
    expect(messages).toEqual([
      expect.stringContaining('versioning is not enabled'),
      expect.stringContaining('default encryption'),
      expect.stringContaining('public access is not fully blocked'),
    ]);
  });

  it('Noncompliance 3: settings of another bucket do not count', () => {
    const stack = synthStack((scope) => {
      new SecureBucket(scope, 'hardened', { bucketName: 'hardened' });
      new S3Bucket(scope, 'bare', { bucket: 'bare' });
    });
    const findings = s3BucketHardened.check(stack, context);
    expect(new Set(findings.map((finding) => finding.address))).toEqual(new Set(['aws_s3_bucket.bare']));
  });

  it('Compliance: a SecureBucket', () => {
    const stack = synthStack((scope) => new SecureBucket(scope, 'b', { bucketName: 'b' }));
    expect(s3BucketHardened.check(stack, context)).toEqual([]);
  });
});

describe('log-group-retention', () => {
  it('Noncompliance: a log group without retention', () => {
    const stack = synthStack((scope) => new CloudwatchLogGroup(scope, 'g', { name: '/x' }));
    expect(logGroupRetention.check(stack, context).map((finding) => finding.message)).toEqual([expect.stringContaining('retention_in_days is undefined')]);
  });

  it('Compliance: a log group with retention', () => {
    const stack = synthStack((scope) => new CloudwatchLogGroup(scope, 'g', { name: '/x', retentionInDays: 30 }));
    expect(logGroupRetention.check(stack, context)).toEqual([]);
  });
});

describe('lambda-traced-with-own-log-group', () => {
  const base = { role: 'arn:aws:iam::1:role/r', runtime: 'nodejs20.x', handler: 'index.handler', filename: 'f.zip' };

  it('Noncompliance 1: no tracing and no log group', () => {
    const stack = synthStack((scope) => new LambdaFunction(scope, 'f', { ...base, functionName: 'f' }));
    const messages = lambdaTracedWithOwnLogGroup.check(stack, context).map((finding) => finding.message);
    expect(messages).toEqual([expect.stringContaining('tracing_config.mode is not "Active"'), expect.stringContaining('has no log group in the stack')]);
  });

  it('Noncompliance 2: two functions share a log group', () => {
    const stack = synthStack((scope) => {
      const group = new CloudwatchLogGroup(scope, 'g', { name: '/shared', retentionInDays: 7 });
      for (const name of ['a', 'b']) {
        new LambdaFunction(scope, name, { ...base, functionName: name, tracingConfig: { mode: 'Active' }, loggingConfig: { logFormat: 'JSON', logGroup: group.name } });
      }
    });
    const findings = lambdaTracedWithOwnLogGroup.check(stack, context);
    expect(findings).toHaveLength(1);
    expect(findings[0].address).toBe('aws_lambda_function.b');
    expect(findings[0].message).toContain('is also used by aws_lambda_function.a');
  });

  it('Compliance: a log group set in logging_config', () => {
    const stack = synthStack((scope) => {
      const group = new CloudwatchLogGroup(scope, 'g', { name: '/aws/lambda/f', retentionInDays: 7 });
      new LambdaFunction(scope, 'f', { ...base, functionName: 'f', tracingConfig: { mode: 'Active' }, loggingConfig: { logFormat: 'JSON', logGroup: group.name } });
    });
    expect(lambdaTracedWithOwnLogGroup.check(stack, context)).toEqual([]);
  });

  it('Compliance: the default log group name', () => {
    const stack = synthStack((scope) => {
      new CloudwatchLogGroup(scope, 'g', { name: '/aws/lambda/f', retentionInDays: 7 });
      new LambdaFunction(scope, 'f', { ...base, functionName: 'f', tracingConfig: { mode: 'Active' } });
    });
    expect(lambdaTracedWithOwnLogGroup.check(stack, context)).toEqual([]);
  });
});

describe('resources-tagged', () => {
  it('knows which resource types take tags', () => {
    expect(isTaggableType('aws_s3_bucket')).toBe(true);
    expect(isTaggableType('aws_s3_bucket_policy')).toBe(false);
    expect(isTaggableType('aws_iam_role_policy')).toBe(false);
  });

  it('Noncompliance 1: a taggable resource without tags', () => {
    const stack = synthStack((scope) => new SqsQueue(scope, 'q', { name: 'q' }));
    const findings = resourcesTagged.check(stack, context);
    expect(findings).toEqual([{ rule: 'resources-tagged', address: 'aws_sqs_queue.q', message: 'missing or different tags: Platform="acme"' }]);
  });

  it('Noncompliance 2: a tag with another value', () => {
    const stack = synthStack((scope) => new SqsQueue(scope, 'q', { name: 'q', tags: { Platform: 'other' } }));
    expect(resourcesTagged.check(stack, context)).toHaveLength(1);
  });

  it('Noncompliance 3: tenant tags missing in the template', () => {
    const stack = synthStack((scope) => new SqsQueue(scope, 'q', { name: 'q', tags: { Platform: 'acme' } }));
    const findings = resourcesTagged.check(stack, { ...context, requiredTags: { Platform: 'acme', TenantId: '${var.tenant_id}' } });
    expect(findings[0].message).toBe('missing or different tags: TenantId="${var.tenant_id}"');
  });

  it('Compliance: tagged resources, and untaggable ones skipped', () => {
    const stack = synthStack((scope) => {
      new SqsQueue(scope, 'q', { name: 'q', tags: { Platform: 'acme', Extra: 'x' } });
      new S3BucketVersioningA(scope, 'v', { bucket: 'b', versioningConfiguration: { status: 'Enabled' } });
    });
    expect(resourcesTagged.check(stack, context)).toEqual([]);
  });
});
