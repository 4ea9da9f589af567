/**
 * Least-privilege IAM statements of each control-plane handler, on the exact resources it
 * uses. Resources of the application-plane stack (the pooled tables, user pools and API
 * keys) cannot be referenced across stacks, so they are granted by ARN patterns built from
 * the configured region, account and prefix, and user pools by their `Platform` tag.
 */
import type { PolicyStatement } from '../shared/iam';
import type { PlatformTable } from '../shared/platform-table';
import { SERVICE_TABLES } from '../shared/table-specs';
import type { PlatformConfig } from '../../config/platform-config';
import type { ResourceNames } from '../../config/naming';

export interface ControlPlaneResources {
  readonly config: PlatformConfig;
  readonly names: ResourceNames;
  readonly tenantsTable: PlatformTable;
  readonly tenantNamesTable: PlatformTable;
  /** Rollout records; absent when the table specs define no rollouts table. */
  readonly rolloutsTable?: PlatformTable;
  readonly eventBusName: string;
  readonly eventBusArn: string;
  readonly controlPlaneUserPoolArn: string;
  /** SSM path of the application plane's settings, such as `/tenantform/application-plane`. */
  readonly applicationPlaneParameterPath: string;
}

type StatementBuilder = (resources: ControlPlaneResources) => PolicyStatement[];

const readTenant: StatementBuilder = ({ tenantsTable }) => [
  { sid: 'ReadTenants', actions: ['dynamodb:GetItem'], resources: [tenantsTable.arn] },
];

const changeTenant: StatementBuilder = ({ tenantsTable }) => [
  { sid: 'ChangeTenants', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [tenantsTable.arn] },
];

const publishEvents: StatementBuilder = ({ eventBusArn }) => [
  { sid: 'PublishEvents', actions: ['events:PutEvents'], resources: [eventBusArn] },
];

const readApplicationPlaneSettings: StatementBuilder = ({ config, applicationPlaneParameterPath }) => {
  const base = `arn:aws:ssm:${config.region}:${config.accountId}:parameter${applicationPlaneParameterPath}`;
  return [{ sid: 'ReadApplicationPlaneSettings', actions: ['ssm:GetParametersByPath', 'ssm:GetParameter'], resources: [base, `${base}/*`] }];
};

function controlPlaneUsers(actions: string[]): StatementBuilder {
  return ({ controlPlaneUserPoolArn }) => [
    { sid: 'ManageSystemUsers', actions: actions.map((action) => `cognito-idp:${action}`), resources: [controlPlaneUserPoolArn] },
  ];
}

/**
 * User pools of the application plane (the pooled pool and each silo tenant's pool). Pool
 * ARNs contain generated ids, not names, so the grant covers the account's pools in the
 * region that carry this platform's `Platform` tag.
 */
function tenantUserPools(actions: string[]): StatementBuilder {
  return ({ config }) => [
    {
      sid: 'ManageTenantUsers',
      actions: actions.map((action) => `cognito-idp:${action}`),
      resources: [`arn:aws:cognito-idp:${config.region}:${config.accountId}:userpool/*`],
      conditions: { StringEquals: { 'aws:ResourceTag/Platform': config.prefix } },
    },
  ];
}

/** API keys and their usage-plan bindings; API Gateway ARNs have no account and no names. */
function tenantApiKeys(methods: string[], paths: string[]): StatementBuilder {
  return ({ config }) => [
    {
      sid: 'ManageTenantApiKeys',
      actions: methods.map((method) => `apigateway:${method}`),
      resources: paths.map((resourcePath) => `arn:aws:apigateway:${config.region}::${resourcePath}`),
    },
  ];
}

const pooledServiceData: StatementBuilder = ({ config, names }) => [
  {
    sid: 'DeletePooledTenantData',
    actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
    resources: Object.values(SERVICE_TABLES).map(
      (spec) => `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${names.of(spec.suffix)}`,
    ),
  },
];

const rolloutRecords: StatementBuilder = ({ rolloutsTable }) => {
  if (!rolloutsTable) {
    throw new Error('rollout handlers need the rollouts table; add it to CONTROL_PLANE_TABLES in constructs/shared/table-specs.ts');
  }
  return [
    {
      sid: 'WriteRolloutRecords',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
      resources: rolloutsTable.arnsWithIndexes,
    },
  ];
};

const listTenants: StatementBuilder = ({ tenantsTable }) => [
  { sid: 'ListTenants', actions: ['dynamodb:Query'], resources: tenantsTable.arnsWithIndexes },
];

function combine(...builders: StatementBuilder[]): StatementBuilder {
  return (resources) => builders.flatMap((builder) => builder(resources));
}

/**
 * Statements per control-plane handler id. A handler missing here fails the synth, so a new
 * handler gets a deliberate policy instead of a copied one.
 */
