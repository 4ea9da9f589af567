import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { iamNoWildcardActions } from '../../../../constructs/shared/policy-checks/iam-no-wildcard-actions';
import { iamWildcardResourcesAllowListed } from '../../../../constructs/shared/policy-checks/iam-wildcard-resources-allow-listed';
import { policyDocument, PolicyStatement } from '../../../../constructs/shared/iam';
import { context, synthStack } from './policy-check-support';

const trust = policyDocument([{ actions: ['sts:AssumeRole'], principals: { Service: ['lambda.amazonaws.com'] } }]);

function roleWith(statements: PolicyStatement[]) {
  return synthStack((stack) => {
    const role = new IamRole(stack, 'role', { name: 'r', assumeRolePolicy: trust });
    new IamRolePolicy(stack, 'policy', { role: role.id, policy: policyDocument(statements) });
  });
}

describe('iam-no-wildcard-actions', () => {
  it('Noncompliance 1: a role policy allows "*"', () => {
    const findings = iamNoWildcardActions.check(roleWith([{ actions: ['*'], resources: ['arn:aws:s3:::b'] }]), context);
    expect(findings).toHaveLength(1);
    expect(findings[0].address).toBe('aws_iam_role_policy.policy');
    expect(findings[0].message).toContain('allows action "*"');
  });

  it('Noncompliance 2: a role policy allows "s3:*"', () => {
    const findings = iamNoWildcardActions.check(roleWith([{ sid: 'All', actions: ['s3:GetObject', 's3:*'], resources: ['arn:aws:s3:::b/*'] }]), context);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('statement "All" of policy allows action "s3:*"');
  });

  it('Noncompliance 3: a trust policy allows "sts:*"', () => {
    const stack = synthStack((scope) => {
      new IamRole(scope, 'role', {
        name: 'r',
        assumeRolePolicy: policyDocument([{ actions: ['sts:*'], principals: { Service: ['lambda.amazonaws.com'] } }]),
      });
    });
    const findings = iamNoWildcardActions.check(stack, context);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('of assume_role_policy allows action "sts:*"');
  });

  it('Noncompliance 4: a queue policy allows "sqs:*"', () => {
    const stack = synthStack((scope) => {
      new SqsQueuePolicy(scope, 'queue-policy', {
        queueUrl: 'https://example.invalid/q',
        policy: policyDocument([{ actions: ['sqs:*'], principals: { Service: ['events.amazonaws.com'] }, resources: ['arn:aws:sqs:us-east-1:1:q'] }]),
      });
    });
    expect(iamNoWildcardActions.check(stack, context).map((finding) => finding.address)).toEqual(['aws_sqs_queue_policy.queue-policy']);
  });

  it('Noncompliance 5: an Allow statement uses NotAction', () => {
    const stack = synthStack((scope) => {
      const role = new IamRole(scope, 'role', { name: 'r', assumeRolePolicy: trust });
      new IamRolePolicy(scope, 'policy', {
        role: role.id,
        policy: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' } }),
      });
    });
    const findings = iamNoWildcardActions.check(stack, context);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('through NotAction');
  });

  it('Compliance: listed actions and a Deny on "s3:*"', () => {
    const stack = synthStack((scope) => {
      const role = new IamRole(scope, 'role', { name: 'r', assumeRolePolicy: trust });
      new IamRolePolicy(scope, 'policy', { role: role.id, policy: policyDocument([{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]) });
      new S3BucketPolicy(scope, 'bucket-policy', {
        bucket: 'b',
        policy: policyDocument([
          {
            effect: 'Deny',
            principals: { AWS: ['*'] },
            actions: ['s3:*'],
            resources: ['arn:aws:s3:::b'],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      });
    });
    expect(iamNoWildcardActions.check(stack, context)).toEqual([]);
  });
});

describe('iam-wildcard-resources-allow-listed', () => {
  it('Noncompliance 1: an action outside the allow-list on "*"', () => {
    const findings = iamWildcardResourcesAllowListed.check(roleWith([{ actions: ['dynamodb:GetItem'], resources: ['*'] }]), context);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('grants "dynamodb:GetItem" on "*"');
  });

  it('Noncompliance 2: one listed and one unlisted action', () => {
    const findings = iamWildcardResourcesAllowListed.check(roleWith([{ actions: ['xray:PutTraceSegments', 's3:ListAllMyBuckets'], resources: ['*'] }]), context);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining('"s3:ListAllMyBuckets"')]);
  });

  it('Compliance: allow-listed actions on "*"', () => {
    expect(iamWildcardResourcesAllowListed.check(roleWith([{ actions: ['xray:PutTraceSegments'], resources: ['*'] }]), context)).toEqual([]);
  });

  it('Compliance: other actions on named resources', () => {
    expect(iamWildcardResourcesAllowListed.check(roleWith([{ actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:us-east-1:1:table/t'] }]), context)).toEqual([]);
  });

  it('uses the allow-list of the context', () => {
    const findings = iamWildcardResourcesAllowListed.check(roleWith([{ actions: ['xray:PutTraceSegments'], resources: ['*'] }]), {
      ...context,
      wildcardResourceAllowList: {},
    });
    expect(findings).toHaveLength(1);
  });
});
