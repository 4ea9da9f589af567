/**
 * DynamoDB document clients built from the tenant-scoped credentials of one request. The
 * service functions' own roles have no table access, so every read and write goes through
 * one of these clients, and IAM limits it to items whose partition key is the tenant's id.
 * Clients are cached per access key id, so requests of one tenant reuse one connection pool.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../../shared/powertools';
import type { ScopedCredentials } from './tenant-context';

/** Most clients kept at once; the least recently used one is destroyed beyond it. */
const MAX_CACHED_CLIENTS = 50;

const clients = new Map<string, DynamoDBDocumentClient>();

export function scopedDocumentClient(credentials: ScopedCredentials): DynamoDBDocumentClient {
  const cached = clients.get(credentials.accessKeyId);
  if (cached) {
    // Re-inserting moves the entry to the end, so the first entry is the least recently used.
    clients.delete(credentials.accessKeyId);
    clients.set(credentials.accessKeyId, cached);
    return cached;
  }

  const base = tracer.captureAWSv3Client(
    new DynamoDBClient({
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
        expiration: new Date(credentials.expiration),
      },
    }),
  );
  const client = DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true },
    // Numbers come back as their decimal strings, so prices keep every digit they were stored with.
    unmarshallOptions: { wrapNumbers: (value: string) => value },
  });

  clients.set(credentials.accessKeyId, client);
  while (clients.size > MAX_CACHED_CLIENTS) {
    const [oldestKey, oldest] = clients.entries().next().value as [string, DynamoDBDocumentClient];
    clients.delete(oldestKey);
    oldest.destroy();
  }
  return client;
}

/** Number of cached clients, for tests of the cache. */
export function cachedClientCount(): number {
  return clients.size;
}
