/**
 * The CodeBuild project that runs Terraform for silo tenants: it applies or destroys the
 * tenant template with one state file per tenant. The job's files (`jobs/`) are uploaded
 * to the template bucket as the project's source, so the buildspec and the script it runs
 * always come from the same release.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { policyDocument } from '../shared/iam';
import { codeBuildIdentity } from '../shared/codebuild-identity';
import { writeDirectoryArchive } from '../shared/directory-archive';
import { escapeTerraformTemplate } from '../shared/terraform-strings';
import { processBuildDirectory, REPOSITORY_ROOT } from '../shared/lambda-bundles';
import type { PlatformConfig } from '../../config/platform-config';
import type { SecureBucket } from '../shared/secure-bucket';
import { provisioningStatements } from './provisioning-permissions';
import { TEMPLATE_KEY_PREFIX } from './tenant-template-storage';

/** Folder of the provisioning job; `buildspec.yml` sits at its root. */
export const DEFAULT_JOB_DIRECTORY = path.join(REPOSITORY_ROOT, 'jobs');

/** CodeBuild's Amazon Linux 2023 standard image, which has bash, curl, unzip, jq and the AWS CLI. */
export const BUILD_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

export interface ProvisioningProjectProps {
  readonly projectName: string;
  readonly config: PlatformConfig;
  readonly stateBucket: SecureBucket;
  readonly templateBucket: SecureBucket;
  /** @default DEFAULT_JOB_DIRECTORY */
  readonly jobDirectory?: string;
}

export class ProvisioningProject extends Construct {
  readonly project: CodebuildProject;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ProvisioningProjectProps) {
    super(scope, id);
    const { config } = props;
    const jobDirectory = props.jobDirectory ?? DEFAULT_JOB_DIRECTORY;
    const buildspecFile = path.join(jobDirectory, 'buildspec.yml');
    if (!fs.existsSync(buildspecFile)) {
      throw new Error(`the provisioning job's buildspec "${buildspecFile}" does not exist; the control-plane stack needs it for the CodeBuild project`);
    }

    const archive = path.join(processBuildDirectory(), 'provisioning-job.zip');
    writeDirectoryArchive(jobDirectory, archive);
    const asset = new TerraformAsset(this, 'job-archive', { path: archive, type: AssetType.FILE });
    const source = new S3Object(this, 'job-source', {
      bucket: props.templateBucket.name,
      key: `jobs/provisioning-${asset.assetHash}.zip`,
      source: asset.path,
      sourceHash: asset.assetHash,
    });

    const { logGroup, role } = codeBuildIdentity(this, props.projectName, config);
    this.role = role;

    const policy = new IamRolePolicy(this, 'policy', {
      name: 'tenant-provisioning',
      role: this.role.id,
      policy: policyDocument(
        provisioningStatements({
          config,
          stateBucketArn: props.stateBucket.arn,
          templateBucketArn: props.templateBucket.arn,
          logGroupArn: logGroup.arn,
        }),
      ),
    });

    this.project = new CodebuildProject(this, 'project', {
      name: props.projectName,
      description: 'Applies or destroys the tenant template of one silo tenant with Terraform',
      serviceRole: this.role.arn,
      buildTimeout: config.jobTimeoutMinutes,
      queuedTimeout: 60,
      artifacts: { type: 'NO_ARTIFACTS' },
      source: {
        type: 'S3',
        location: `${source.bucket}/${source.key}`,
        buildspec: escapeTerraformTemplate(fs.readFileSync(buildspecFile, 'utf8')),
      },
      environment: {
        computeType: 'BUILD_GENERAL1_SMALL',
        image: BUILD_IMAGE,
        type: 'LINUX_CONTAINER',
        imagePullCredentialsType: 'CODEBUILD',
        environmentVariable: [
          { name: 'TERRAFORM_VERSION', value: config.terraformVersion },
          { name: 'STATE_BUCKET', value: props.stateBucket.name },
          { name: 'TEMPLATE_BUCKET', value: props.templateBucket.name },
          { name: 'TEMPLATE_PREFIX', value: TEMPLATE_KEY_PREFIX },
          { name: 'AWS_REGION', value: config.region },
        ].map((variable) => ({ ...variable, type: 'PLAINTEXT' })),
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
