/**
 * The deployment pipeline (CodePipeline V2) and its four stages. Source takes an archive in
 * the pipeline bucket, or a repository through a CodeStar connection. Build tests, synthesises,
 * publishes the tenant template and moves the template-version parameter. Deploy applies the
 * control plane, then the pooled application plane, each with its own state key. Rollout
 * starts the rollout state machine, which brings every silo tenant to the new version in waves.
 *
 * Executions are QUEUED, so a newer source waits for a running rollout instead of
 * superseding it halfway through its waves.
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Codepipeline, CodepipelineStage, CodepipelineStageAction } from '@cdktf/provider-aws/lib/codepipeline';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { policyDocument } from '../../shared/iam';
import { SecureBucket } from '../../shared/secure-bucket';
import type { PlatformConfig } from '../../../config/platform-config';
import type { ResourceNames } from '../../../config/naming';
import { DEFAULT_SOURCE_BRANCH, DEFAULT_SOURCE_OBJECT_KEY } from '../../../config/pipeline-config';
import { PipelineProject } from './pipeline-projects';
import { PipelineResources, buildRoleStatements, deployRoleStatements, pipelineRoleStatements } from './pipeline-permissions';

/** Stacks the Deploy stage applies, in order; the tenant template is rolled out instead. */
export const DEPLOYED_STACKS = ['control-plane', 'application-plane'] as const;

/** Variable namespace of the build action; the rollout reads the published version from it. */
const BUILD_NAMESPACE = 'BuildVariables';

export interface DeploymentPipelineProps {
  readonly config: PlatformConfig;
  readonly names: ResourceNames;
  readonly templateBucket: SecureBucket;
  readonly templateKeyPrefix: string;
  readonly stateBucket: SecureBucket;
  readonly templateVersionParameterName: string;
  readonly rolloutStateMachine: { readonly arn: string; readonly name: string };
}

export class DeploymentPipeline extends Construct {
  readonly pipeline: Codepipeline;
  readonly artifactBucket: SecureBucket;
  readonly buildProject: PipelineProject;
  readonly deployProject: PipelineProject;
  readonly role: IamRole;
  /** Key the S3 source action watches; undefined with a connection source. */
  readonly sourceObjectKey?: string;

