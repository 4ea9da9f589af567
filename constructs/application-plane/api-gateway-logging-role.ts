/**
 * The account-level role that API Gateway uses to write REST API access logs. It is one
 * setting per account and region (`aws_api_gateway_account`), shared by the pooled API and
 * every silo tenant's API, so only the application-plane stack sets it.
 */
import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument } from '../shared/iam';
import type { PlatformConfig } from '../../config/platform-config';

export class ApiGatewayLoggingRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: { readonly roleName: string; readonly config: PlatformConfig }) {
    super(scope, id);
    const { region, accountId, prefix } = props.config;
    const logGroups = `arn:aws:logs:${region}:${accountId}:log-group:/aws/apigateway/${prefix}-*`;

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: policyDocument([
        {
          actions: ['sts:AssumeRole'],
          principals: { Service: ['apigateway.amazonaws.com'] },
          conditions: { StringEquals: { 'aws:SourceAccount': accountId } },
        },
      ]),
    });

    const policy = new IamRolePolicy(this, 'policy', {
      name: 'write-access-logs',
      role: this.role.id,
      policy: policyDocument([
        {
          sid: 'WritePlatformApiLogs',
          actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          resources: [logGroups, `${logGroups}:*`],
        },
        { sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] },
      ]),
    });

    // NOTE: this replaces any CloudWatch role already set for API Gateway in the region.
    new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: this.role.arn, dependsOn: [policy] });
  }
}
