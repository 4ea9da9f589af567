/**
 * The silo application plane of one tenant, parameterised by Terraform variables. It is
 * synthesised once, published as a versioned artifact, and applied by the provisioning job
 * once per silo tenant with that tenant's own state key. It has no backend block: the job
 * adds one through an override file. Its Lambda bundles sit in its own assets folder, so
 * applying it needs Terraform only.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { PlatformStack, PlatformStackProps } from '../shared/platform-stack';
import { tagAllResources } from '../shared/tagging';
import { ApplicationServices } from '../application-plane/application-services';
import { ServiceNaming } from '../application-plane/service-naming';
import { TenantTemplateVariables } from './tenant-template-variables';

export class TenantTemplateStack extends PlatformStack {
  readonly variables: TenantTemplateVariables;
  readonly services: ApplicationServices;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = this;

    // The provisioning job writes the backend (S3 state key per tenant) in an override file.
    this.addOverride('terraform.backend', undefined);

    this.variables = new TenantTemplateVariables(this, 'variables', config);
    const tenantId = this.variables.tenantId.stringValue;
    const tier = this.variables.tier.stringValue;
    tagAllResources(this, { TenantId: tenantId, Tier: tier });

    const naming = new ServiceNaming(`${config.prefix}-${tenantId}`);
    this.services = new ApplicationServices(this, 'services', {
      config,
      naming,
      model: 'silo',
      tenantId,
      memoryMb: this.variables.tierSetting('lambda_memory_mb'),
      reservedConcurrency: this.variables.tierSetting('reserved_concurrency'),
      throttling: {
        rateLimit: this.variables.tierSetting('rate_limit'),
        burstLimit: this.variables.tierSetting('burst_limit'),
      },
      deletionProtection: this.variables.deletionProtection.booleanValue,
      replyToEmail: this.variables.replyToEmail,
    });
    const { api, userPool, tables } = this.services;

    const usagePlan = new ApiGatewayUsagePlan(this, 'usage-plan', {
      name: naming.of(tier),
      description: 'Limits of the tenant\'s API key, from its tier',
      apiStages: [{ apiId: api.api.id, stage: api.stage.stageName }],
      throttleSettings: {
        rateLimit: this.variables.tierSetting('rate_limit'),
        burstLimit: this.variables.tierSetting('burst_limit'),
      },
      quotaSettings: { limit: this.variables.tierSetting('daily_quota'), period: 'DAY' },
    });
    const apiKey = new ApiGatewayApiKey(this, 'api-key', {
      name: `${config.prefix}-${tenantId}`,
      description: 'API key of the tenant; the authorizer returns it for every request of the tenant',
      enabled: true,
    });
    new ApiGatewayUsagePlanKey(this, 'usage-plan-key', { keyId: apiKey.id, keyType: 'API_KEY', usagePlanId: usagePlan.id });

    const outputs: Record<string, { value: string; description: string }> = {
      api_url: { value: api.url, description: 'Base URL of the tenant\'s REST API' },
      user_pool_id: { value: userPool.pool.id, description: 'User pool of the tenant\'s users' },
      user_pool_client_id: { value: userPool.client.id, description: 'App client of the tenant\'s user pool' },
      products_table_name: { value: tables.products.name, description: 'Products table of the tenant' },
      orders_table_name: { value: tables.orders.name, description: 'Orders table of the tenant' },
      api_key_id: { value: apiKey.id, description: 'Id of the tenant\'s API key' },
      template_version: { value: this.variables.templateVersion.stringValue, description: 'Version of the tenant template applied' },
    };
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, output).overrideLogicalId(name);
    }
  }
}
