/**
 * Reads, from a DynamoDB API request, the tables it touches and the partition key values it
 * names: the values IAM exposes as the `dynamodb:LeadingKeys` condition key. Scan and any
 * request without a key give no leading keys, so a policy that requires them denies it.
 */

/** Partition key names of the tables, by table name. */
export type PartitionKeyLookup = (tableName: string) => Promise<string | undefined>;

export interface TableAccess {
  readonly tableName: string;
  readonly indexName?: string;
  /** Partition key values of the request; undefined when the request names none. */
  readonly leadingKeys?: string[];
}

type AttributeMap = Record<string, Record<string, unknown>>;

/** Returns one access per table that `operation` (such as `GetItem`) touches. */
export async function tableAccesses(operation: string, body: Record<string, any>, partitionKeyOf: PartitionKeyLookup): Promise<TableAccess[]> {
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [await single(body.TableName, partitionKeyOf, (key) => [stringValue(body.Key?.[key])])];
    case 'PutItem':
      return [await single(body.TableName, partitionKeyOf, (key) => [stringValue(body.Item?.[key])])];
    case 'Query':
      return [
        {
          ...(await single(body.TableName, partitionKeyOf, (key) => (body.IndexName ? [] : [queryPartitionValue(body, key)]))),
          indexName: body.IndexName,
        },
      ];
    case 'BatchGetItem':
      return batch(body.RequestItems, partitionKeyOf, (request, key) => (request.Keys ?? []).map((item: AttributeMap) => stringValue(item[key])));
    case 'BatchWriteItem':
      return batch(body.RequestItems, partitionKeyOf, (requests, key) =>
        (requests as Record<string, any>[]).map((request) => stringValue((request.PutRequest?.Item ?? request.DeleteRequest?.Key)?.[key])),
      );
    default:
      // Scan, DescribeTable and the rest name no partition key.
      return typeof body.TableName === 'string' ? [{ tableName: body.TableName }] : [];
  }
}

async function single(
  tableName: unknown,
  partitionKeyOf: PartitionKeyLookup,
  values: (partitionKey: string) => (string | undefined)[],
): Promise<TableAccess> {
  const name = String(tableName);
  const partitionKey = await partitionKeyOf(name);
  return { tableName: name, leadingKeys: partitionKey ? definedOrUndefined(values(partitionKey)) : undefined };
}

async function batch(
  requestItems: Record<string, any> | undefined,
  partitionKeyOf: PartitionKeyLookup,
  values: (request: any, partitionKey: string) => (string | undefined)[],
): Promise<TableAccess[]> {
  const accesses: TableAccess[] = [];
  for (const [tableName, request] of Object.entries(requestItems ?? {})) {
    const partitionKey = await partitionKeyOf(tableName);
    accesses.push({ tableName, leadingKeys: partitionKey ? definedOrUndefined(values(request, partitionKey)) : undefined });
  }
  return accesses;
}

/** Returns the distinct values, or undefined (the key is absent for IAM) when there are none or one is not a string. */
function definedOrUndefined(values: (string | undefined)[]): string[] | undefined {
  if (values.length === 0 || values.some((value) => value === undefined)) {
    return undefined;
  }
  return [...new Set(values as string[])];
}

function stringValue(attribute: Record<string, unknown> | undefined): string | undefined {
  return typeof attribute?.S === 'string' ? attribute.S : undefined;
}

/**
 * Returns the value that the key condition sets the partition key equal to, read from a
 * KeyConditionExpression such as `#pk = :pk AND begins_with(sk, :p)` or from legacy KeyConditions.
 */
function queryPartitionValue(body: Record<string, any>, partitionKey: string): string | undefined {
  if (body.KeyConditions) {
    const condition = body.KeyConditions[partitionKey];
    return condition?.ComparisonOperator === 'EQ' ? stringValue(condition.AttributeValueList?.[0]) : undefined;
  }
  const expression = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  const names: Record<string, string> = body.ExpressionAttributeNames ?? {};
  const values: AttributeMap = body.ExpressionAttributeValues ?? {};
  const resolveName = (token: string) => (token.startsWith('#') ? names[token] : token);

  for (const clause of expression.split(/\s+and\s+/i)) {
    const match = /^\(?\s*([#\w.]+|:\w+)\s*=\s*([#\w.]+|:\w+)\s*\)?$/.exec(clause.trim());
    if (!match) {
      continue;
    }
    const [left, right] = [match[1], match[2]];
    const [nameToken, valueToken] = left.startsWith(':') ? [right, left] : [left, right];
    if (resolveName(nameToken) === partitionKey && valueToken.startsWith(':')) {
      return stringValue(values[valueToken]);
    }
  }
  return undefined;
}
