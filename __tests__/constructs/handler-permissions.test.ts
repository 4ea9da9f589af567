/**
 * Checks every handler's role against the SDK calls its code can reach, so a handler that
 * starts a new AWS call without a matching grant fails here instead of in production.
 * Shared modules make some calls reachable from handlers that never make them; each such
 * call is listed below with the reason it needs no grant.
 */
import { ALL_HANDLERS, APPLICATION_PLANE_HANDLERS } from '../../lambdas/catalog';
import { TENANT_DATA_ACTIONS } from '../../constructs/application-plane/tenant-scoped-role';
import { reachableSdkCalls } from '../support/handler-sdk-calls';
import { allowedActions, synthesizeApp, SynthesizedApp } from '../support/synthesized-app';

const REGISTRY_HELPERS = 'lambdas/shared/registry.ts holds both reads and transitions; this handler only reads';
const LIFECYCLE_USER_HELPERS = 'lambdas/control-plane/lifecycle/tenant-users.ts serves several lifecycle handlers; docs/provisioning.md lists the calls of each';
const LIFECYCLE_KEY_HELPERS = 'lambdas/control-plane/lifecycle/tenant-api-keys.ts serves several lifecycle handlers; docs/provisioning.md lists the calls of each';

/** Calls reachable through a shared module that the handler does not make. */
const REACHABLE_BUT_NOT_CALLED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'tenants-list': { 'dynamodb:GetItem': 'imports only tenantsTableName from the registry helpers', 'dynamodb:UpdateItem': REGISTRY_HELPERS },
  'tenants-get': { 'dynamodb:UpdateItem': REGISTRY_HELPERS },
  'tenants-activate': { 'dynamodb:UpdateItem': REGISTRY_HELPERS },
  'tenants-deactivate': { 'dynamodb:UpdateItem': REGISTRY_HELPERS },
  'users-list': { 'events:PutEvents': 'only create and delete emit user events' },
  'users-get': { 'events:PutEvents': 'only create and delete emit user events' },
  'users-update-role': { 'events:PutEvents': 'only create and delete emit user events' },
  'users-disable': { 'events:PutEvents': 'only create and delete emit user events' },
  'users-enable': { 'events:PutEvents': 'only create and delete emit user events' },
  'registry-update': { 'dynamodb:PutItem': 'releases name reservations and never makes one' },
  'tenant-config-get': {
    'dynamodb:PutItem': 'only looks a reservation up',
    'dynamodb:DeleteItem': 'only looks a reservation up',
    'dynamodb:UpdateItem': REGISTRY_HELPERS,
  },
  'lifecycle-build-failure': { 'dynamodb:GetItem': 'imports only trimStatusReason', 'dynamodb:UpdateItem': 'imports only trimStatusReason' },
  'lifecycle-set-access': {
    'dynamodb:UpdateItem': REGISTRY_HELPERS,
    'cognito-idp:GetGroup': LIFECYCLE_USER_HELPERS,
    'cognito-idp:CreateGroup': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminDeleteUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:DeleteGroup': LIFECYCLE_USER_HELPERS,
    'apigateway:POST': LIFECYCLE_KEY_HELPERS,
    'apigateway:DELETE': LIFECYCLE_KEY_HELPERS,
  },
  'lifecycle-provision-pool': {
    'cognito-idp:ListUsersInGroup': LIFECYCLE_USER_HELPERS,
    'cognito-idp:ListUsers': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminEnableUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminDisableUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminDeleteUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:DeleteGroup': LIFECYCLE_USER_HELPERS,
    'apigateway:PATCH': LIFECYCLE_KEY_HELPERS,
    'apigateway:DELETE': LIFECYCLE_KEY_HELPERS,
  },
  'lifecycle-create-admin': {
    'cognito-idp:ListUsersInGroup': LIFECYCLE_USER_HELPERS,
    'cognito-idp:ListUsers': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminEnableUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminDisableUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminDeleteUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:DeleteGroup': LIFECYCLE_USER_HELPERS,
  },
  'lifecycle-deprovision-pool': {
    'cognito-idp:CreateGroup': LIFECYCLE_USER_HELPERS,
    'cognito-idp:ListUsers': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminEnableUser': LIFECYCLE_USER_HELPERS,
    'cognito-idp:AdminDisableUser': LIFECYCLE_USER_HELPERS,
    'apigateway:POST': LIFECYCLE_KEY_HELPERS,
    'apigateway:PATCH': LIFECYCLE_KEY_HELPERS,
  },
  'tenant-user-list': { 'cognito-idp:AdminGetUser': 'imports only name and group helpers from tenant-user-directory.ts' },
  'tenant-user-disable': { 'cognito-idp:AdminEnableUser': 'set-tenant-user-enabled.ts serves both; this handler disables' },
  'tenant-user-enable': { 'cognito-idp:AdminDisableUser': 'set-tenant-user-enabled.ts serves both; this handler enables' },
};

const APPLICATION_HANDLER_IDS = new Set<string>(APPLICATION_PLANE_HANDLERS.map((handler) => handler.id));

let app: SynthesizedApp;

beforeAll(() => {
  app = synthesizeApp({});
});

afterAll(() => app.remove());

describe('handler permissions', () => {
  it.each(ALL_HANDLERS.map((handler) => [handler.id, handler.entry]))('%s may make every call it reaches', (id, entry) => {
    const stack = APPLICATION_HANDLER_IDS.has(id) ? app.stacks['application-plane'] : app.stacks['control-plane'];
    const granted = allowedActions(stack, `tenantform-${id}-role`);
    const allowances = REACHABLE_BUT_NOT_CALLED[id] ?? {};

    const missing: string[] = [];
    for (const call of reachableSdkCalls(entry)) {
      // Service functions reach their tables with the tenant-scoped credentials of the request.
      const throughTenantCredentials = APPLICATION_HANDLER_IDS.has(id) && id !== 'authorizer' && TENANT_DATA_ACTIONS.includes(call.action);
      if (!granted.has(call.action) && !(call.action in allowances) && !throughTenantCredentials) {
        missing.push(`${call.action} (${call.file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists allowances only for calls that are reachable and not granted', () => {
    const stale: string[] = [];
    for (const [id, allowances] of Object.entries(REACHABLE_BUT_NOT_CALLED)) {
      const handler = ALL_HANDLERS.find((candidate) => candidate.id === id);
      if (!handler) {
        stale.push(`${id}: not in the catalog`);
        continue;
      }
      const reachable = new Set(reachableSdkCalls(handler.entry).map((call) => call.action));
      for (const action of Object.keys(allowances)) {
        if (!reachable.has(action)) {
          stale.push(`${id}: ${action} is no longer reachable`);
        }
      }
    }
    expect(stale).toEqual([]);
  });
});
