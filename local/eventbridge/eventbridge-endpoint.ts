/**
 * The EventBridge API of the local bus on 127.0.0.1, so handlers that call PutEvents
 * through the SDK (with `AWS_ENDPOINT_URL_EVENTBRIDGE` set) reach it. It speaks the
 * AWS JSON 1.1 protocol of the real service and implements PutEvents only.
 */
import type { IncomingMessage } from 'http';
import { EmulatorError, EmulatorResponse, LocalEmulator, startEmulatorServer } from '../emulators/emulator-server';
import { LocalEventBus, PutEventsValidationError } from './local-bus';
import type { PutEventsEntry } from './bus-event';

export type LocalEventBridgeEndpoint = LocalEmulator;

/** Largest request body accepted, so that ten entries of 256 KB each fit. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function startEventBridgeEndpoint(bus: LocalEventBus, port = 0): Promise<LocalEventBridgeEndpoint> {
  return startEmulatorServer((request, body) => handle(bus, request, body), renderError, port, MAX_BODY_BYTES);
}

async function handle(bus: LocalEventBus, request: IncomingMessage, text: string): Promise<EmulatorResponse> {
  const operation = String(request.headers['x-amz-target'] ?? '');
  if (request.method !== 'POST' || operation !== 'AWSEvents.PutEvents') {
    throw new EmulatorError(400, 'UnknownOperationException', `the local event bus implements AWSEvents.PutEvents only, got "${operation}"`);
  }

  let payload: { Entries?: PutEventsEntry[] };
  try {
    payload = JSON.parse(text) as { Entries?: PutEventsEntry[] };
  } catch {
    throw new EmulatorError(400, 'SerializationException', 'the request body is not valid JSON');
  }

  try {
    return respond(200, bus.putEvents(payload.Entries ?? []));
  } catch (error) {
    if (error instanceof PutEventsValidationError) {
      throw new EmulatorError(400, 'ValidationException', error.message);
    }
    throw error;
  }
}

function respond(statusCode: number, body: unknown): EmulatorResponse {
  return { statusCode, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(body) };
}

function renderError(error: EmulatorError): EmulatorResponse {
  const errorType = error.errorType === 'InternalFailure' ? 'InternalException' : error.errorType;
  return respond(error.statusCode, { __type: errorType, message: error.message });
}
