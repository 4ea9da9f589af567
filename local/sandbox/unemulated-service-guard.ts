/**
 * A loopback endpoint that rejects every request with an error naming the service. The
 * sandbox sets it as `AWS_ENDPOINT_URL`: clients of services that have their own
 * `AWS_ENDPOINT_URL_<SERVICE>` reach their local engine, and any other client created in the
 * sandbox process gets this error instead of reaching AWS.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface UnemulatedServiceGuard {
  readonly endpoint: string;
  /** Requests received, by the service named in the request's signature. */
  readonly requests: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startUnemulatedServiceGuard(): Promise<UnemulatedServiceGuard> {
  const requests: Record<string, number> = {};
  const server = http.createServer((request, response) => {
    request.resume();
    const service = signedService(request.headers.authorization) ?? 'unknown';
    requests[service] = (requests[service] ?? 0) + 1;
    const message = `the local sandbox does not emulate the AWS service "${service}", so this request was not sent anywhere`;
    response.writeHead(501, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotImplemented' });
    response.end(JSON.stringify({ __type: 'NotImplemented', message, Message: message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Reads the service from a SigV4 credential scope: `Credential=KEY/DATE/REGION/SERVICE/aws4_request`. */
function signedService(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1] : undefined;
}
