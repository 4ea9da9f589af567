/**
 * An SQS dead-letter queue for one sender: encrypted with SQS-managed keys, keeping messages
 * for the SQS maximum of 14 days, with a queue policy that lets only that sender's ARN (an
 * EventBridge rule or a Lambda function) send to it.
 */
import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { policyDocument } from '../shared/iam';

/** 14 days, the longest SQS keeps a message, in seconds. */
const MAX_MESSAGE_RETENTION_SECONDS = 14 * 24 * 60 * 60;

export interface DeadLetterQueueProps {
  readonly queueName: string;
  /**
   * Service principal and ARN allowed to send, such as events.amazonaws.com and a rule ARN.
   * Leave out when the sender is an IAM role that gets `sqs:SendMessage` in its own policy.
   */
  readonly sender?: { readonly service: string; readonly sourceArn: string };
}

export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);

    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: MAX_MESSAGE_RETENTION_SECONDS,
    });

    if (props.sender) {
      new SqsQueuePolicy(this, 'policy', {
        queueUrl: this.queue.url,
        policy: policyDocument([
          {
            sid: 'AllowOnlyTheSender',
            principals: { Service: [props.sender.service] },
            actions: ['sqs:SendMessage'],
            resources: [this.queue.arn],
            conditions: { ArnEquals: { 'aws:SourceArn': props.sender.sourceArn } },
          },
        ]),
      });
    }
  }

  get arn(): string {
    return this.queue.arn;
  }
}
