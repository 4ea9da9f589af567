import { EventPublishError, MAX_EVENT_ENTRY_BYTES, publishEvent } from '../../../lambdas/shared/event-publisher';
import { APPLICATION_PLANE_SOURCE, CONTROL_PLANE_SOURCE, EVENT_BUS_NAME } from '../control-plane/support/control-plane-fixture';
import { EventCapture, startEventCapture } from '../control-plane/support/event-capture';

let bus: EventCapture;

beforeAll(async () => {
  bus = await startEventCapture();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    EVENT_BUS_NAME,
    CONTROL_PLANE_EVENT_SOURCE: CONTROL_PLANE_SOURCE,
    APPLICATION_PLANE_EVENT_SOURCE: APPLICATION_PLANE_SOURCE,
  });
});

afterAll(async () => {
  await bus.stop();
});

beforeEach(() => {
  bus.clear();
});

async function publishError(call: () => Promise<unknown>): Promise<EventPublishError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EventPublishError);
  return error as EventPublishError;
}

describe('publishEvent', () => {
  it('sends a control-plane event with its source', async () => {
    const eventId = await publishEvent('sbt_aws_offboardingRequest', { tenantId: 'abcd1234', tier: 'BASIC' });

    expect(eventId).toMatch(/^event-/);
    expect(bus.events).toEqual([
      { source: CONTROL_PLANE_SOURCE, detailType: 'sbt_aws_offboardingRequest', eventBusName: EVENT_BUS_NAME, detail: { tenantId: 'abcd1234', tier: 'BASIC' } },
    ]);
  });

  it('sends an application-plane event with its source', async () => {
    await publishEvent('sbt_aws_provisionSuccess', { tenantId: 'abcd1234', jobOutput: { apiUrl: 'https://x' } });

    expect(bus.events[0].source).toBe(APPLICATION_PLANE_SOURCE);
  });

  it('reads the bus name at call time', async () => {
    process.env.EVENT_BUS_NAME = 'other-bus';
    try {
      await publishEvent('sbt_aws_activateRequest', { tenantId: 'abcd1234' });
    } finally {
      process.env.EVENT_BUS_NAME = EVENT_BUS_NAME;
    }

    expect(bus.events[0].eventBusName).toBe('other-bus');
  });

  it('rejects an invalid detail without sending', async () => {
    const error = await publishError(() => publishEvent('sbt_aws_provisionFailure', { tenantId: 'abcd1234' }));

    expect(error.message).toContain('detail field reason');
    expect(bus.events).toHaveLength(0);
  });

  it('rejects a malformed tenant id', async () => {
    const error = await publishError(() => publishEvent('sbt_aws_activateRequest', { tenantId: 'Not Valid' }));

    expect(error.message).toContain('tenantId');
  });

  it('rejects an entry over the size limit', async () => {
    const error = await publishError(() => publishEvent('sbt_aws_ingestUsage', { tenantId: 'abcd1234', blob: 'b'.repeat(MAX_EVENT_ENTRY_BYTES) }));

    expect(error.message).toContain(`at most ${MAX_EVENT_ENTRY_BYTES}`);
    expect(bus.events).toHaveLength(0);
  });

  it('reports a failed entry with its error code', async () => {
    bus.failNext('failed-entry');

    const error = await publishError(() => publishEvent('sbt_aws_activateRequest', { tenantId: 'abcd1234' }));

    expect(error.errorCode).toBe('InternalFailure');
    expect(error.message).toContain('rejected the sbt_aws_activateRequest event');
  });

  it('names a missing environment variable', async () => {
    delete process.env.EVENT_BUS_NAME;
    try {
      await expect(publishEvent('sbt_aws_activateRequest', { tenantId: 'abcd1234' })).rejects.toThrow('EVENT_BUS_NAME is not set');
    } finally {
      process.env.EVENT_BUS_NAME = EVENT_BUS_NAME;
    }
  });
});
