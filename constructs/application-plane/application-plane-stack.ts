/**
 * The pooled application plane: the application services shared by every tenant of the
 * pooled tiers, one usage plan per pooled tier, and the SSM parameters through which the
 * control plane finds them.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { poolTiers } from '../../config/platform-config';
import { PlatformStack, PlatformStackProps } from '../shared/platform-stack';
import { APPLICATION_PLANE_PARAMETERS, applicationPlaneParameterPath } from '../shared/platform-parameters';
import { ApplicationServices } from './application-services';
import { ApiGatewayLoggingRole } from './api-gateway-logging-role';
import { ServiceNaming } from './service-naming';

/**
 * Stage-wide limits of the pooled API. They protect the shared functions from all tenants
 * together; each tenant's own limits come from its tier's usage plan.
 */
export const POOL_STAGE_THROTTLING = { rateLimit: 1000, burstLimit: 2000 };

export class ApplicationPlaneStack extends PlatformStack {
  readonly services: ApplicationServices;
  readonly usagePlans: Readonly<Record<string, ApiGatewayUsagePlan>>;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config, names } = this;
    const tiers = poolTiers(config);

    new ApiGatewayLoggingRole(this, 'api-gateway-logging', { roleName: names.of('apigateway-logs'), config });

    this.services = new ApplicationServices(this, 'services', {
      config,
      naming: new ServiceNaming(config.prefix),
      model: 'pool',
      // The functions serve every pooled tier, so they get the largest pooled tier's memory.
      memoryMb: Math.max(...tiers.map((tier) => tier.lambdaMemoryMb)),
      throttling: POOL_STAGE_THROTTLING,
      deletionProtection: true,
    });
    const { api, userPool, tables } = this.services;

    const usagePlans: Record<string, ApiGatewayUsagePlan> = {};
    for (const tier of tiers) {
      usagePlans[tier.name] = new ApiGatewayUsagePlan(this, `usage-plan-${tier.name}`, {
        name: names.of(tier.name),
        description: `Limits of each ${tier.name} tenant's API key`,
        apiStages: [{ apiId: api.api.id, stage: api.stage.stageName }],
        throttleSettings: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
        quotaSettings: { limit: tier.dailyQuota, period: 'DAY' },
      });
    }
    this.usagePlans = usagePlans;

    const parameterPath = applicationPlaneParameterPath(config.prefix);
    const parameters: Record<string, string> = {
      [APPLICATION_PLANE_PARAMETERS.userPoolId]: userPool.pool.id,
      [APPLICATION_PLANE_PARAMETERS.userPoolClientId]: userPool.client.id,
      [APPLICATION_PLANE_PARAMETERS.apiUrl]: api.url,
      [APPLICATION_PLANE_PARAMETERS.productsTable]: tables.products.name,
      [APPLICATION_PLANE_PARAMETERS.ordersTable]: tables.orders.name,
    };
    for (const [tierName, plan] of Object.entries(usagePlans)) {
      parameters[`${APPLICATION_PLANE_PARAMETERS.usagePlanIdPrefix}/${tierName}`] = plan.id;
    }
    for (const [name, value] of Object.entries(parameters)) {
      new SsmParameter(this, `parameter-${name.replace(/\//g, '-')}`, {
        name: `${parameterPath}/${name}`,
        description: 'Published by the application-plane stack for the control plane',
        type: 'String',
        value,
      });
    }

    new TerraformOutput(this, 'api_url', { value: api.url, description: 'Base URL of the pooled REST API' });
    new TerraformOutput(this, 'user_pool_id', { value: userPool.pool.id, description: 'User pool of pooled tenants' });
    new TerraformOutput(this, 'user_pool_client_id', { value: userPool.client.id, description: 'App client of the pooled user pool' });
    new TerraformOutput(this, 'products_table_name', { value: tables.products.name });
    new TerraformOutput(this, 'orders_table_name', { value: tables.orders.name });
    new TerraformOutput(this, 'parameter_path', { value: parameterPath, description: 'SSM path of the published settings' });
    for (const [tierName, plan] of Object.entries(usagePlans)) {
      new TerraformOutput(this, `usage_plan_id_${tierName}`, { value: plan.id, description: `Usage plan of the ${tierName} tier` });
    }
  }
}
