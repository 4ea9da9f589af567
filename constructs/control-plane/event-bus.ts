/**
 * The platform's EventBridge bus, on which the control plane and the application plane
 * exchange lifecycle events, and an archive of every event on it for replay.
 */
import { Construct } from 'constructs';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventArchive } from '@cdktf/provider-aws/lib/cloudwatch-event-archive';

/** Days the archive keeps events; long enough to replay a lifecycle event after a bad release. */
export const EVENT_ARCHIVE_RETENTION_DAYS = 90;

export interface PlatformEventBusProps {
  readonly busName: string;
  readonly archiveName: string;
  /** @default EVENT_ARCHIVE_RETENTION_DAYS */
  readonly archiveRetentionDays?: number;
}

export class PlatformEventBus extends Construct {
  readonly bus: CloudwatchEventBus;
  readonly archive: CloudwatchEventArchive;

  constructor(scope: Construct, id: string, props: PlatformEventBusProps) {
    super(scope, id);

    this.bus = new CloudwatchEventBus(this, 'bus', { name: props.busName });

    this.archive = new CloudwatchEventArchive(this, 'archive', {
      name: props.archiveName,
      description: `Every event on ${props.busName}, kept for replay`,
      eventSourceArn: this.bus.arn,
      retentionDays: props.archiveRetentionDays ?? EVENT_ARCHIVE_RETENTION_DAYS,
    });
  }

  get name(): string {
    return this.bus.name;
  }

  get arn(): string {
    return this.bus.arn;
  }
}
