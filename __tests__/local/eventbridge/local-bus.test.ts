import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalEventBus, BusTarget, DeliveryReport, PutEventsValidationError } from '../../../local/eventbridge/local-bus';
import { DeadLetterStore } from '../../../local/eventbridge/dead-letter-store';
import { startEventBridgeEndpoint } from '../../../local/eventbridge/eventbridge-endpoint';
import { controlPlaneRules } from '../../../local/eventbridge/consumer-rules';
import type { BusEvent } from '../../../local/eventbridge/bus-event';
import { CONSUMER_RULES } from '../../../lambdas/shared/events';

const identity = { name: 'tenantform-events', account: '123456789012', region: 'us-east-1' };
const sources = { controlPlane: 'sbt.control.plane', applicationPlane: 'sbt.application.plane' };

class RecordingTarget implements BusTarget {
  readonly received: BusEvent[] = [];
  failuresLeft: number;

  constructor(
    readonly id: string,
    failures = 0,
  ) {
    this.failuresLeft = failures;
  }

  async deliver(event: BusEvent): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      const error = new Error(`target ${this.id} is unavailable`);
      error.name = 'ServiceUnavailable';
      throw error;
    }
    this.received.push(event);
  }
}

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-bus-')), name);
}

function successEntry(tenantId: string, detailType = 'sbt_aws_provisionSuccess') {
  return {
    EventBusName: identity.name,
    Source: sources.applicationPlane,
    DetailType: detailType,
    Detail: JSON.stringify({ tenantId }),
  };
}

function busWith(target: BusTarget, options: { maxAttempts?: number; file?: string; delays?: number[] } = {}) {
  const deadLetters = new DeadLetterStore(options.file);
  const reports: DeliveryReport[] = [];
  const bus = new LocalEventBus({
    ...identity,
    deadLetters,
    retryPolicy: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 100, maxDelayMs: 1000 },
    rules: [
      {
        name: 'provision-success',
        pattern: { source: [sources.applicationPlane], 'detail-type': ['sbt_aws_provisionSuccess'] },
        target,
        validate: (event) => (typeof event.detail.tenantId === 'string' ? undefined : 'detail.tenantId: missing'),
      },
    ],
    sleep: async (ms) => {
      options.delays?.push(ms);
    },
  });
  bus.on('settled', (report: DeliveryReport) => reports.push(report));
  return { bus, deadLetters, reports };
}

