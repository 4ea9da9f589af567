/**
 * One Lambda function from the handler catalog: its bundle as a Terraform asset, its own
 * execution role and log group, X-Ray tracing and the Powertools settings.
 */
import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { handlerEntry, HandlerId } from '../../lambdas/catalog';
import { handlerBundle } from './lambda-bundles';
import { PolicyStatement, policyDocument } from './iam';

export interface NodeFunctionProps {
  /** Catalog id of the handler this function runs. */
  readonly handler: HandlerId;
  /** Function name; also names the role and the log group. */
  readonly functionName: string;
  /** Powertools service name, shown in every log line and metric. */
  readonly serviceName: string;
  /** Metrics namespace of Powertools Metrics. */
  readonly metricsNamespace: string;
  readonly logRetentionDays: number;
  /** Statements of the role's inline policy, beyond writing to its own log group and X-Ray. */
  readonly statements?: readonly PolicyStatement[];
  readonly environment?: Record<string, string>;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** Reserved concurrency; left unreserved when undefined. */
  readonly reservedConcurrency?: number;
}

export class NodeFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const entry = handlerEntry(props.handler);

    // The zip is built once per synth; each stack copies it into its own assets folder. Its
    // known hash spares CDKTF from hashing every zip again.
    const bundle = handlerBundle(entry.id);
    const asset = new TerraformAsset(this, 'bundle', {
      path: bundle.archive,
      type: AssetType.FILE,
      assetHash: Buffer.from(bundle.archiveSha256, 'base64').toString('hex').slice(0, 32).toUpperCase(),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, 'role', {
      name: `${props.functionName}-role`,
      assumeRolePolicy: policyDocument([
        { actions: ['sts:AssumeRole'], principals: { Service: ['lambda.amazonaws.com'] } },
      ]),
    });

    new IamRolePolicy(this, 'policy', {
      name: 'function',
      role: this.role.id,
      policy: policyDocument([
        {
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        {
          sid: 'SendTraces',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        },
        ...(props.statements ?? []),
      ]),
    });

    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: entry.description,
      role: this.role.arn,
      runtime: 'nodejs20.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: bundle.archiveSha256,
      memorySize: props.memoryMb ?? 256,
      timeout: props.timeoutSeconds ?? 10,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      environment: {
        variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: props.serviceName,
          POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
          POWERTOOLS_LOG_LEVEL: 'INFO',
          ...(props.environment ?? {}),
        },
      },
      dependsOn: [this.logGroup],
    });
  }

  get arn(): string {
    return this.function.arn;
  }

  get invokeArn(): string {
    return this.function.invokeArn;
  }

  get functionName(): string {
    return this.function.functionName;
  }
}
