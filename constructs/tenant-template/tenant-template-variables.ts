/**
 * The Terraform variables of the tenant template, with validation that rejects a bad tenant
 * id or a tier that is not a silo tier before anything is planned, and the per-tier settings
 * that a Terraform lookup picks by `var.tier`.
 */
import { Construct } from 'constructs';
import { Fn, TerraformLocal, TerraformVariable, Token } from 'cdktf';
import { siloTiers, PlatformConfig } from '../../config/platform-config';
import { TENANT_ID_PATTERN } from '../../config/naming';

/** Settings of one tier in the `tier_settings` local. A reserved concurrency of -1 leaves it unreserved. */
interface TierSettings {
  readonly rate_limit: number;
  readonly burst_limit: number;
  readonly daily_quota: number;
  readonly lambda_memory_mb: number;
  readonly reserved_concurrency: number;
}

export class TenantTemplateVariables extends Construct {
  readonly tenantId: TerraformVariable;
  readonly tenantName: TerraformVariable;
  readonly tier: TerraformVariable;
  readonly adminEmail: TerraformVariable;
  readonly deletionProtection: TerraformVariable;
  readonly templateVersion: TerraformVariable;
  private readonly tierSettings: TerraformLocal;

  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    const tierNames = siloTiers(config).map((tier) => tier.name);

    this.tenantId = new TerraformVariable(this, 'tenant_id', {
      type: 'string',
      nullable: false,
      description: 'Id of the tenant: 4 to 20 lowercase letters or digits; every resource name contains it',
      validation: [
        {
          condition: `\${can(regex(${JSON.stringify(TENANT_ID_PATTERN.source)}, var.tenant_id))}`,
          errorMessage: 'tenant_id must be 4 to 20 lowercase letters or digits, such as "acme2024".',
        },
      ],
    });
    this.tenantId.overrideLogicalId('tenant_id');

    this.tenantName = new TerraformVariable(this, 'tenant_name', {
      type: 'string',
      nullable: false,
      description: 'Display name of the tenant',
      validation: [
        {
          condition: '${length(trimspace(var.tenant_name)) >= 1 && length(var.tenant_name) <= 64}',
          errorMessage: 'tenant_name must be 1 to 64 characters and not only spaces.',
        },
      ],
    });
    this.tenantName.overrideLogicalId('tenant_name');

    this.tier = new TerraformVariable(this, 'tier', {
      type: 'string',
      nullable: false,
      description: `Silo tier of the tenant: one of ${tierNames.join(', ')}`,
      validation: [
        {
          condition: `\${contains(${JSON.stringify(tierNames)}, var.tier)}`,
          errorMessage: `tier must be a silo tier: one of ${tierNames.join(', ')}. Pooled tiers are served by the application-plane stack.`,
        },
      ],
    });
    this.tier.overrideLogicalId('tier');

    this.adminEmail = new TerraformVariable(this, 'admin_email', {
      type: 'string',
      nullable: false,
      default: '',
      description: 'Email of the tenant admin, used as the reply-to address of the user pool emails; empty for none',
      validation: [
        {
          condition: '${var.admin_email == "" || can(regex("^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$", var.admin_email))}',
          errorMessage: 'admin_email must be an email address such as admin@example.com, or empty.',
        },
      ],
    });
    this.adminEmail.overrideLogicalId('admin_email');

    this.deletionProtection = new TerraformVariable(this, 'deletion_protection', {
      type: 'bool',
      nullable: false,
      default: true,
      description: 'Protects the tenant tables and user pool from deletion; offboarding applies false before it destroys',
    });
    this.deletionProtection.overrideLogicalId('deletion_protection');

    // The provisioning job passes the version of the template it applies, so that the
    // state and the outputs record which version the tenant runs.
    this.templateVersion = new TerraformVariable(this, 'template_version', {
      type: 'string',
      nullable: false,
      default: 'unversioned',
      description: 'Version of this tenant template, as the pipeline published it',
      validation: [
        {
          condition: '${can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.template_version))}',
          errorMessage: 'template_version must be 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.',
        },
      ],
    });
    this.templateVersion.overrideLogicalId('template_version');

    const settings: Record<string, TierSettings> = {};
    for (const tier of siloTiers(config)) {
      settings[tier.name] = {
        rate_limit: tier.rateLimit,
        burst_limit: tier.burstLimit,
        daily_quota: tier.dailyQuota,
        lambda_memory_mb: tier.lambdaMemoryMb,
        reserved_concurrency: tier.reservedConcurrency ?? -1,
      };
    }
    this.tierSettings = new TerraformLocal(this, 'tier_settings', settings);
    this.tierSettings.overrideLogicalId('tier_settings');
  }

  /** Returns a number from the settings of `var.tier`, such as `lambda_memory_mb`, as a Terraform expression. */
  tierSetting(name: keyof TierSettings): number {
    return Token.asNumber(Fn.lookupNested(this.tierSettings.expression, [this.tier.stringValue, name]));
  }

  /** `var.admin_email`, or null when it is empty, for arguments that reject an empty string. */
  get replyToEmail(): string {
    // Written as Terraform syntax: CDKTF's Op.eq drops an empty-string or zero operand.
    return '${var.admin_email == "" ? null : var.admin_email}';
  }
}