  constructor(scope: Construct, id: string, props: DeploymentPipelineProps) {
    super(scope, id);
    const { config, names } = props;
    const settings = config.pipeline ?? {};
    const connection = settings.connection;
    this.sourceObjectKey = connection ? undefined : (settings.sourceObjectKey ?? DEFAULT_SOURCE_OBJECT_KEY);
    const pipelineName = names.of('deployment');
    const { region, accountId } = config;

    this.artifactBucket = new SecureBucket(this, 'artifacts', { bucketName: names.bucket('pipeline', accountId) });

    const resources: PipelineResources = {
      config,
      artifactBucketArn: this.artifactBucket.arn,
      sourceObjectKey: this.sourceObjectKey,
      connectionArn: connection?.arn,
      templateBucketArn: props.templateBucket.arn,
      templateKeyPrefix: props.templateKeyPrefix,
      stateBucketArn: props.stateBucket.arn,
      templateVersionParameterArn: `arn:aws:ssm:${region}:${accountId}:parameter${props.templateVersionParameterName}`,
      projectArns: [
        `arn:aws:codebuild:${region}:${accountId}:project/${names.of('pipeline-build')}`,
        `arn:aws:codebuild:${region}:${accountId}:project/${names.of('pipeline-deploy')}`,
      ],
      rolloutStateMachineArn: props.rolloutStateMachine.arn,
      rolloutStateMachineName: props.rolloutStateMachine.name,
    };

    this.buildProject = new PipelineProject(this, 'build', {
      projectName: names.of('pipeline-build'),
      description: 'Tests the source, synthesises the stacks and publishes the tenant template',
      config,
      buildspec: 'jobs/pipeline/build.yml',
      computeType: 'BUILD_GENERAL1_MEDIUM',
      environment: {
        TEMPLATE_BUCKET: props.templateBucket.name,
        TEMPLATE_PREFIX: props.templateKeyPrefix,
        TEMPLATE_VERSION_PARAMETER: props.templateVersionParameterName,
      },
      statements: (logGroupArn) => buildRoleStatements(resources, logGroupArn),
    });

    this.deployProject = new PipelineProject(this, 'deploy', {
      projectName: names.of('pipeline-deploy'),
      description: 'Applies one platform stack with Terraform, with its state in the state bucket',
      config,
      buildspec: 'jobs/pipeline/deploy.yml',
      environment: { STATE_BUCKET: props.stateBucket.name },
      statements: (logGroupArn) => deployRoleStatements(resources, logGroupArn),
    });

    this.role = new IamRole(this, 'role', {
      name: `${pipelineName}-pipeline-role`,
      assumeRolePolicy: policyDocument([
        {
          actions: ['sts:AssumeRole'],
          principals: { Service: ['codepipeline.amazonaws.com'] },
          conditions: { StringEquals: { 'aws:SourceAccount': accountId } },
        },
      ]),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'pipeline',
      role: this.role.id,
      policy: policyDocument(pipelineRoleStatements(resources)),
    });

    this.pipeline = new Codepipeline(this, 'pipeline', {
      name: pipelineName,
      pipelineType: 'V2',
      executionMode: 'QUEUED',
      roleArn: this.role.arn,
      artifactStore: [{ location: this.artifactBucket.name, type: 'S3' }],
      stage: [this.sourceStage(props), this.buildStage(), this.deployStage(), this.rolloutStage(props)],
      trigger: connection
        ? [
            {
              providerType: 'CodeStarSourceConnection',
              gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: [connection.branch ?? DEFAULT_SOURCE_BRANCH] } }] },
            },
          ]
        : undefined,
      dependsOn: [policy],
    });

    if (this.sourceObjectKey) {
      this.addS3SourceTrigger(pipelineName, this.sourceObjectKey, accountId);
    }
  }

  private sourceStage(props: DeploymentPipelineProps): CodepipelineStage {
    const connection = props.config.pipeline?.connection;
    const action: CodepipelineStageAction = connection
      ? {
          name: 'Source',
          category: 'Source',
          owner: 'AWS',
          provider: 'CodeStarSourceConnection',
          version: '1',
          outputArtifacts: ['Source'],
          configuration: {
            ConnectionArn: connection.arn,
            FullRepositoryId: connection.repository,
            BranchName: connection.branch ?? DEFAULT_SOURCE_BRANCH,
            OutputArtifactFormat: 'CODE_ZIP',
          },
        }
      : {
          name: 'Source',
          category: 'Source',
          owner: 'AWS',
          provider: 'S3',
          version: '1',
          outputArtifacts: ['Source'],
          // The EventBridge rule below starts the pipeline, so CodePipeline does not poll.
          configuration: { S3Bucket: this.artifactBucket.name, S3ObjectKey: this.sourceObjectKey ?? DEFAULT_SOURCE_OBJECT_KEY, PollForSourceChanges: 'false' },
        };
    return { name: 'Source', action: [action] };
  }

  private buildStage(): CodepipelineStage {
    return {
      name: 'Build',
      action: [
        {
          name: 'TestSynthPublish',
          category: 'Build',
          owner: 'AWS',
          provider: 'CodeBuild',
          version: '1',
          namespace: BUILD_NAMESPACE,
          inputArtifacts: ['Source'],
          outputArtifacts: ['BuildOutput'],
          configuration: { ProjectName: this.buildProject.name },
        },
      ],
    };
  }

  private deployStage(): CodepipelineStage {
    return {
      name: 'Deploy',
      action: DEPLOYED_STACKS.map((stack, index) => ({
        name: `Deploy-${stack}`,
        category: 'Build',
        owner: 'AWS',
        provider: 'CodeBuild',
        version: '1',
        runOrder: index + 1,
        inputArtifacts: ['BuildOutput'],
        configuration: {
          ProjectName: this.deployProject.name,
          EnvironmentVariables: JSON.stringify([{ name: 'STACK', value: stack, type: 'PLAINTEXT' }]),
        },
      })),
    };
  }

  private rolloutStage(props: DeploymentPipelineProps): CodepipelineStage {
    const rollout = props.config.pipeline?.rollout ?? {};
    const input = {
      targetVersion: `#{${BUILD_NAMESPACE}.TEMPLATE_VERSION}`,
      startedBy: 'pipeline',
      ...(rollout.waves !== undefined ? { waves: rollout.waves } : {}),
      ...(rollout.concurrency !== undefined ? { concurrency: rollout.concurrency } : {}),
      ...(rollout.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: rollout.toleratedFailurePercentage } : {}),
      ...(rollout.approveBetweenWaves !== undefined ? { approveBetweenWaves: rollout.approveBetweenWaves } : {}),
    };
    return {
      name: 'Rollout',
      action: [
        {
          name: 'RolloutSiloTenants',
          category: 'Invoke',
          owner: 'AWS',
          provider: 'StepFunctions',
          version: '1',
          configuration: {
            StateMachineArn: props.rolloutStateMachine.arn,
            ExecutionNamePrefix: 'pipeline',
            InputType: 'Literal',
            Input: JSON.stringify(input),
          },
        },
      ],
    };
  }

  /** S3 sends Object Created events for the source key to EventBridge, whose rule starts the pipeline. */
  private addS3SourceTrigger(pipelineName: string, sourceObjectKey: string, accountId: string): void {
    new S3BucketNotification(this, 'source-events', { bucket: this.artifactBucket.bucket.id, eventbridge: true });

    const rule = new CloudwatchEventRule(this, 'source-rule', {
      name: `${pipelineName}-source`,
      description: `Starts ${pipelineName} when ${sourceObjectKey} changes`,
      eventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [this.artifactBucket.name] }, object: { key: [sourceObjectKey] } },
      }),
    });

    const role = new IamRole(this, 'source-rule-role', {
      name: `${pipelineName}-source-events-role`,
      assumeRolePolicy: policyDocument([
        {
          actions: ['sts:AssumeRole'],
          principals: { Service: ['events.amazonaws.com'] },
          conditions: { StringEquals: { 'aws:SourceAccount': accountId } },
        },
      ]),
    });
    new IamRolePolicy(this, 'source-rule-policy', {
      name: 'start-pipeline',
      role: role.id,
      policy: policyDocument([{ actions: ['codepipeline:StartPipelineExecution'], resources: [this.pipeline.arn] }]),
    });
    new CloudwatchEventTarget(this, 'source-target', { rule: rule.name, arn: this.pipeline.arn, roleArn: role.arn });
  }
}
