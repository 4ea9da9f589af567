/**
 * The CodeBuild projects of the deployment pipeline: `build` (test, synthesise, publish the
 * tenant template) and `deploy` (Terraform apply of one platform stack, chosen by the
 * pipeline action's STACK variable). Both read their buildspec from `jobs/pipeline/` in the
 * pipeline's input artifact.
 */
import { Construct } from 'constructs';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PolicyStatement, policyDocument } from '../../shared/iam';
import { AWS_PROVIDER_VERSION } from '../../shared/aws-provider';
import { codeBuildIdentity } from '../../shared/codebuild-identity';
import type { PlatformConfig } from '../../../config/platform-config';

/** CodeBuild's Amazon Linux 2023 standard image: Node.js 20, bash, curl, unzip, zip, jq and the AWS CLI. */
export const PIPELINE_BUILD_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

export interface PipelineProjectProps {
  readonly projectName: string;
  readonly description: string;
  readonly config: PlatformConfig;
  /** Path of the buildspec inside the input artifact. */
  readonly buildspec: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Statements of the project role beyond its own log group; receives the log group ARN. */
  readonly statements: (logGroupArn: string) => PolicyStatement[];
  /** @default 'BUILD_GENERAL1_SMALL' */
  readonly computeType?: string;
  /** @default 60 */
  readonly timeoutMinutes?: number;
}

export class PipelineProject extends Construct {
  readonly project: CodebuildProject;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: PipelineProjectProps) {
    super(scope, id);
    const { config } = props;

    const { logGroup, role } = codeBuildIdentity(this, props.projectName, config);
    this.role = role;

    const policy = new IamRolePolicy(this, 'policy', {
      name: 'pipeline-project',
      role: this.role.id,
      policy: policyDocument(props.statements(logGroup.arn)),
    });

    this.project = new CodebuildProject(this, 'project', {
      name: props.projectName,
      description: props.description,
      serviceRole: this.role.arn,
      buildTimeout: props.timeoutMinutes ?? 60,
      queuedTimeout: 60,
      artifacts: { type: 'CODEPIPELINE' },
      source: { type: 'CODEPIPELINE', buildspec: props.buildspec },
      environment: {
        computeType: props.computeType ?? 'BUILD_GENERAL1_SMALL',
        image: PIPELINE_BUILD_IMAGE,
        type: 'LINUX_CONTAINER',
        imagePullCredentialsType: 'CODEBUILD',
        environmentVariable: Object.entries({
          TERRAFORM_VERSION: config.terraformVersion,
          AWS_PROVIDER_VERSION,
          AWS_REGION: config.region,
          ...props.environment,
        }).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' })),
      },
      logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: 'ENABLED' } },
      dependsOn: [policy],
    });
  }

  get name(): string {
    return this.project.name;
  }

  get arn(): string {
    return this.project.arn;
  }
}
