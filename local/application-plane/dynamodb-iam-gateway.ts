/**
 * An HTTP gateway in front of dynalite that authorizes every DynamoDB request as IAM
 * would, before forwarding it. dynalite checks no credentials, so without this gateway a
 * handler that used the wrong credentials or the wrong key would still succeed locally.
 *
 * The caller is identified by the access key id of the SigV4 `Authorization` header:
 * - keys issued by the local STS are evaluated against the tenant-scoped role's policy
 *   with the session's tags (`aws:PrincipalTag/TenantId`, `aws:PrincipalTag/Tier`) and the
 *   request's `dynamodb:LeadingKeys`;
 * - the key the functions run with is evaluated against the functions' own policy;
 * - administrator keys, used by the harness to create tables and seed data, pass;
 * - any other key is rejected as unrecognised.
 * A denied request gets the AccessDeniedException that DynamoDB returns.
 *
 * NOTE: signatures are not verified, because the local STS keeps no secret keys; the
 * gateway trusts the access key id in the header.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AssumedSession } from '../emulators/sts';
import { tableAccesses } from './dynamodb-request-keys';
import { evaluateIdentityPolicy } from './iam-evaluation';

export interface DynamoDbIamGatewayOptions {
  /** dynalite endpoint, such as `http://127.0.0.1:41235`. */
  readonly target: string;
  readonly region: string;
  readonly accountId: string;
  /** Returns the STS session that issued an access key id, if any. */
  readonly sessionOf: (accessKeyId: string) => AssumedSession | undefined;
  /** Identity policy of the tenant-scoped role, as synthesised. */
  readonly scopedRolePolicy: unknown;
  /** Access key id of the functions' own credentials, and their identity policy. */
  readonly functionRole: { readonly accessKeyId: string; readonly policy: unknown; readonly roleArn: string };
  readonly adminAccessKeyIds: readonly string[];
}

export interface DynamoDbIamGateway {
  readonly endpoint: string;
  /** Denials so far, newest last, for tests and diagnostics. */
  readonly denials: readonly GatewayDenial[];
  stop(): Promise<void>;
}

export interface GatewayDenial {
  readonly accessKeyId: string;
  readonly action: string;
  readonly resource: string;
  readonly leadingKeys?: string[];
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startDynamoDbIamGateway(options: DynamoDbIamGatewayOptions): Promise<DynamoDbIamGateway> {
  const denials: GatewayDenial[] = [];
  const adminKey = options.adminAccessKeyIds[0] ?? 'gateway-admin';
  const describer = new DynamoDBClient({
    endpoint: options.target,
    region: options.region,
    credentials: { accessKeyId: adminKey, secretAccessKey: 'local' },
  });
  const partitionKeys = new Map<string, string | undefined>();
  const partitionKeyOf = async (tableName: string) => {
    if (!partitionKeys.has(tableName)) {
      try {
        const table = await describer.send(new DescribeTableCommand({ TableName: tableName }));
        partitionKeys.set(tableName, table.Table?.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName);
      } catch {
        return undefined;
      }
    }
    return partitionKeys.get(tableName);
  };

  const server = http.createServer((request, response) => {
    handle(request, options, partitionKeyOf, denials)
      .then((result) => {
        if (result.forward) {
          forward(options.target, request, result.body, response);
        } else {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify(result.error));
        }
      })
      .catch((error: Error) => {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: error.message }));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    denials,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        describer.destroy();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

type HandleResult = { forward: true; body: Buffer } | { forward: false; error: { __type: string; message: string } };

async function handle(
  request: http.IncomingMessage,
  options: DynamoDbIamGatewayOptions,
  partitionKeyOf: (tableName: string) => Promise<string | undefined>,
  denials: GatewayDenial[],
): Promise<HandleResult> {
  const body = await readBody(request);
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
  if (options.adminAccessKeyIds.includes(accessKeyId)) {
    return { forward: true, body };
  }

  const session = options.sessionOf(accessKeyId);
  const isFunctionRole = accessKeyId === options.functionRole.accessKeyId;
  if (!session && !isFunctionRole) {
    return {
      forward: false,
      error: { __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
    };
  }

  const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  const parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
  const accesses = await tableAccesses(operation, parsed, partitionKeyOf);
  const principalArn = session
    ? `arn:aws:sts::${options.accountId}:assumed-role/${session.roleArn.split('/').pop()}/${session.sessionName}`
    : options.functionRole.roleArn;

  for (const access of accesses) {
    const resource = `arn:aws:dynamodb:${options.region}:${options.accountId}:table/${access.tableName}${access.indexName ? `/index/${access.indexName}` : ''}`;
    const decision = await evaluateIdentityPolicy(session ? options.scopedRolePolicy : options.functionRole.policy, {
      action: `dynamodb:${operation}`,
      resourceArn: resource,
      principalArn,
      accountId: options.accountId,
      principalTags: session?.tags,
      context: access.leadingKeys ? { 'dynamodb:LeadingKeys': access.leadingKeys } : {},
    });
    if (decision !== 'Allowed') {
      denials.push({ accessKeyId, action: `dynamodb:${operation}`, resource, leadingKeys: access.leadingKeys });
      return {
        forward: false,
        error: {
          __type: 'com.amazon.coral.service#AccessDeniedException',
          message: `User: ${principalArn} is not authorized to perform: dynamodb:${operation} on resource: ${resource} because no identity-based policy allows the dynamodb:${operation} action`,
        },
      };
    }
  }
  return { forward: true, body };
}

function forward(target: string, request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', target);
  const upstream = http.request(
    url,
    { method: request.method, headers: { ...request.headers, host: url.host, 'content-length': String(body.length) } },
    (reply) => {
      response.writeHead(reply.statusCode ?? 500, reply.headers);
      reply.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: error.message }));
  });
  upstream.end(body);
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy(new Error(`request body exceeds ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
