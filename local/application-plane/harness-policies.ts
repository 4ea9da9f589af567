/**
 * The IAM policies and app client attributes of the application-plane stack, as the
 * harness enforces them. They are written out here, so starting the harness needs no
 * synthesis. The isolation tests synthesise the stack and fail when these differ from
 * what Terraform would apply.
 */
import type { PlatformConfig } from '../../config/platform-config';
import type { HarnessPolicies } from './harness';

export function stackPolicies(config: PlatformConfig): HarnessPolicies {
  const tableArn = (suffix: string) => `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${config.prefix}-${suffix}`;
  return {
    scopedRole: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:Query',
            'dynamodb:BatchGetItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:ConditionCheckItem',
          ],
          Resource: [tableArn('products'), tableArn('orders')],
          Condition: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['${aws:PrincipalTag/TenantId}', '${aws:PrincipalTag/TenantId}#*'] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
      ],
    },
    authorizerRole: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn('tenants') }] },
    clientWriteAttributes: ['email', 'given_name', 'family_name'],
    clientReadAttributes: ['email', 'email_verified', 'given_name', 'family_name', 'custom:tenantId', 'custom:tenantTier', 'custom:userRole'],
  };
}
