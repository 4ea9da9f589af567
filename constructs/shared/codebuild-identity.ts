/**
 * The log group and service role that every CodeBuild project of the platform starts with.
 * The role trusts CodeBuild for this account only, and each project attaches its own policy.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { PlatformConfig } from '../../config/platform-config';
import { policyDocument } from './iam';

export interface CodeBuildIdentity {
  /** The project's log group, `/aws/codebuild/<project name>`, with the platform's retention. */
  readonly logGroup: CloudwatchLogGroup;
  /** The project's service role, `<project name>-role`. */
  readonly role: IamRole;
}

/** Creates the log group (id `logs`) and service role (id `role`) of project `projectName` in `scope`. */
export function codeBuildIdentity(scope: Construct, projectName: string, config: PlatformConfig): CodeBuildIdentity {
  const logGroup = new CloudwatchLogGroup(scope, 'logs', {
    name: `/aws/codebuild/${projectName}`,
    retentionInDays: config.logRetentionDays,
  });

  const role = new IamRole(scope, 'role', {
    name: `${projectName}-role`,
    assumeRolePolicy: policyDocument([
      {
        actions: ['sts:AssumeRole'],
        principals: { Service: ['codebuild.amazonaws.com'] },
        conditions: { StringEquals: { 'aws:SourceAccount': config.accountId } },
      },
    ]),
  });
  return { logGroup, role };
}
