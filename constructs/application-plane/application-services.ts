/**
 * The product and order services with their REST API, authorizer, tables, user pool and
 * tenant-scoped role. The pooled application-plane stack creates one for all pooled tenants;
 * the tenant template creates one per silo tenant, named after the tenant.
 */
import { Construct } from 'constructs';
import { Fn, IResolvable, Token } from 'cdktf';
import type { PlatformConfig } from '../../config/platform-config';
import { ServiceNaming } from './service-naming';
import { ServiceTables } from './service-tables';
import { TenantUserPool } from './tenant-user-pool';
import { TenantScopedRole } from './tenant-scoped-role';
import { ServiceFunctions } from './service-functions';
import { ServiceApi } from './service-api';

export interface ApplicationServicesProps {
  readonly config: PlatformConfig;
  readonly naming: ServiceNaming;
  readonly model: 'pool' | 'silo';
  /** Silo only: the tenant the services belong to. */
  readonly tenantId?: string;
  readonly memoryMb: number;
  readonly reservedConcurrency?: number;
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** Deletion protection of the tables and the user pool: a boolean or a Terraform expression. */
  readonly deletionProtection: boolean | IResolvable;
  /** Reply-to address of the user pool's emails, when set. */
  readonly replyToEmail?: string;
}

export class ApplicationServices extends Construct {
  readonly tables: ServiceTables;
  readonly userPool: TenantUserPool;
  readonly scopedRole: TenantScopedRole;
  readonly functions: ServiceFunctions;
  readonly api: ServiceApi;

  constructor(scope: Construct, id: string, props: ApplicationServicesProps) {
    super(scope, id);
    const { config, naming } = props;

    this.tables = new ServiceTables(this, 'tables', { naming, deletionProtection: props.deletionProtection });

    this.userPool = new TenantUserPool(this, 'user-pool', {
      poolName: naming.of('users'),
      deletionProtection: deletionProtectionMode(props.deletionProtection),
      replyToEmail: props.replyToEmail,
    });

    // The ARN is built from the name because the role trusts the authorizer's role, which
    // in turn needs this ARN; Terraform orders them through the trust policy reference.
    const scopedRoleName = naming.of('tenant-scoped');
    const scopedRoleArn = `arn:aws:iam::${config.accountId}:role/${scopedRoleName}`;

    this.functions = new ServiceFunctions(this, 'functions', {
      config,
      naming,
      model: props.model,
      tenantId: props.tenantId,
      environment: {
        productsTable: this.tables.products.name,
        ordersTable: this.tables.orders.name,
        userPoolId: this.userPool.pool.id,
        userPoolClientId: this.userPool.client.id,
        tenantScopedRoleArn: scopedRoleArn,
      },
      userPoolArn: this.userPool.pool.arn,
      tenantsTableArn: `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${config.prefix}-tenants`,
      memoryMb: props.memoryMb,
      reservedConcurrency: props.reservedConcurrency,
    });

    this.scopedRole = new TenantScopedRole(this, 'tenant-scoped-role', {
      roleName: scopedRoleName,
      authorizerRoleArn: this.functions.get('authorizer').role.arn,
      tableArns: this.tables.all.map((table) => table.arn),
    });

    this.api = new ServiceApi(this, 'api', {
      apiName: naming.of('api'),
      description: props.model === 'pool' ? 'Pooled application plane' : `Silo application plane of tenant ${props.tenantId}`,
      logRetentionDays: config.logRetentionDays,
      throttling: props.throttling,
      functionFor: (handlerId) => this.functions.get(handlerId),
    });
  }
}

/** Cognito takes `ACTIVE` or `INACTIVE`; a Terraform boolean expression becomes a conditional. */
function deletionProtectionMode(enabled: boolean | IResolvable): string {
  if (typeof enabled === 'boolean') {
    return enabled ? 'ACTIVE' : 'INACTIVE';
  }
  return Token.asString(Fn.conditional(enabled, 'ACTIVE', 'INACTIVE'));
}
