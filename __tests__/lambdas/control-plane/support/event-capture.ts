/**
 * A PutEvents endpoint on 127.0.0.1 that records every entry, for tests that set
 * AWS_ENDPOINT_URL_EVENTBRIDGE to it. `failNext` makes the next calls report a failed entry
 * (as EventBridge does, in FailedEntryCount) or return an HTTP 500.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface CapturedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly eventBusName: string;
  readonly detail: Record<string, unknown>;
}

export interface EventCapture {
  readonly endpoint: string;
  readonly events: CapturedEvent[];
  /** Makes the next `count` PutEvents calls fail with a failed entry or a server error. */
  failNext(mode: 'failed-entry' | 'server-error', count?: number): void;
  clear(): void;
  stop(): Promise<void>;
}

export async function startEventCapture(): Promise<EventCapture> {
  const events: CapturedEvent[] = [];
  let failure: { mode: 'failed-entry' | 'server-error'; remaining: number } | undefined;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      if (target !== 'AWSEvents.PutEvents') {
        send(400, { __type: 'UnknownOperationException', message: `operation ${String(target)} is not supported` });
        return;
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: Record<string, string>[] };

      if (failure && failure.remaining > 0) {
        failure.remaining -= 1;
        if (failure.mode === 'server-error') {
          send(500, { __type: 'InternalException', message: 'the test made this call fail' });
          return;
        }
        send(200, {
          FailedEntryCount: input.Entries.length,
          Entries: input.Entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'the test made this entry fail' })),
        });
        return;
      }

      for (const entry of input.Entries) {
        events.push({
          source: entry.Source,
          detailType: entry.DetailType,
          eventBusName: entry.EventBusName,
          detail: JSON.parse(entry.Detail) as Record<string, unknown>,
        });
      }
      send(200, { FailedEntryCount: 0, Entries: input.Entries.map((_, index) => ({ EventId: `event-${events.length}-${index}` })) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    events,
    failNext: (mode, count = 1) => {
      failure = { mode, remaining: count };
    },
    clear: () => {
      events.length = 0;
      failure = undefined;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
