/**
 * The control plane: the event bus and its rules, the tenant registry, the management API
 * and its user pool, the lifecycle state machines, and the Terraform job and storage that
 * provision silo tenants.
 */
import * as path from 'path';
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { CONSUMER_RULES, consumerRulePattern } from '../../lambdas/shared/events';
import { PlatformStack, PlatformStackProps } from '../shared/platform-stack';
import { policyDocument } from '../shared/iam';
import { REPOSITORY_ROOT } from '../shared/lambda-bundles';
import { applicationPlaneParameterPath, templateVersionParameterName } from '../shared/platform-parameters';
import { PlatformEventBus } from './event-bus';
import { ControlPlaneTables } from './control-plane-tables';
import { ControlPlaneUserPool } from './control-plane-user-pool';
import { ControlPlaneFunctions } from './control-plane-functions';
import { ControlPlaneApi } from './control-plane-api';
import { DeadLetterQueue } from './dead-letter-queue';
import { EventRuleTarget } from './event-rule-target';
import { LifecycleStateMachine } from './lifecycle-state-machine';
import { ProvisioningProject } from './provisioning-project';
import { TEMPLATE_KEY_PREFIX, TenantTemplateStorage } from './tenant-template-storage';
import { DeploymentPipeline } from './pipeline/deployment-pipeline';
import type { StateMachinePlaceholder } from './state-machine-definition';

export const LIFECYCLE_STATE_MACHINES = ['onboarding', 'offboarding', 'activation'] as const;
export type LifecycleStateMachineId = (typeof LIFECYCLE_STATE_MACHINES)[number];

/** Status values of a Step Functions execution that leave a tenant's operation unfinished. */
export const FAILED_EXECUTION_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export interface ControlPlaneStackProps extends PlatformStackProps {
  /** Folder of the `<name>.asl.json` files. @default `statemachines/` of the repository */
  readonly stateMachineDirectory?: string;
  /** Folder of the provisioning job. @default `jobs/` of the repository */
  readonly jobDirectory?: string;
}

export class ControlPlaneStack extends PlatformStack {
  readonly bus: PlatformEventBus;
  readonly tables: ControlPlaneTables;
  readonly userPool: ControlPlaneUserPool;
  readonly functions: ControlPlaneFunctions;
  readonly api: ControlPlaneApi;
  readonly storage: TenantTemplateStorage;
  readonly provisioning: ProvisioningProject;
  readonly stateMachines: Readonly<Record<LifecycleStateMachineId, LifecycleStateMachine>>;
  /** Rolls the tenant template out to the silo tenants in waves. */
  readonly rolloutStateMachine: LifecycleStateMachine;
  /** Undefined when the configuration sets `pipeline.enabled` to false. */
  readonly pipeline?: DeploymentPipeline;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    const { config, names } = this;
    const stateMachineDirectory = props.stateMachineDirectory ?? path.join(REPOSITORY_ROOT, 'statemachines');

    this.bus = new PlatformEventBus(this, 'event-bus', { busName: names.eventBus, archiveName: names.of('events-archive') });
    this.tables = new ControlPlaneTables(this, 'tables', names);
    this.userPool = new ControlPlaneUserPool(this, 'user-pool', {
      poolName: names.of('control-plane'),
      domainPrefix: `${config.prefix}-control-plane-${config.accountId}`,
      callbackUrls: config.adminCallbackUrls,
    });
    this.storage = new TenantTemplateStorage(this, 'tenant-template-storage', {
      stateBucketName: names.bucket('tenant-state', config.accountId),
      templateBucketName: names.bucket('tenant-templates', config.accountId),
      templateVersionParameterName: templateVersionParameterName(config.prefix),
    });
    this.provisioning = new ProvisioningProject(this, 'provisioning', {
      projectName: names.provisioningProject,
      config,
      stateBucket: this.storage.stateBucket,
      templateBucket: this.storage.templateBucket,
      jobDirectory: props.jobDirectory,
    });

    // Lambda sends events it could not deliver to registry-update after its own retries here.
    const registryUpdateQueue = new DeadLetterQueue(this, 'registry-update-dlq', { queueName: names.of('registry-update-dlq') });