describe('local bus delivery', () => {
  test('matching event reaches its target', async () => {
    const target = new RecordingTarget('registry-update');
    const { bus, reports } = busWith(target);

    const result = bus.putEvents([successEntry('acme1')]);
    await bus.idle();

    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries[0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(target.received).toHaveLength(1);
    expect(target.received[0].detail).toEqual({ tenantId: 'acme1' });
    expect(target.received[0].account).toBe(identity.account);
    expect(target.received[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(reports).toEqual([expect.objectContaining({ outcome: 'delivered', attempts: 1 })]);
  });

  test('event matching no rule is not delivered', async () => {
    const target = new RecordingTarget('registry-update');
    const { bus, deadLetters } = busWith(target);

    bus.putEvents([successEntry('acme1', 'sbt_aws_ingestUsage')]);
    await bus.idle();

    expect(target.received).toHaveLength(0);
    expect(deadLetters.list()).toHaveLength(0);
  });

  test('delivery starts after putEvents returns', () => {
    const target = new RecordingTarget('registry-update');
    const { bus } = busWith(target);

    bus.putEvents([successEntry('acme1')]);

    expect(target.received).toHaveLength(0);
    expect(bus.pendingDeliveries).toBe(1);
  });
});

describe('local bus retries', () => {
  test('failed delivery is retried until it succeeds', async () => {
    const target = new RecordingTarget('registry-update', 2);
    const delays: number[] = [];
    const { bus, deadLetters, reports } = busWith(target, { delays });

    bus.putEvents([successEntry('acme1')]);
    await bus.idle();

    expect(target.received).toHaveLength(1);
    expect(reports[0]).toEqual(expect.objectContaining({ outcome: 'delivered', attempts: 3 }));
    expect(deadLetters.list()).toHaveLength(0);
    expect(delays).toHaveLength(2);
  });

  test('backoff grows and stays within its bounds', async () => {
    const target = new RecordingTarget('registry-update', 10);
    const delays: number[] = [];
    const { bus } = busWith(target, { maxAttempts: 6, delays });

    bus.putEvents([successEntry('acme1')]);
    await bus.idle();

    const ceilings = [100, 200, 400, 800, 1000];
    expect(delays).toHaveLength(ceilings.length);
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[index] / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[index]);
    });
  });

  test('delivery failing every attempt is dead-lettered', async () => {
    const target = new RecordingTarget('registry-update', 99);
    const file = tempFile('dead-letters.jsonl');
    const { bus, reports } = busWith(target, { file });

    bus.putEvents([successEntry('acme1')]);
    await bus.idle();

    const letters = new DeadLetterStore(file).list();
    expect(target.received).toHaveLength(0);
    expect(letters).toHaveLength(1);
    expect(letters[0].ruleName).toBe('provision-success');
    expect(letters[0].targetId).toBe('registry-update');
    expect(letters[0].errorCode).toBe('ServiceUnavailable');
    expect(letters[0].errorMessage).toBe('target registry-update is unavailable');
    expect(letters[0].attempts).toBe(3);
    expect(letters[0].event.detail).toEqual({ tenantId: 'acme1' });
    expect(reports[0]).toEqual(expect.objectContaining({ outcome: 'dead-lettered', attempts: 3 }));
  });

  test('invalid event is dead-lettered without delivery', async () => {
    const target = new RecordingTarget('registry-update');
    const file = tempFile('dead-letters.jsonl');
    const { bus } = busWith(target, { file });

    bus.putEvents([{ ...successEntry('x'), Detail: JSON.stringify({ jobOutput: {} }) }]);
    await bus.idle();

    const letters = new DeadLetterStore(file).list();
    expect(target.received).toHaveLength(0);
    expect(letters).toHaveLength(1);
    expect(letters[0].errorCode).toBe('InvalidEvent');
    expect(letters[0].errorMessage).toBe('detail.tenantId: missing');
    expect(letters[0].attempts).toBe(0);
  });

  test('dead letters survive a new store', async () => {
    const file = tempFile('dead-letters.jsonl');
    const first = busWith(new RecordingTarget('registry-update', 99), { file, maxAttempts: 1 });

    first.bus.putEvents([successEntry('acme1'), successEntry('acme2')]);
    await first.bus.idle();
    fs.appendFileSync(file, '{"torn');

    expect(new DeadLetterStore(file).list().map((letter) => letter.event.detail.tenantId)).toEqual(['acme1', 'acme2']);
  });
});

describe('local bus putEvents entries', () => {
  const target = new RecordingTarget('registry-update');

  test('rejects an empty request', () => {
    expect(() => busWith(target).bus.putEvents([])).toThrow(PutEventsValidationError);
  });

  test('rejects more than ten entries', () => {
    const entries = Array.from({ length: 11 }, (_, index) => successEntry(`acme${index}`));
    expect(() => busWith(target).bus.putEvents(entries)).toThrow('between 1 and 10');
  });

  test('reports each invalid entry in place', () => {
    const { bus } = busWith(target);
    const result = bus.putEvents([
      successEntry('acme1'),
      { ...successEntry('acme2'), Detail: '{not json' },
      { ...successEntry('acme3'), Detail: '[1,2]' },
      { ...successEntry('acme4'), Source: undefined },
      { ...successEntry('acme5'), DetailType: undefined },
      { ...successEntry('acme6'), EventBusName: 'other-bus' },
      { ...successEntry('acme7'), Detail: JSON.stringify({ tenantId: 'a'.repeat(300 * 1024) }) },
    ]);

    expect(result.FailedEntryCount).toBe(6);
    expect(result.Entries[0].EventId).toBeDefined();
    expect(result.Entries.slice(1).map((entry) => entry.ErrorCode)).toEqual([
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      'ResourceNotFoundException',
      'InvalidArgument',
    ]);
  });

  test('accepts the bus ARN as its name', () => {
    const { bus } = busWith(target);
    const arn = `arn:aws:events:${identity.region}:${identity.account}:event-bus/${identity.name}`;
    expect(bus.putEvents([{ ...successEntry('acme1'), EventBusName: arn }]).FailedEntryCount).toBe(0);
  });

  test('rejects an invalid rule pattern', () => {
    expect(
      () =>
        new LocalEventBus({
          ...identity,
          deadLetters: new DeadLetterStore(),
          rules: [{ name: 'broken', pattern: { source: 'not-an-array' }, target }],
        }),
    ).toThrow('event pattern is invalid at source');
  });
});

