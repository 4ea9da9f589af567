/**
 * dynalite, a DynamoDB API implementation, served in-process on 127.0.0.1, and the
 * platform's tables created in it from the same specs the stacks use.
 *
 * NOTE: dynalite has no transactions and no TTL, so handlers use conditional writes with
 * compensation instead of TransactWriteItems.
 */
import type { AddressInfo } from 'net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { TableSpec, attributeDefinitions } from '../constructs/shared/table-specs';

// dynalite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => import('http').Server;

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * Starts dynalite on an ephemeral loopback port. With `path`, tables persist on disk in
 * that folder; without it they live in memory.
 */
export async function startLocalDynamoDb(options: { path?: string; port?: number } = {}): Promise<LocalDynamoDb> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  return {
    endpoint,
    client,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        client.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Creates `tableName` from `spec` unless it exists; on-demand billing, as in the stacks. */
export async function ensureTable(client: DynamoDBClient, tableName: string, spec: TableSpec): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') {
      throw error;
    }
  }

  const keySchema = (partition: string, sort?: string) => [
    { AttributeName: partition, KeyType: 'HASH' as const },
    ...(sort ? [{ AttributeName: sort, KeyType: 'RANGE' as const }] : []),
  ];

  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(spec).map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
        KeySchema: keySchema(spec.partitionKey.name, spec.sortKey?.name),
        GlobalSecondaryIndexes:
          spec.indexes.length > 0
            ? spec.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema(index.partitionKey.name, index.sortKey?.name),
                Projection: { ProjectionType: 'ALL' as const },
              }))
            : undefined,
      }),
    );
  } catch (error) {
    // Another process created it between the describe and the create.
    if (!(error instanceof ResourceInUseException)) {
      throw error;
    }
  }
}
