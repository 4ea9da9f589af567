/**
 * One EventBridge rule with its single target: a retry policy, a dead-letter queue that only
 * this rule may write to, and the permission the target needs (a role that may start only
 * the target state machine, or a Lambda permission scoped to this rule).
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { DeadLetterQueue } from './dead-letter-queue';

/** Retry window of every target: one hour, then the event goes to the dead-letter queue. */
export const TARGET_MAXIMUM_EVENT_AGE_SECONDS = 3600;
/** Retries of every target within that window, with EventBridge's exponential backoff. */
export const TARGET_MAXIMUM_RETRY_ATTEMPTS = 20;

export type RuleTarget =
  | { readonly kind: 'stateMachine'; readonly arn: string; readonly roleArn: string }
  | { readonly kind: 'function'; readonly arn: string; readonly functionName: string };

export interface EventRuleTargetProps {
  readonly ruleName: string;
  readonly description: string;
  /** Bus name; the default bus when left out. */
  readonly eventBusName?: string;
  readonly eventPattern: Record<string, unknown>;
  readonly target: RuleTarget;
}

export class EventRuleTarget extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: EventRuleTargetProps) {
    super(scope, id);

    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: props.description,
      eventBusName: props.eventBusName,
      eventPattern: JSON.stringify(props.eventPattern),
    });

    this.deadLetterQueue = new DeadLetterQueue(this, 'dlq', {
      queueName: `${props.ruleName}-dlq`,
      sender: { service: 'events.amazonaws.com', sourceArn: this.rule.arn },
    });

    const target = props.target;
    new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      eventBusName: props.eventBusName,
      targetId: target.kind === 'stateMachine' ? 'state-machine' : 'function',
      arn: target.arn,
      roleArn: target.kind === 'stateMachine' ? target.roleArn : undefined,
      retryPolicy: {
        maximumEventAgeInSeconds: TARGET_MAXIMUM_EVENT_AGE_SECONDS,
        maximumRetryAttempts: TARGET_MAXIMUM_RETRY_ATTEMPTS,
      },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });

    if (target.kind === 'function') {
      new LambdaPermission(this, 'invoke', {
        statementId: `invoke-from-${props.ruleName}`.slice(0, 100),
        action: 'lambda:InvokeFunction',
        functionName: target.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: this.rule.arn,
      });
    }
  }
}
