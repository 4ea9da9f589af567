/**
 * IAM statements of the deployment pipeline's roles: the pipeline itself, the build project
 * and the deploy project. Every statement names the platform's own resources by prefix; the
 * few account-level actions that have no resource ARN are on the wildcard allow-list.
 */
import type { PolicyStatement } from '../../shared/iam';
import type { PlatformConfig } from '../../../config/platform-config';
import { deployStatementsFor } from './deploy-permissions';

export interface PipelineResources {
  readonly config: PlatformConfig;
  readonly artifactBucketArn: string;
  readonly sourceObjectKey?: string;
  readonly connectionArn?: string;
  readonly templateBucketArn: string;
  readonly templateKeyPrefix: string;
  readonly stateBucketArn: string;
  readonly templateVersionParameterArn: string;
  readonly projectArns: readonly string[];
  readonly rolloutStateMachineArn: string;
  readonly rolloutStateMachineName: string;
}

/** Lists what the CodePipeline service role may do: read the source, pass artifacts, start the builds and the rollout. */
export function pipelineRoleStatements(resources: PipelineResources): PolicyStatement[] {
  const { region, accountId } = resources.config;
  const statements: PolicyStatement[] = [
    {
      sid: 'ReadWriteArtifacts',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
      resources: [`${resources.artifactBucketArn}/*`],
    },
    {
      sid: 'ReadArtifactBucket',
      actions: ['s3:GetBucketVersioning', 's3:GetBucketLocation', 's3:ListBucket'],
      resources: [resources.artifactBucketArn],
    },
    {
      sid: 'RunBuilds',
      actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds', 'codebuild:StopBuild'],
      resources: [...resources.projectArns],
    },
    {
      sid: 'StartRollout',
      actions: ['states:StartExecution', 'states:DescribeStateMachine'],
      resources: [resources.rolloutStateMachineArn],
    },
    {
      sid: 'WatchRollout',
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: [`arn:aws:states:${region}:${accountId}:execution:${resources.rolloutStateMachineName}:*`],
    },
  ];
  if (resources.connectionArn) {
    statements.push({
      sid: 'UseSourceConnection',
      actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'],
      resources: [resources.connectionArn],
    });
  }
  return statements;
}

/** Lists what the build project may do: use pipeline artifacts, publish template versions and move the version parameter. */
export function buildRoleStatements(resources: PipelineResources, logGroupArn: string): PolicyStatement[] {
  return [
    { sid: 'WriteBuildLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] },
    {
      sid: 'ReadWriteArtifacts',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
      resources: [`${resources.artifactBucketArn}/*`],
    },
    {
      sid: 'PublishTemplates',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [`${resources.templateBucketArn}/${resources.templateKeyPrefix}/*`],
    },
    {
      // Without ListBucket, S3 returns 403 instead of 404 for a HeadObject of a missing key.
      sid: 'ListTemplates',
      actions: ['s3:ListBucket'],
      resources: [resources.templateBucketArn],
      conditions: { StringLike: { 's3:prefix': [`${resources.templateKeyPrefix}/*`] } },
    },
    { sid: 'SetTemplateVersion', actions: ['ssm:PutParameter', 'ssm:GetParameter'], resources: [resources.templateVersionParameterArn] },
    ...(resources.connectionArn
      ? [{ sid: 'UseSourceConnection', actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'], resources: [resources.connectionArn] }]
      : []),
  ];
}

/**
 * Lists what the deploy project may do: use the platform stacks' state and lock files under
 * `platform/`, and manage the resource types the control-plane and application-plane stacks declare.
 */
export function deployRoleStatements(resources: PipelineResources, logGroupArn: string): PolicyStatement[] {
  return [
    { sid: 'WriteBuildLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] },
    { sid: 'ReadArtifacts', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${resources.artifactBucketArn}/*`] },
    {
      sid: 'ReadWritePlatformState',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [`${resources.stateBucketArn}/${PLATFORM_STATE_KEY_PREFIX}*`],
    },
    {
      sid: 'ListPlatformState',
      actions: ['s3:ListBucket'],
      resources: [resources.stateBucketArn],
      conditions: { StringLike: { 's3:prefix': [`${PLATFORM_STATE_KEY_PREFIX}*`] } },
    },
    ...deployStatementsFor(resources.config),
  ];
}

/** Key prefix of the platform stacks' state files in the state bucket. */
export const PLATFORM_STATE_KEY_PREFIX = 'platform/';
