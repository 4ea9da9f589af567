/**
 * The control-plane Cognito user pool of system users, with a group per system role and
 * resource servers whose scopes the HTTP API checks. The admin console signs in through a
 * user client (authorization code flow, no secret). Services use a machine client (client
 * credentials, with a secret). A hosted domain serves the sign-in pages.
 */
import { Construct } from 'constructs';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';

/** Groups of the control-plane pool; `custom:userRole` mirrors a user's group. */
export const SYSTEM_ROLES = {
  SystemAdmin: 'Operates the platform: tenants, lifecycle and system users',
  SystemSupport: 'Reads tenants and users to help operators; changes nothing',
} as const;

/** OAuth scopes of the control-plane API, by resource server identifier. */
export const CONTROL_PLANE_SCOPES = {
  tenant: { tenant_read: 'Read tenants', tenant_write: 'Register, change and offboard tenants' },
  user: { user_read: 'Read system users', user_write: 'Create, change and remove system users' },
} as const;

/** Full scope names as tokens carry them, such as `tenant/tenant_read`. */
export const ALL_SCOPE_NAMES = Object.entries(CONTROL_PLANE_SCOPES).flatMap(([server, scopes]) =>
  Object.keys(scopes).map((scope) => `${server}/${scope}`),
);

/** Attributes that clients may write; `custom:userRole` is set only by the users API. */
const CLIENT_WRITE_ATTRIBUTES = ['email', 'given_name', 'family_name'];
const CLIENT_READ_ATTRIBUTES = ['email', 'email_verified', 'given_name', 'family_name', 'custom:userRole'];

export interface ControlPlaneUserPoolProps {
  readonly poolName: string;
  /** Prefix of the hosted sign-in domain, unique in the region. */
  readonly domainPrefix: string;
  readonly callbackUrls: readonly string[];
}

export class ControlPlaneUserPool extends Construct {
  readonly pool: CognitoUserPool;
  readonly userClient: CognitoUserPoolClient;
  readonly machineClient: CognitoUserPoolClient;
  readonly domain: CognitoUserPoolDomain;

  constructor(scope: Construct, id: string, props: ControlPlaneUserPoolProps) {
    super(scope, id);

    this.pool = new CognitoUserPool(this, 'pool', {
      name: props.poolName,
      deletionProtection: 'ACTIVE',
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      mfaConfiguration: 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: {
        minimumLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      },
      schema: [
        {
          name: 'email',
          attributeDataType: 'String',
          required: true,
          mutable: true,
          stringAttributeConstraints: { minLength: '3', maxLength: '254' },
        },
        {
          name: 'userRole',
          attributeDataType: 'String',
          mutable: true,
          developerOnlyAttribute: false,
          stringAttributeConstraints: { minLength: '1', maxLength: '32' },
        },
      ],
    });

    for (const [role, description] of Object.entries(SYSTEM_ROLES)) {
      new CognitoUserGroup(this, `group-${role}`, { userPoolId: this.pool.id, name: role, description });
    }

    const servers = Object.entries(CONTROL_PLANE_SCOPES).map(
      ([identifier, scopes]) =>
        new CognitoResourceServer(this, `resource-server-${identifier}`, {
          userPoolId: this.pool.id,
          identifier,
          name: identifier,
          scope: Object.entries(scopes).map(([scopeName, scopeDescription]) => ({ scopeName, scopeDescription })),
        }),
    );

    this.userClient = new CognitoUserPoolClient(this, 'user-client', {
      name: `${props.poolName}-console`,
      userPoolId: this.pool.id,
      generateSecret: false,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ['code'],
      allowedOauthScopes: ['openid', 'email', 'profile', ...ALL_SCOPE_NAMES],
      callbackUrls: [...props.callbackUrls],
      supportedIdentityProviders: ['COGNITO'],
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      readAttributes: CLIENT_READ_ATTRIBUTES,
      writeAttributes: CLIENT_WRITE_ATTRIBUTES,
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      dependsOn: servers,
    });

    this.machineClient = new CognitoUserPoolClient(this, 'machine-client', {
      name: `${props.poolName}-machine`,
      userPoolId: this.pool.id,
      generateSecret: true,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ['client_credentials'],
      allowedOauthScopes: ALL_SCOPE_NAMES,
      supportedIdentityProviders: ['COGNITO'],
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      readAttributes: CLIENT_READ_ATTRIBUTES,
      writeAttributes: CLIENT_WRITE_ATTRIBUTES,
      accessTokenValidity: 60,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      dependsOn: servers,
    });

    this.domain = new CognitoUserPoolDomain(this, 'domain', {
      domain: props.domainPrefix,
      userPoolId: this.pool.id,
    });
  }
}
