/**
 * What Terraform needs to create, change and delete the control-plane and application-plane
 * stacks, by service, on names that start with the platform prefix. `RESOURCE_TYPE_GROUPS`
 * maps each Terraform resource type to the groups that cover it. A test synthesises both
 * stacks and fails on a resource type that no group covers, so a new kind of resource cannot
 * ship without its permissions.
 *
 * NOTE: the action lists are an estimate of the calls the AWS provider makes for each
 * resource type. No apply has run against AWS, so a missing action shows up only at the
 * first real deployment.
 */
import type { PolicyStatement } from '../../shared/iam';
import type { PlatformConfig } from '../../../config/platform-config';

export type DeployGroup =
  | 'dynamodb'
  | 'iam'
  | 'lambda'
  | 'logs'
  | 's3'
  | 'ssm'
  | 'sqs'
  | 'events'
  | 'states'
  | 'codebuild'
  | 'codepipeline'
  | 'cognito'
  | 'apigateway';

/** The deploy groups each Terraform resource type of the platform stacks needs. */
export const RESOURCE_TYPE_GROUPS: Readonly<Record<string, readonly DeployGroup[]>> = {
  aws_dynamodb_table: ['dynamodb'],
  aws_iam_role: ['iam'],
  aws_iam_role_policy: ['iam'],
  aws_lambda_function: ['lambda', 'iam'],
  aws_lambda_permission: ['lambda'],
  aws_lambda_function_event_invoke_config: ['lambda'],
  aws_cloudwatch_log_group: ['logs'],
  aws_s3_bucket: ['s3'],
  aws_s3_bucket_versioning: ['s3'],
  aws_s3_bucket_server_side_encryption_configuration: ['s3'],
  aws_s3_bucket_public_access_block: ['s3'],
  aws_s3_bucket_ownership_controls: ['s3'],
  aws_s3_bucket_policy: ['s3'],
  aws_s3_bucket_notification: ['s3'],
  aws_s3_object: ['s3'],
  aws_ssm_parameter: ['ssm'],
  aws_sqs_queue: ['sqs'],
  aws_sqs_queue_policy: ['sqs'],
  aws_sqs_queue_redrive_policy: ['sqs'],
  aws_cloudwatch_event_bus: ['events'],
  aws_cloudwatch_event_archive: ['events'],
  aws_cloudwatch_event_rule: ['events'],
  aws_cloudwatch_event_target: ['events', 'iam'],
  aws_sfn_state_machine: ['states', 'iam'],
  aws_codebuild_project: ['codebuild', 'iam'],
  aws_codepipeline: ['codepipeline', 'iam'],
  aws_cognito_user_pool: ['cognito'],
  aws_cognito_user_pool_client: ['cognito'],
  aws_cognito_user_pool_domain: ['cognito'],
  aws_cognito_resource_server: ['cognito'],
  aws_cognito_user_group: ['cognito'],
  aws_apigatewayv2_api: ['apigateway'],
  aws_apigatewayv2_stage: ['apigateway', 'logs'],
  aws_apigatewayv2_route: ['apigateway'],
  aws_apigatewayv2_integration: ['apigateway'],
  aws_apigatewayv2_authorizer: ['apigateway'],
  aws_api_gateway_rest_api: ['apigateway'],
  aws_api_gateway_resource: ['apigateway'],
  aws_api_gateway_method: ['apigateway'],
  aws_api_gateway_method_settings: ['apigateway'],
  aws_api_gateway_integration: ['apigateway'],
  aws_api_gateway_authorizer: ['apigateway'],
  aws_api_gateway_deployment: ['apigateway'],
  aws_api_gateway_stage: ['apigateway', 'logs'],
  aws_api_gateway_usage_plan: ['apigateway'],
  aws_api_gateway_account: ['apigateway', 'iam'],
  aws_api_gateway_gateway_response: ['apigateway'],
  aws_api_gateway_request_validator: ['apigateway'],
};

/** Services that the deploy role may pass platform roles to. */
const ROLE_CONSUMERS = [
  'lambda.amazonaws.com',
  'states.amazonaws.com',
  'events.amazonaws.com',
  'codebuild.amazonaws.com',
  'codepipeline.amazonaws.com',
  'apigateway.amazonaws.com',
];