    this.functions = new ControlPlaneFunctions(this, 'functions', {
      resources: {
        config,
        names,
        tenantsTable: this.tables.tenants,
        tenantNamesTable: this.tables.tenantNames,
        rolloutsTable: this.tables.rollouts,
        eventBusName: this.bus.name,
        eventBusArn: this.bus.arn,
        controlPlaneUserPoolArn: this.userPool.pool.arn,
        applicationPlaneParameterPath: applicationPlaneParameterPath(config.prefix),
      },
      controlPlaneUserPoolId: this.userPool.pool.id,
      extraStatements: {
        'registry-update': [{ sid: 'SendToDeadLetterQueue', actions: ['sqs:SendMessage'], resources: [registryUpdateQueue.arn] }],
      },
    });

    const registryUpdate = this.functions.get('registry-update');
    registryUpdate.function.putDeadLetterConfig({ targetArn: registryUpdateQueue.arn });
    new LambdaFunctionEventInvokeConfig(this, 'registry-update-async', {
      functionName: registryUpdate.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 3600,
    });

    this.api = new ControlPlaneApi(this, 'api', {
      apiName: names.of('control-plane-api'),
      region: config.region,
      userPoolId: this.userPool.pool.id,
      audience: [this.userPool.userClient.id, this.userPool.machineClient.id],
      allowedOrigins: [...new Set(config.adminCallbackUrls.map((url) => new URL(url).origin))],
      logRetentionDays: config.logRetentionDays,
      functionFor: (handlerId) => this.functions.get(handlerId),
    });

    const placeholders: Record<StateMachinePlaceholder, string> = {
      EventBusName: this.bus.name,
      ControlPlaneSource: config.eventSources.controlPlane,
      ApplicationPlaneSource: config.eventSources.applicationPlane,
      TenantsTable: this.tables.tenants.name,
      ProvisioningProjectName: this.provisioning.name,
      TemplateVersionParameter: templateVersionParameterName(config.prefix),
    };
    const functionArn = (handlerId: string) => this.functions.get(handlerId).arn;

    const stateMachine = (machineId: string) =>
      new LifecycleStateMachine(this, `${machineId}-state-machine`, {
        stateMachineName: names.of(machineId),
        definitionFile: path.join(stateMachineDirectory, `${machineId}.asl.json`),
        values: { placeholders, functionArn },
        permissionTargets: {
          region: config.region,
          accountId: config.accountId,
          placeholders,
          functionArn,
          eventBusArn: this.bus.arn,
          provisioningProjectArn: this.provisioning.arn,
        },
        logRetentionDays: config.logRetentionDays,
      });

    const machines: Partial<Record<LifecycleStateMachineId, LifecycleStateMachine>> = {};
    for (const machineId of LIFECYCLE_STATE_MACHINES) {
      machines[machineId] = stateMachine(machineId);
    }
    this.stateMachines = machines as Record<LifecycleStateMachineId, LifecycleStateMachine>;
    this.rolloutStateMachine = stateMachine('rollout');

    if (config.pipeline?.enabled !== false) {
      this.pipeline = new DeploymentPipeline(this, 'deployment-pipeline', {
        config,
        names,
        templateBucket: this.storage.templateBucket,
        templateKeyPrefix: TEMPLATE_KEY_PREFIX,
        stateBucket: this.storage.stateBucket,
        templateVersionParameterName: templateVersionParameterName(config.prefix),
        rolloutStateMachine: { arn: this.rolloutStateMachine.arn, name: names.of('rollout') },
      });
    }

