/**
 * Finds the AWS SDK commands a handler can reach: it follows the handler's relative imports
 * through the repository and collects every `new <Name>Command(` with the SDK package the
 * file imports it from, as the IAM action that call needs.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** IAM service prefix of each SDK v3 package the handlers use. */
const SERVICE_OF_PACKAGE: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-api-gateway': 'apigateway',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-codebuild': 'codebuild',
  '@aws-sdk/client-s3': 's3',
};

/** Document-client commands and the DynamoDB actions they call. */
const DOCUMENT_CLIENT_ACTIONS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/** API Gateway authorises by HTTP method, so each command maps to the method it sends. */
function apiGatewayAction(operation: string): string {
  const verbs: [RegExp, string][] = [
    [/^(Get)/, 'GET'],
    [/^(Create)/, 'POST'],
    [/^(Update)/, 'PATCH'],
    [/^(Delete)/, 'DELETE'],
    [/^(Put|Tag)/, 'PUT'],
  ];
  const verb = verbs.find(([pattern]) => pattern.test(operation));
  if (!verb) {
    throw new Error(`no HTTP method known for API Gateway command ${operation}`);
  }
  return verb[1];
}

export interface SdkCall {
  /** IAM action, such as `dynamodb:GetItem`. */
  readonly action: string;
  /** Repository file that makes the call. */
  readonly file: string;
}

/** Lists the SDK calls reachable from the handler source `entry` (relative to the repository). */
export function reachableSdkCalls(entry: string): SdkCall[] {
  const calls: SdkCall[] = [];
  const visited = new Set<string>();
  const queue = [path.join(REPOSITORY_ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (visited.has(file)) {
      continue;
    }
    visited.add(file);
    const source = fs.readFileSync(file, 'utf8');

    const packageOfName = new Map<string, string>();
    for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
      const [, names, from] = match;
      for (const name of names.split(',').map((part) => part.trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
        packageOfName.set(name, from);
      }
      if (from.startsWith('.')) {
        queue.push(resolveImport(file, from));
      }
    }
    for (const match of source.matchAll(/import\s+(?:\*\s+as\s+\w+|\w+)\s+from\s+'(\.[^']+)'/g)) {
      queue.push(resolveImport(file, match[1]));
    }

    for (const match of source.matchAll(/new\s+(\w+)Command\(/g)) {
      const operation = match[1];
      const sdkPackage = packageOfName.get(`${operation}Command`);
      const service = sdkPackage ? SERVICE_OF_PACKAGE[sdkPackage] : undefined;
      if (!service) {
        continue;
      }
      let action = operation;
      if (sdkPackage === '@aws-sdk/lib-dynamodb') {
        action = DOCUMENT_CLIENT_ACTIONS[operation] ?? operation;
      } else if (service === 'apigateway') {
        action = apiGatewayAction(operation);
      }
      calls.push({ action: `${service}:${action}`, file: path.relative(REPOSITORY_ROOT, file) });
    }
  }
  return calls;
}

function resolveImport(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return candidate;
    }
  }
  throw new Error(`import "${specifier}" in ${from} does not resolve to a file`);
}