function groupStatements(config: PlatformConfig): Record<DeployGroup, PolicyStatement[]> {
  const { region, accountId, prefix } = config;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const platformTag = { 'aws:ResourceTag/Platform': prefix };

  return {
    dynamodb: [
      {
        sid: 'DeployTables',
        actions: [
          'dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable',
          'dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups', 'dynamodb:DescribeTimeToLive',
          'dynamodb:UpdateTimeToLive', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:UntagResource',
        ],
        resources: [arn('dynamodb', `table/${prefix}-*`)],
      },
    ],
    iam: [
      {
        sid: 'DeployRoles',
        actions: [
          'iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy',
          'iam:TagRole', 'iam:UntagRole', 'iam:ListRoleTags', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies',
          'iam:ListInstanceProfilesForRole', 'iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy',
        ],
        resources: [`arn:aws:iam::${accountId}:role/${prefix}-*`],
      },
      {
        sid: 'PassPlatformRoles',
        actions: ['iam:PassRole'],
        resources: [`arn:aws:iam::${accountId}:role/${prefix}-*`],
        conditions: { StringEquals: { 'iam:PassedToService': ROLE_CONSUMERS } },
      },
    ],
    lambda: [
      {
        sid: 'DeployFunctions',
        actions: [
          'lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration',
          'lambda:GetFunctionCodeSigningConfig', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration',
          'lambda:ListVersionsByFunction', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency',
          'lambda:GetFunctionConcurrency', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy',
          'lambda:PutFunctionEventInvokeConfig', 'lambda:GetFunctionEventInvokeConfig', 'lambda:UpdateFunctionEventInvokeConfig',
          'lambda:DeleteFunctionEventInvokeConfig', 'lambda:TagResource', 'lambda:UntagResource', 'lambda:ListTags',
        ],
        resources: [arn('lambda', `function:${prefix}-*`)],
      },
    ],
    logs: [
      {
        sid: 'DeployLogGroups',
        actions: [
          'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
          'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource', 'logs:TagLogGroup', 'logs:UntagLogGroup', 'logs:ListTagsLogGroup',
        ],
        resources: [
          arn('logs', `log-group:/aws/lambda/${prefix}-*`),
          arn('logs', `log-group:/aws/vendedlogs/states/${prefix}-*`),
          arn('logs', `log-group:/aws/codebuild/${prefix}-*`),
          arn('logs', `log-group:/aws/apigateway/${prefix}-*`),
          arn('logs', `log-group:/aws/http-api/${prefix}-*`),
        ],
      },
      { sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] },
    ],
    s3: [
      {
        sid: 'DeployBuckets',
        actions: [
          's3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketTagging', 's3:PutBucketTagging',
          's3:GetBucketVersioning', 's3:PutBucketVersioning', 's3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration',
          's3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', 's3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls',
          's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketNotification', 's3:PutBucketNotification',
          's3:GetBucketAcl', 's3:GetBucketCORS', 's3:GetBucketWebsite', 's3:GetBucketLogging', 's3:GetLifecycleConfiguration',
          's3:GetReplicationConfiguration', 's3:GetAccelerateConfiguration', 's3:GetBucketRequestPayment', 's3:GetBucketObjectLockConfiguration',
        ],
        resources: [`arn:aws:s3:::${prefix}-*`],
      },
      {
        sid: 'DeployObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging', 's3:PutObjectTagging'],
        resources: [`arn:aws:s3:::${prefix}-*/*`],
      },
    ],
    ssm: [
      {
        sid: 'DeployParameters',
        actions: [
          'ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:DeleteParameter',
          'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource',
        ],
        resources: [arn('ssm', `parameter/${prefix}/*`)],
      },
      { sid: 'DescribeParameters', actions: ['ssm:DescribeParameters'], resources: ['*'] },
    ],
    sqs: [
      {
        sid: 'DeployQueues',
        actions: [
          'sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:GetQueueUrl',
          'sqs:TagQueue', 'sqs:UntagQueue', 'sqs:ListQueueTags',
        ],
        resources: [arn('sqs', `${prefix}-*`)],
      },
    ],
    events: [
      {
        sid: 'DeployEventBusAndRules',
        actions: [
          'events:CreateEventBus', 'events:DeleteEventBus', 'events:DescribeEventBus', 'events:UpdateEventBus',
          'events:CreateArchive', 'events:DeleteArchive', 'events:DescribeArchive', 'events:UpdateArchive',
          'events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:EnableRule', 'events:DisableRule',
          'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule',
          'events:TagResource', 'events:UntagResource', 'events:ListTagsForResource',
        ],
        resources: [
          arn('events', `event-bus/${prefix}-*`),
          arn('events', `archive/${prefix}-*`),
          arn('events', `rule/${prefix}-*`),
          arn('events', `rule/${prefix}-*/*`),
        ],
      },
    ],
    states: [
      {
        sid: 'DeployStateMachines',
        actions: [
          'states:CreateStateMachine', 'states:DeleteStateMachine', 'states:DescribeStateMachine', 'states:UpdateStateMachine',
          'states:ListStateMachineVersions', 'states:TagResource', 'states:UntagResource', 'states:ListTagsForResource',
        ],
        resources: [arn('states', `stateMachine:${prefix}-*`)],
      },
    ],
    codebuild: [
      {
        sid: 'DeployBuildProjects',
        actions: ['codebuild:CreateProject', 'codebuild:DeleteProject', 'codebuild:UpdateProject', 'codebuild:BatchGetProjects'],
        resources: [arn('codebuild', `project/${prefix}-*`)],
      },
    ],
    codepipeline: [
      {
        sid: 'DeployPipelines',
        actions: [
          'codepipeline:CreatePipeline', 'codepipeline:DeletePipeline', 'codepipeline:GetPipeline', 'codepipeline:UpdatePipeline',
          'codepipeline:TagResource', 'codepipeline:UntagResource', 'codepipeline:ListTagsForResource',
        ],
        resources: [arn('codepipeline', `${prefix}-*`)],
      },
    ],
    cognito: [
      {
        sid: 'CreatePlatformUserPools',
        actions: ['cognito-idp:CreateUserPool'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestTag/Platform': prefix } },
      },
      {
        // User pool ARNs contain generated ids, so the grant covers pools tagged with the platform.
        sid: 'DeployUserPools',
        actions: [
          'cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool', 'cognito-idp:DeleteUserPool', 'cognito-idp:GetUserPoolMfaConfig',
          'cognito-idp:SetUserPoolMfaConfig', 'cognito-idp:AddCustomAttributes', 'cognito-idp:CreateUserPoolClient',
          'cognito-idp:DescribeUserPoolClient', 'cognito-idp:UpdateUserPoolClient', 'cognito-idp:DeleteUserPoolClient',
          'cognito-idp:CreateUserPoolDomain', 'cognito-idp:DescribeUserPoolDomain', 'cognito-idp:UpdateUserPoolDomain',
          'cognito-idp:DeleteUserPoolDomain', 'cognito-idp:CreateResourceServer', 'cognito-idp:DescribeResourceServer',
          'cognito-idp:UpdateResourceServer', 'cognito-idp:DeleteResourceServer', 'cognito-idp:CreateGroup', 'cognito-idp:GetGroup',
          'cognito-idp:UpdateGroup', 'cognito-idp:DeleteGroup', 'cognito-idp:TagResource', 'cognito-idp:UntagResource',
          'cognito-idp:ListTagsForResource',
        ],
        resources: [arn('cognito-idp', 'userpool/*')],
        conditions: { StringEquals: platformTag },
      },
      { sid: 'DescribePoolDomains', actions: ['cognito-idp:DescribeUserPoolDomain'], resources: ['*'] },
    ],
    apigateway: [
      {
        // API Gateway ARNs contain generated ids and no account, so the grant covers the
        // region's APIs, usage plans, API keys and the account's API Gateway settings.
        sid: 'DeployApis',
        actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE', 'apigateway:TagResource', 'apigateway:UntagResource'],
        resources: ['/restapis', '/restapis/*', '/apis', '/apis/*', '/usageplans', '/usageplans/*', '/apikeys', '/apikeys/*', '/tags/*', '/account'].map(
          (resourcePath) => `arn:aws:apigateway:${region}::${resourcePath}`,
        ),
      },
    ],
  };
}

/** Statements for every deploy group; groups stay separate so each keeps its own Sid. */
export function deployStatementsFor(config: PlatformConfig, groups?: readonly DeployGroup[]): PolicyStatement[] {
  const all = groupStatements(config);
  const selected = groups ?? (Object.keys(all) as DeployGroup[]);
  return selected.flatMap((group) => all[group]);
}