    this.addConsumerRules();
    this.addExecutionFailureRule();
    this.addOutputs();
  }

  /** Adds one rule per consumer of the event catalog, starting each state machine through a role of its own. */
  private addConsumerRules(): void {
    const { names, config } = this;
    const startRoles = new Map<LifecycleStateMachineId, IamRole>();
    const startRoleOf = (machineId: LifecycleStateMachineId): IamRole => {
      const existing = startRoles.get(machineId);
      if (existing) {
        return existing;
      }
      const role = new IamRole(this, `${machineId}-start-role`, {
        name: names.of(machineId, 'events-role'),
        assumeRolePolicy: policyDocument([
          {
            actions: ['sts:AssumeRole'],
            principals: { Service: ['events.amazonaws.com'] },
            conditions: { StringEquals: { 'aws:SourceAccount': config.accountId } },
          },
        ]),
      });
      new IamRolePolicy(this, `${machineId}-start-policy`, {
        name: 'start-execution',
        role: role.id,
        policy: policyDocument([{ actions: ['states:StartExecution'], resources: [this.stateMachines[machineId].arn] }]),
      });
      startRoles.set(machineId, role);
      return role;
    };

    for (const consumer of CONSUMER_RULES) {
      const target = consumer.target;
      new EventRuleTarget(this, `rule-${consumer.name}`, {
        ruleName: names.of(consumer.name),
        description: `Delivers ${consumer.detailType} to ${target.kind === 'stateMachine' ? `the ${target.id} state machine` : target.id}`,
        eventBusName: this.bus.name,
        eventPattern: consumerRulePattern(consumer, config.eventSources),
        target:
          target.kind === 'stateMachine'
            ? { kind: 'stateMachine', arn: this.stateMachines[target.id].arn, roleArn: startRoleOf(target.id).arn }
            : { kind: 'function', arn: this.functions.get(target.id).arn, functionName: this.functions.get(target.id).functionName },
      });
    }
  }

  /**
   * Step Functions reports execution status changes on the default bus. A lifecycle
   * execution that failed, timed out or was aborted may not have emitted its failure event,
   * so the registry updater marks the tenant failed from this event too.
   */
  private addExecutionFailureRule(): void {
    const registryUpdate = this.functions.get('registry-update');
    new EventRuleTarget(this, 'rule-execution-failed', {
      ruleName: this.names.of('execution-failed'),
      description: 'Delivers failed, timed-out and aborted lifecycle executions to registry-update',
      eventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: FAILED_EXECUTION_STATUSES,
          stateMachineArn: LIFECYCLE_STATE_MACHINES.map((machineId) => this.stateMachines[machineId].arn),
        },
      },
      target: { kind: 'function', arn: registryUpdate.arn, functionName: registryUpdate.functionName },
    });
  }

  private addOutputs(): void {
    const outputs: Record<string, { value: string; description: string }> = {
      api_url: { value: this.api.url, description: 'Base URL of the control-plane API' },
      user_pool_id: { value: this.userPool.pool.id, description: 'Control-plane user pool of system users' },
      user_client_id: { value: this.userPool.userClient.id, description: 'App client of the admin console (authorization code flow)' },
      machine_client_id: { value: this.userPool.machineClient.id, description: 'App client for service calls (client credentials)' },
      sign_in_domain: { value: this.userPool.domain.domain, description: 'Prefix of the hosted sign-in domain' },
      event_bus_name: { value: this.bus.name, description: 'Event bus of lifecycle events' },
      event_bus_arn: { value: this.bus.arn, description: 'ARN of the event bus' },
      onboarding_state_machine_arn: { value: this.stateMachines.onboarding.arn, description: 'Onboarding state machine' },
      offboarding_state_machine_arn: { value: this.stateMachines.offboarding.arn, description: 'Offboarding state machine' },
      activation_state_machine_arn: { value: this.stateMachines.activation.arn, description: 'Activation and deactivation state machine' },
      provisioning_project_name: { value: this.provisioning.name, description: 'CodeBuild project that runs Terraform for silo tenants' },
      tenant_state_bucket: { value: this.storage.stateBucket.name, description: 'Bucket of per-tenant Terraform state' },
      tenant_template_bucket: { value: this.storage.templateBucket.name, description: 'Bucket of tenant-template artifacts' },
      rollout_state_machine_arn: { value: this.rolloutStateMachine.arn, description: 'Rollout state machine of silo tenant updates' },
    };
    if (this.pipeline) {
      outputs.pipeline_name = { value: this.pipeline.pipeline.name, description: 'Deployment pipeline' };
      outputs.pipeline_artifact_bucket = { value: this.pipeline.artifactBucket.name, description: 'Bucket of pipeline artifacts and the S3 source archive' };
    }
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, output);
    }
  }
}
