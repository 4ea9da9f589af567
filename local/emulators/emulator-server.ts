/**
 * Shared parts of the local AWS API emulators: an HTTP server bound to 127.0.0.1 on an
 * ephemeral port, request body reading, and a JSON state file written atomically after
 * every change so emulator state survives between sandbox commands.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';

export interface LocalEmulator {
  /** Base URL for `AWS_ENDPOINT_URL_<SERVICE>`, such as `http://127.0.0.1:41235`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** An AWS-style error: the SDK reads the type from the body or header. */
export class EmulatorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export type RequestHandler = (request: http.IncomingMessage, body: string) => Promise<EmulatorResponse>;

export interface EmulatorResponse {
  readonly statusCode: number;
  readonly contentType: string;
  readonly body: string;
}

/** Default largest request body; the APIs emulated here reject far smaller ones. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function startEmulatorServer(
  handle: RequestHandler,
  renderError: (error: EmulatorError) => EmulatorResponse,
  port = 0,
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<LocalEmulator> {
  const server = http.createServer((request, response) => {
    readBody(request, maxBodyBytes)
      .then((body) => handle(request, body))
      .catch((error: unknown) => {
        const failure =
          error instanceof EmulatorError ? error : new EmulatorError(500, 'InternalFailure', (error as Error).message);
        return renderError(failure);
      })
      .then((result) => {
        response.writeHead(result.statusCode, {
          'content-type': result.contentType,
          'x-amzn-requestid': cryptoRandomId(),
        });
        response.end(result.body);
      });
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

function readBody(request: http.IncomingMessage, maxBodyBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new EmulatorError(413, 'RequestEntityTooLarge', `request body exceeds ${maxBodyBytes} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function cryptoRandomId(): string {
  return Math.random().toString(16).slice(2, 10) + Date.now().toString(16);
}

/**
 * State kept in memory and, when `file` is given, in a JSON file that is replaced
 * atomically (write to a temporary file, then rename) after each change.
 */
export class JsonState<T> {
  private value: T;

  constructor(
    private readonly file: string | undefined,
    initial: () => T,
  ) {
    this.value = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : initial();
  }

  get current(): T {
    return this.value;
  }

  /** Applies `change` and persists the result. */
  update<R>(change: (state: T) => R): R {
    const result = change(this.value);
    if (this.file) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(this.value, null, 2));
      fs.renameSync(temporary, this.file);
    }
    return result;
  }
}
