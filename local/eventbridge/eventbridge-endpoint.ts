/**
 * The EventBridge API of the local bus on 127.0.0.1, so handlers that call PutEvents
 * through the SDK (with `AWS_ENDPOINT_URL_EVENTBRIDGE` set) reach it. It speaks the
 * AWS JSON 1.1 protocol of the real service and implements PutEvents only.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { LocalEventBus, PutEventsValidationError } from './local-bus';
import type { PutEventsEntry } from './bus-event';

export interface LocalEventBridgeEndpoint {
  /** Base URL for `AWS_ENDPOINT_URL_EVENTBRIDGE`, such as `http://127.0.0.1:41235`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Largest request body accepted, so that ten entries of 256 KB each fit. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function startEventBridgeEndpoint(bus: LocalEventBus, port = 0): Promise<LocalEventBridgeEndpoint> {
  const server = http.createServer((request, response) => {
    handle(bus, request)
      .then(({ status, body }) => send(response, status, body))
      .catch((error: Error) => send(response, 500, { __type: 'InternalException', message: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handle(bus: LocalEventBus, request: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
  const operation = String(request.headers['x-amz-target'] ?? '');
  if (request.method !== 'POST' || operation !== 'AWSEvents.PutEvents') {
    return {
      status: 400,
      body: { __type: 'UnknownOperationException', message: `the local event bus implements AWSEvents.PutEvents only, got "${operation}"` },
    };
  }

  const text = await readBody(request);
  let payload: { Entries?: PutEventsEntry[] };
  try {
    payload = JSON.parse(text) as { Entries?: PutEventsEntry[] };
  } catch {
    return { status: 400, body: { __type: 'SerializationException', message: 'the request body is not valid JSON' } };
  }

  try {
    return { status: 200, body: bus.putEvents(payload.Entries ?? []) };
  } catch (error) {
    if (error instanceof PutEventsValidationError) {
      return { status: 400, body: { __type: 'ValidationException', message: error.message } };
    }
    throw error;
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        reject(new Error(`request body exceeds ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
