/**
 * Statements of the provisioning job's role. It reads and writes the tenants' state files
 * and lock files and reads template artifacts. It creates, changes and destroys only the
 * kinds of resources the tenant template declares, named with the platform prefix in the
 * configured region and account.
 */
import type { PolicyStatement } from '../shared/iam';
import type { PlatformConfig } from '../../config/platform-config';
import { TENANT_STATE_KEY_PREFIX } from './tenant-template-storage';

export interface ProvisioningResources {
  readonly config: PlatformConfig;
  readonly stateBucketArn: string;
  readonly templateBucketArn: string;
  readonly logGroupArn: string;
}

// NOTE: the action lists follow the tenant template's resource types and the calls the AWS
// provider makes for them. No apply has run against AWS, so a missing read action would
// first show as an AccessDenied in a provisioning job.
export function provisioningStatements(resources: ProvisioningResources): PolicyStatement[] {
  const { region, accountId, prefix } = resources.config;
  const logGroup = (name: string) => `arn:aws:logs:${region}:${accountId}:log-group:${name}`;
  const apiGateway = (resourcePath: string) => `arn:aws:apigateway:${region}::${resourcePath}`;
  const platformTag = { 'aws:ResourceTag/Platform': prefix };

  return [
    {
      sid: 'WriteJobLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${resources.logGroupArn}:*`],
    },
    {
      sid: 'ReadWriteTenantState',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [`${resources.stateBucketArn}/${TENANT_STATE_KEY_PREFIX}*`],
    },
    {
      sid: 'ListTenantState',
      actions: ['s3:ListBucket'],
      resources: [resources.stateBucketArn],
      conditions: { StringLike: { 's3:prefix': [`${TENANT_STATE_KEY_PREFIX}*`] } },
    },
    {
      sid: 'ReadTemplates',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [`${resources.templateBucketArn}/*`],
    },
    {
      sid: 'ListTemplates',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [resources.templateBucketArn],
    },
    {
      sid: 'ManageTenantTables',
      actions: [
        'dynamodb:CreateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeTable',
        'dynamodb:UpdateTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:ListTagsOfResource',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
      ],
      resources: [`arn:aws:dynamodb:${region}:${accountId}:table/${prefix}-*`],
    },
    {
      sid: 'ManageTenantFunctions',
      actions: [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:ListVersionsByFunction',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:GetFunctionConcurrency',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:GetPolicy',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:ListTags',
      ],
      resources: [`arn:aws:lambda:${region}:${accountId}:function:${prefix}-*`],
    },
    {
      sid: 'ManageTenantRoles',
      actions: [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:GetRole',
        'iam:UpdateRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:ListRoleTags',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
        'iam:PutRolePolicy',
        'iam:GetRolePolicy',
        'iam:DeleteRolePolicy',
      ],
      resources: [`arn:aws:iam::${accountId}:role/${prefix}-*`],
    },
    {
      sid: 'PassTenantRolesToLambda',
      actions: ['iam:PassRole'],
      resources: [`arn:aws:iam::${accountId}:role/${prefix}-*`],
      conditions: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    },
    {
      sid: 'ManageTenantLogGroups',
      actions: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:ListTagsForResource',
        'logs:TagLogGroup',
        'logs:UntagLogGroup',
        'logs:ListTagsLogGroup',
      ],
      resources: [
        logGroup(`/aws/lambda/${prefix}-*`),
        logGroup(`/aws/apigateway/${prefix}-*`),
      ],
    },
    {
      sid: 'ListLogGroups',
      actions: ['logs:DescribeLogGroups'],
      resources: ['*'],
    },
    {
      // API Gateway ARNs contain generated ids and no account, so the grant covers the
      // region's REST APIs, usage plans and API keys of the account.
      sid: 'ManageTenantApis',
      actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [
        apiGateway('/restapis'),
        apiGateway('/restapis/*'),
        apiGateway('/usageplans'),
        apiGateway('/usageplans/*'),
        apiGateway('/apikeys'),
        apiGateway('/apikeys/*'),
        apiGateway('/tags/*'),
      ],
    },
    {
      sid: 'CreateTenantUserPools',
      actions: ['cognito-idp:CreateUserPool'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestTag/Platform': prefix } },
    },
    {
      // User pool ARNs contain generated ids, so the grant covers pools tagged with the platform.
      sid: 'ManageTenantUserPools',
      actions: [
        'cognito-idp:DescribeUserPool',
        'cognito-idp:UpdateUserPool',
        'cognito-idp:DeleteUserPool',
        'cognito-idp:GetUserPoolMfaConfig',
        'cognito-idp:SetUserPoolMfaConfig',
        'cognito-idp:AddCustomAttributes',
        'cognito-idp:CreateUserPoolClient',
        'cognito-idp:DescribeUserPoolClient',
        'cognito-idp:UpdateUserPoolClient',
        'cognito-idp:DeleteUserPoolClient',
        'cognito-idp:CreateGroup',
        'cognito-idp:GetGroup',
        'cognito-idp:UpdateGroup',
        'cognito-idp:DeleteGroup',
        'cognito-idp:TagResource',
        'cognito-idp:UntagResource',
        'cognito-idp:ListTagsForResource',
      ],
      resources: [`arn:aws:cognito-idp:${region}:${accountId}:userpool/*`],
      conditions: { StringEquals: platformTag },
    },
  ];
}
