/**
 * The Cognito user pool of the application's users. The platform sets the custom
 * attributes `tenantId`, `tenantTier` and `userRole` through admin calls. The app client
 * can read them but write none of them, so a user cannot move to another tenant, tier or
 * role by updating their own attributes.
 */
import { Construct } from 'constructs';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';

/** Custom attributes the platform sets on every tenant user. */
export const TENANT_CUSTOM_ATTRIBUTES = ['tenantId', 'tenantTier', 'userRole'] as const;

export const TENANT_ROLES = {
  TenantAdmin: 'Manages the tenant: its users, and deleting products and orders',
  TenantUser: 'Uses the application within the tenant',
} as const;

/** Standard attributes the app client may write; no `custom:` attribute is among them. */
export const APP_CLIENT_WRITE_ATTRIBUTES = ['email', 'given_name', 'family_name'];
export const APP_CLIENT_READ_ATTRIBUTES = [
  'email',
  'email_verified',
  'given_name',
  'family_name',
  ...TENANT_CUSTOM_ATTRIBUTES.map((name) => `custom:${name}`),
];

export interface TenantUserPoolProps {
  readonly poolName: string;
  /** `ACTIVE` or `INACTIVE`, or a Terraform expression that gives one of them. */
  readonly deletionProtection: string;
  /** Reply-to address of Cognito's invitation and verification emails, when set. */
  readonly replyToEmail?: string;
}

export class TenantUserPool extends Construct {
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;

  constructor(scope: Construct, id: string, props: TenantUserPoolProps) {
    super(scope, id);

    this.pool = new CognitoUserPool(this, 'pool', {
      name: props.poolName,
      deletionProtection: props.deletionProtection,
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      emailConfiguration: props.replyToEmail
        ? { emailSendingAccount: 'COGNITO_DEFAULT', replyToEmailAddress: props.replyToEmail }
        : undefined,
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7,
      },
      schema: [
        {
          name: 'email',
          attributeDataType: 'String',
          required: true,
          mutable: true,
          stringAttributeConstraints: { minLength: '3', maxLength: '254' },
        },
        ...TENANT_CUSTOM_ATTRIBUTES.map((name) => ({
          name,
          attributeDataType: 'String',
          mutable: true,
          developerOnlyAttribute: false,
          stringAttributeConstraints: { minLength: '1', maxLength: '64' },
        })),
      ],
    });

    for (const [role, description] of Object.entries(TENANT_ROLES)) {
      new CognitoUserGroup(this, `group-${role}`, { userPoolId: this.pool.id, name: role, description });
    }

    this.client = new CognitoUserPoolClient(this, 'client', {
      name: `${props.poolName}-app`,
      userPoolId: this.pool.id,
      generateSecret: false,
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      readAttributes: APP_CLIENT_READ_ATTRIBUTES,
      writeAttributes: APP_CLIENT_WRITE_ATTRIBUTES,
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
    });
  }
}