export const CONTROL_PLANE_PERMISSIONS: Readonly<Record<string, StatementBuilder>> = {
  'registration-create': combine(
    ({ tenantsTable, tenantNamesTable }) => [
      { sid: 'WriteTenants', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [tenantsTable.arn] },
      { sid: 'ReserveTenantNames', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [tenantNamesTable.arn] },
    ],
    publishEvents,
  ),
  'tenants-list': listTenants,
  'tenants-get': readTenant,
  // A tier change moves the tenant's API key to the new tier's usage plan.
  'tenants-update': combine(
    changeTenant,
    readApplicationPlaneSettings,
    tenantApiKeys(['GET', 'POST', 'DELETE'], ['/usageplans/*/keys', '/usageplans/*/keys/*']),
  ),
  'tenants-delete': combine(changeTenant, publishEvents),
  'tenants-activate': combine(readTenant, publishEvents),
  'tenants-deactivate': combine(readTenant, publishEvents),
  'users-create': combine(
    // AdminDeleteUser undoes a creation whose group membership failed.
    controlPlaneUsers(['AdminCreateUser', 'AdminAddUserToGroup', 'AdminDeleteUser', 'AdminGetUser', 'AdminListGroupsForUser']),
    publishEvents,
  ),
  'users-list': controlPlaneUsers(['ListUsers', 'AdminListGroupsForUser']),
  'users-get': controlPlaneUsers(['AdminGetUser', 'AdminListGroupsForUser']),
  'users-update-role': controlPlaneUsers([
    'AdminGetUser',
    'AdminListGroupsForUser',
    'AdminAddUserToGroup',
    'AdminRemoveUserFromGroup',
    'AdminUpdateUserAttributes',
  ]),
  'users-disable': controlPlaneUsers(['AdminGetUser', 'AdminDisableUser']),
  'users-enable': controlPlaneUsers(['AdminGetUser', 'AdminEnableUser']),
  'users-delete': combine(controlPlaneUsers(['AdminGetUser', 'AdminListGroupsForUser', 'AdminDeleteUser']), publishEvents),
  // Releases the name reservation of a tenant whose onboarding failed or that was deleted.
  'registry-update': combine(changeTenant, ({ tenantNamesTable }) => [
    { sid: 'ReleaseTenantNames', actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'], resources: [tenantNamesTable.arn] },
  ]),
  'tenant-config-get': combine(
    ({ tenantsTable, tenantNamesTable }) => [
      { sid: 'ReadTenants', actions: ['dynamodb:GetItem'], resources: [tenantsTable.arn, tenantNamesTable.arn] },
    ],
    readApplicationPlaneSettings,
  ),
  'lifecycle-validate-event': () => [],
  'lifecycle-transition': changeTenant,
  'lifecycle-claim-offboarding': changeTenant,
  'lifecycle-build-failure': () => [],
  'lifecycle-job-outputs': () => [],
  'lifecycle-provision-pool': combine(
    readApplicationPlaneSettings,
    tenantApiKeys(['GET', 'POST', 'PUT'], ['/apikeys', '/apikeys/*', '/usageplans', '/usageplans/*/keys', '/tags/*']),
    tenantUserPools(['GetGroup', 'CreateGroup']),
  ),
  'lifecycle-create-admin': combine(
    readApplicationPlaneSettings,
    tenantUserPools(['AdminCreateUser', 'AdminGetUser', 'AdminAddUserToGroup', 'GetGroup', 'CreateGroup']),
    publishEvents,
  ),
  'lifecycle-deprovision-pool': combine(
    readApplicationPlaneSettings,
    pooledServiceData,
    tenantApiKeys(['GET', 'DELETE'], ['/apikeys', '/apikeys/*', '/usageplans', '/usageplans/*/keys/*']),
    tenantUserPools(['ListUsersInGroup', 'AdminDeleteUser', 'DeleteGroup', 'GetGroup']),
  ),
  'lifecycle-set-access': combine(
    readTenant,
    readApplicationPlaneSettings,
    tenantApiKeys(['GET', 'PATCH'], ['/apikeys', '/apikeys/*']),
    tenantUserPools(['ListUsersInGroup', 'ListUsers', 'AdminDisableUser', 'AdminEnableUser']),
  ),
  'rollout-plan': combine(listTenants, rolloutRecords),
  'rollout-prepare-tenant': combine(changeTenant, rolloutRecords),
  'rollout-record-tenant': combine(changeTenant, rolloutRecords),
  'rollout-evaluate-wave': rolloutRecords,
  'rollout-request-approval': rolloutRecords,
  'rollout-set-status': rolloutRecords,
};

/** Returns the statements of `handlerId`, or throws when the handler has no entry. */
export function controlPlaneStatements(handlerId: string, resources: ControlPlaneResources): PolicyStatement[] {
  const builder = CONTROL_PLANE_PERMISSIONS[handlerId];
  if (!builder) {
    throw new Error(
      `control-plane handler "${handlerId}" has no IAM entry; add its statements to CONTROL_PLANE_PERMISSIONS in constructs/control-plane/control-plane-permissions.ts`,
    );
  }
  return builder(resources);
}
