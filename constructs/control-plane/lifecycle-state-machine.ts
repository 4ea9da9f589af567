/**
 * A STANDARD Step Functions state machine whose definition comes from an ASL file under
 * `statemachines/`, with X-Ray tracing, logging to its own log group (without execution
 * data, which can contain tenant details) and a role derived from its Task states.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { policyDocument } from '../shared/iam';
import { DefinitionValues, loadStateMachineDefinition } from './state-machine-definition';
import { deriveStateMachineStatements, PermissionTargets } from './state-machine-permissions';

export interface LifecycleStateMachineProps {
  readonly stateMachineName: string;
  /** Path of the ASL file. */
  readonly definitionFile: string;
  readonly values: DefinitionValues;
  readonly permissionTargets: PermissionTargets;
  readonly logRetentionDays: number;
  /** @default 'ALL' */
  readonly logLevel?: 'ALL' | 'ERROR';
}

export class LifecycleStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: IamRole;
  /** Handler ids that the definition invokes. */
  readonly functionIds: readonly string[];

  constructor(scope: Construct, id: string, props: LifecycleStateMachineProps) {
    super(scope, id);
    const { region, accountId } = props.permissionTargets;

    const loaded = loadStateMachineDefinition(props.definitionFile, props.values);
    this.functionIds = loaded.functionIds;
    const taskStatements = deriveStateMachineStatements(loaded.template, props.permissionTargets, props.definitionFile);

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, 'role', {
      name: `${props.stateMachineName}-sfn-role`,
      assumeRolePolicy: policyDocument([
        {
          actions: ['sts:AssumeRole'],
          principals: { Service: ['states.amazonaws.com'] },
          conditions: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnLike: { 'aws:SourceArn': `arn:aws:states:${region}:${accountId}:stateMachine:${props.stateMachineName}` },
          },
        },
      ]),
    });

    const policy = new IamRolePolicy(this, 'policy', {
      name: 'state-machine',
      role: this.role.id,
      policy: policyDocument([
        ...taskStatements,
        {
          sid: 'DeliverLogs',
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        },
        {
          sid: 'SendTraces',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        },
      ]),
    });

    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: props.stateMachineName,
      type: 'STANDARD',
      roleArn: this.role.arn,
      definition: loaded.definition,
      loggingConfiguration: {
        logDestination: `${logGroup.arn}:*`,
        includeExecutionData: false,
        level: props.logLevel ?? 'ALL',
      },
      tracingConfiguration: { enabled: true },
      // Step Functions checks at creation that the role may deliver logs.
      dependsOn: [policy],
    });
  }

  get arn(): string {
    return this.stateMachine.arn;
  }
}