describe('control-plane rules on the local bus', () => {
  test('each detail type reaches its consumer', async () => {
    const targets = new Map<string, RecordingTarget>();
    const rules = controlPlaneRules('tenantform', sources, (target) => {
      const existing = targets.get(target.id) ?? new RecordingTarget(target.id);
      targets.set(target.id, existing);
      return existing;
    });
    const bus = new LocalEventBus({ ...identity, deadLetters: new DeadLetterStore(), rules });

    for (const rule of CONSUMER_RULES) {
      const source = sources[rule.emittedBy];
      const detail =
        rule.detailType === 'sbt_aws_onboardingRequest'
          ? { tenantId: 'acme1', tenantRegistrationId: 'r1', tenantName: 'Acme', email: 'ops@acme.test', tier: 'BASIC' }
          : rule.detailType.endsWith('Failure')
            ? { tenantId: 'acme1', reason: 'terraform plan failed' }
            : { tenantId: 'acme1' };
      bus.putEvents([{ EventBusName: identity.name, Source: source, DetailType: rule.detailType, Detail: JSON.stringify(detail) }]);
    }
    await bus.idle();

    const received = (id: string) => targets.get(id)?.received.map((event) => event['detail-type']);
    expect(received('onboarding')).toEqual(['sbt_aws_onboardingRequest']);
    expect(received('offboarding')).toEqual(['sbt_aws_offboardingRequest']);
    expect(received('activation')).toEqual(['sbt_aws_activateRequest', 'sbt_aws_deactivateRequest']);
    expect(received('registry-update')).toHaveLength(8);
  });

  test('event from the wrong source is not consumed', async () => {
    const target = new RecordingTarget('any');
    const bus = new LocalEventBus({ ...identity, deadLetters: new DeadLetterStore(), rules: controlPlaneRules('tenantform', sources, () => target) });

    bus.putEvents([{ EventBusName: identity.name, Source: sources.controlPlane, DetailType: 'sbt_aws_provisionSuccess', Detail: '{"tenantId":"acme1"}' }]);
    await bus.idle();

    expect(target.received).toHaveLength(0);
  });

  test('schema violation is dead-lettered with the field', async () => {
    const deadLetters = new DeadLetterStore();
    const target = new RecordingTarget('onboarding');
    const bus = new LocalEventBus({ ...identity, deadLetters, rules: controlPlaneRules('tenantform', sources, () => target) });

    bus.putEvents([
      {
        EventBusName: identity.name,
        Source: sources.controlPlane,
        DetailType: 'sbt_aws_onboardingRequest',
        Detail: JSON.stringify({ tenantId: 'UPPER', tenantRegistrationId: 'r1', tenantName: 'Acme', tier: 'BASIC' }),
      },
    ]);
    await bus.idle();

    const [letter] = deadLetters.list();
    expect(target.received).toHaveLength(0);
    expect(letter.ruleName).toBe('tenantform-onboarding-request');
    expect(letter.errorCode).toBe('InvalidEvent');
    expect(letter.errorMessage).toContain('detail.tenantId');
    expect(letter.errorMessage).toContain('detail.email');
  });
});

describe('EventBridge endpoint of the local bus', () => {
  test('SDK PutEvents reaches the bus', async () => {
    const target = new RecordingTarget('registry-update');
    const { bus } = busWith(target);
    const endpoint = await startEventBridgeEndpoint(bus);
    const client = new EventBridgeClient({ endpoint: endpoint.endpoint, region: identity.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

    try {
      const result = await client.send(
        new PutEventsCommand({
          Entries: [{ ...successEntry('acme1'), Time: new Date('2024-05-01T10:00:00.123Z') }, { ...successEntry('acme2'), Detail: 'nope' }],
        }),
      );
      await bus.idle();

      expect(endpoint.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[1].ErrorCode).toBe('MalformedDetail');
      expect(target.received).toHaveLength(1);
      expect(target.received[0].time).toBe('2024-05-01T10:00:00Z');
    } finally {
      client.destroy();
      await endpoint.stop();
    }
  });

  test('other operations are rejected', async () => {
    const { bus } = busWith(new RecordingTarget('x'));
    const endpoint = await startEventBridgeEndpoint(bus);
    try {
      const response = await fetch(endpoint.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutRule' }, body: '{}' });
      const body = (await response.json()) as { __type: string; message: string };

      expect(response.status).toBe(400);
      expect(body.__type).toBe('UnknownOperationException');
      expect(body.message).toContain('AWSEvents.PutRule');
    } finally {
      await endpoint.stop();
    }
  });
});
