/**
 * The application plane's Lambda functions: the authorizer and one function per product,
 * order and tenant-user route. The service functions' own roles reach no table: they use
 * the tenant-scoped credentials that the authorizer passes in the request context.
 */
import { Construct } from 'constructs';
import { APPLICATION_PLANE_HANDLERS } from '../../lambdas/catalog';
import { ENV } from '../../lambdas/shared/environment';
import { APP_ENV } from '../../lambdas/application-plane/shared/app-environment';
import { NodeFunction } from '../shared/node-function';
import type { PolicyStatement } from '../shared/iam';
import type { PlatformConfig } from '../../config/platform-config';
import type { ServiceNaming } from './service-naming';

export interface ServiceFunctionsProps {
  readonly config: PlatformConfig;
  readonly naming: ServiceNaming;
  readonly model: 'pool' | 'silo';
  /** Silo only: the tenant the stack belongs to. */
  readonly tenantId?: string;
  readonly environment: {
    readonly productsTable: string;
    readonly ordersTable: string;
    readonly userPoolId: string;
    readonly userPoolClientId: string;
    readonly tenantScopedRoleArn: string;
  };
  readonly userPoolArn: string;
  /** ARN of the control plane's registry table, which the authorizer reads for tenant status. */
  readonly tenantsTableArn: string;
  readonly memoryMb: number;
  readonly reservedConcurrency?: number;
}

/** Cognito actions of each tenant-user handler on its own stack's user pool. */
const TENANT_USER_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'tenant-user-create': ['AdminCreateUser', 'AdminAddUserToGroup', 'AdminDeleteUser', 'AdminGetUser'],
  'tenant-user-list': ['ListUsersInGroup', 'ListUsers'],
  'tenant-user-disable': ['AdminGetUser', 'AdminDisableUser'],
  'tenant-user-enable': ['AdminGetUser', 'AdminEnableUser'],
};

export class ServiceFunctions extends Construct {
  private readonly functions = new Map<string, NodeFunction>();

  constructor(scope: Construct, id: string, props: ServiceFunctionsProps) {
    super(scope, id);
    const { config } = props;

    const environment: Record<string, string> = {
      [ENV.productsTable]: props.environment.productsTable,
      [ENV.ordersTable]: props.environment.ordersTable,
      [ENV.userPoolId]: props.environment.userPoolId,
      [ENV.userPoolClientId]: props.environment.userPoolClientId,
      [ENV.tenantsTable]: `${config.prefix}-tenants`,
      [ENV.tiers]: JSON.stringify(config.tiers.map((tier) => ({ name: tier.name, model: tier.model }))),
      [APP_ENV.tenantScopedRoleArn]: props.environment.tenantScopedRoleArn,
      [APP_ENV.tenantModel]: props.model,
      ...(props.tenantId !== undefined ? { [APP_ENV.tenantId]: props.tenantId } : {}),
    };

    for (const handler of APPLICATION_PLANE_HANDLERS) {
      this.functions.set(
        handler.id,
        new NodeFunction(this, handler.id, {
          handler: handler.id,
          functionName: props.naming.of(handler.id),
          serviceName: handler.id,
          metricsNamespace: `${config.prefix}-application-plane`,
          logRetentionDays: config.logRetentionDays,
          statements: statementsFor(handler.id, props),
          environment,
          memoryMb: props.memoryMb,
          reservedConcurrency: props.reservedConcurrency,
        }),
      );
    }
  }

  get(handlerId: string): NodeFunction {
    const fn = this.functions.get(handlerId);
    if (!fn) {
      throw new Error(`"${handlerId}" is not an application-plane handler; the application plane has ${[...this.functions.keys()].join(', ')}`);
    }
    return fn;
  }
}

function statementsFor(handlerId: string, props: ServiceFunctionsProps): PolicyStatement[] {
  if (handlerId === 'authorizer') {
    return [
      { sid: 'AssumeTenantScopedRole', actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [props.environment.tenantScopedRoleArn] },
      { sid: 'ReadTenantStatus', actions: ['dynamodb:GetItem'], resources: [props.tenantsTableArn] },
      // GetApiKey with includeValue; API key ARNs have no account and no name.
      { sid: 'ReadTenantApiKeys', actions: ['apigateway:GET'], resources: [`arn:aws:apigateway:${props.config.region}::/apikeys/*`] },
    ];
  }
  const cognitoActions = TENANT_USER_ACTIONS[handlerId];
  if (cognitoActions) {
    return [{ sid: 'ManageTenantUsers', actions: cognitoActions.map((action) => `cognito-idp:${action}`), resources: [props.userPoolArn] }];
  }
  return [];
}
