/**
 * `--target aws`: the deployed control plane, reached with the standard AWS credential
 * chain. Tenant operations run the control-plane handlers in this process against the
 * real registry tables and bus; executions come from Step Functions and Terraform state
 * from the tenant state bucket.
 *
 * NOTE: no AWS account was reachable while this was built, so this target has been tested
 * only against aws-sdk-client-mock, never against AWS.
 */
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ResourceNames } from '../../../config/naming';
import type { PlatformConfig } from '../../../config/platform-config';
import type { TenantRecord } from '../../../lambdas/shared/tenant';
import type { ExecutionFilter, ExecutionSummary, ExecutionView } from '../../executions/execution-view';
import { parseStateFile, TerraformStateView } from '../../state/terraform-state';
import { BaseTarget } from '../base-target';
import { applyEnvironment, controlPlaneEnvironment, powertoolsEnvironment } from '../handler-environment';
import { AwsExecutions } from './aws-executions';
import { AwsSettings, loadAwsSettings } from './aws-settings';

/** Interval between registry reads while a tenant is being onboarded on AWS, in milliseconds. */
const AWS_POLL_INTERVAL_MS = 5000;

export interface AwsTargetOptions {
  readonly config: PlatformConfig;
  readonly settingsFile: string;
  readonly pollIntervalMs?: number;
}

export class AwsTarget extends BaseTarget {
  readonly kind = 'aws' as const;
  readonly settings: AwsSettings;
  private readonly executions: AwsExecutions;
  private readonly s3: S3Client;
  private readonly sfn: SFNClient;

  constructor(options: AwsTargetOptions) {
    super(options.config, options.pollIntervalMs ?? AWS_POLL_INTERVAL_MS);
    const names = new ResourceNames(options.config.prefix);
    this.settings = loadAwsSettings(options.settingsFile, {
      region: options.config.region,
      tenantsTable: names.of('tenants'),
      tenantNamesTable: names.of('tenant-names'),
    });

    applyEnvironment({
      AWS_REGION: this.settings.region,
      ...powertoolsEnvironment(),
      // Handler logs would interleave with results on stdout; on AWS they go nowhere unless asked for.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      ...controlPlaneEnvironment(options.config, {
        tenantsTable: this.settings.tenantsTable,
        tenantNamesTable: this.settings.tenantNamesTable,
        eventBusName: this.settings.eventBusName,
        applicationPlaneParameterPath: this.settings.applicationPlaneParameterPath ?? `/${options.config.prefix}/application-plane`,
      }),
    });

    this.sfn = new SFNClient({ region: this.settings.region });
    this.s3 = new S3Client({ region: this.settings.region });
    this.executions = new AwsExecutions(this.sfn, {
      onboarding: this.settings.onboardingStateMachineArn,
      offboarding: this.settings.offboardingStateMachineArn,
      activation: this.settings.activationStateMachineArn,
    });
  }

  protected async prepareRegistry(): Promise<void> {
    // The SDK clients find the tables through the environment set in the constructor.
  }

  async prepareLifecycle(): Promise<void> {
    // The deployed rules, state machines and jobs run the lifecycle.
  }

  listExecutions(filter: ExecutionFilter): Promise<ExecutionSummary[]> {
    return this.executions.list(filter);
  }

  getExecution(executionIdOrArn: string): Promise<ExecutionView | undefined> {
    return this.executions.get(executionIdOrArn);
  }

  /** Reads `tenants/<tenantId>/terraform.tfstate` from the state bucket; undefined when there is none. */
  async readTerraformState(tenant: TenantRecord): Promise<TerraformStateView | undefined> {
    const key = `tenants/${tenant.tenantId}/terraform.tfstate`;
    const location = `s3://${this.settings.tenantStateBucket}/${key}`;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.settings.tenantStateBucket, Key: key }));
      const text = (await object.Body?.transformToString('utf8')) ?? '';
      return parseStateFile(text, location);
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') {
        return undefined;
      }
      throw error;
    }
  }

  /** Tenants already requested keep onboarding on AWS; nothing is marked. */
  async abandon(): Promise<TenantRecord[]> {
    return [];
  }

  async close(): Promise<void> {
    this.sfn.destroy();
    this.s3.destroy();
  }
}
