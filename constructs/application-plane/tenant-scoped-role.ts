/**
 * The role through which the service functions reach the product and order tables. Only the
 * authorizer's role may assume it, and only with a `TenantId` session tag. Its policy allows
 * item operations on partition keys equal to that tag or starting with the tag and `#`, so
 * the credentials of tenant `ab` cannot read tenant `abc`'s items.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument } from '../shared/iam';
import { TENANT_KEY_DELIMITER } from '../../config/naming';

/** The session tag that carries the tenant id. */
export const TENANT_SESSION_TAG = 'TenantId';

/**
 * `${aws:PrincipalTag/TenantId}`, written `$${...}` because Terraform reads `${` in a JSON
 * string as an interpolation; Terraform turns `$${` back into `${` in the applied policy.
 */
export const PRINCIPAL_TENANT_ID = `$\${aws:PrincipalTag/${TENANT_SESSION_TAG}}`;

/** Item-level DynamoDB actions; Scan is absent because it has no leading key to check. */
export const TENANT_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

export interface TenantScopedRoleProps {
  readonly roleName: string;
  /** ARN of the authorizer function's role, the only principal that may assume this role. */
  readonly authorizerRoleArn: string;
  /** ARNs of the tables the tenant's credentials may reach. */
  readonly tableArns: readonly string[];
  /** Maximum session the authorizer may request, in seconds. @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

export class TenantScopedRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: TenantScopedRoleProps) {
    super(scope, id);

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Assumed by the authorizer with a TenantId session tag; reaches only that tenant\'s items',
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      assumeRolePolicy: policyDocument([
        {
          sid: 'AssumeWithTenantTag',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          principals: { AWS: [props.authorizerRoleArn] },
          conditions: { Null: { [`aws:RequestTag/${TENANT_SESSION_TAG}`]: 'false' } },
        },
      ]),
    });

    new IamRolePolicy(this, 'policy', {
      name: 'tenant-items',
      role: this.role.id,
      policy: policyDocument([
        {
          sid: 'OwnTenantItemsOnly',
          actions: TENANT_DATA_ACTIONS,
          resources: [...props.tableArns],
          conditions: {
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': [PRINCIPAL_TENANT_ID, `${PRINCIPAL_TENANT_ID}${TENANT_KEY_DELIMITER}*`],
            },
            // ForAllValues is true for a request without leading keys; this makes them required.
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
      ]),
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
