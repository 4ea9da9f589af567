/**
 * A local stand-in for SSM Parameter Store: String parameters with GetParameter,
 * GetParameters, GetParametersByPath, PutParameter and DeleteParameter over the JSON 1.1
 * wire format, so `SSMClient` works unchanged with `AWS_ENDPOINT_URL_SSM` set.
 *
 * NOTE: SecureString values are stored in plain text, and parameter history, labels and
 * policies are not emulated.
 */
import type { IncomingMessage } from 'http';
import { EmulatorError, EmulatorResponse, JsonState, LocalEmulator, startEmulatorServer } from './emulator-server';

interface ParameterRecord {
  name: string;
  value: string;
  type: 'String' | 'StringList' | 'SecureString';
  version: number;
  lastModifiedDate: number;
}

type SsmState = Record<string, ParameterRecord>;

export interface LocalSsm extends LocalEmulator {
  /** Current value of a parameter, or undefined. */
  valueOf(name: string): string | undefined;
}

const NAME_PATTERN = /^\/?[a-zA-Z0-9_.\-/]{1,1011}$/;
const MAX_RESULTS_BY_PATH = 10;

export async function startLocalSsm(options: { stateFile?: string; port?: number } = {}): Promise<LocalSsm> {
  const state = new JsonState<SsmState>(options.stateFile, () => ({}));
  const server = await startEmulatorServer((request, body) => handle(state, request, body), renderError, options.port);
  return { ...server, valueOf: (name) => state.current[name]?.value };
}

function renderError(error: EmulatorError): EmulatorResponse {
  return {
    statusCode: error.statusCode,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({ __type: error.errorType, message: error.message }),
  };
}

function respond(body: unknown): EmulatorResponse {
  return { statusCode: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(body) };
}

function describe(parameter: ParameterRecord) {
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: parameter.value,
    Version: parameter.version,
    LastModifiedDate: parameter.lastModifiedDate,
    ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${parameter.name.startsWith('/') ? '' : '/'}${parameter.name}`,
    DataType: 'text',
  };
}

function requireName(input: Record<string, unknown>): string {
  const name = input.Name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new EmulatorError(400, 'ValidationException', `parameter name ${JSON.stringify(name)} is not a valid parameter name`);
  }
  return name;
}

async function handle(state: JsonState<SsmState>, request: IncomingMessage, body: string): Promise<EmulatorResponse> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.replace(/^AmazonSSM\./, '');
  let input: Record<string, unknown>;
  try {
    input = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
  } catch {
    throw new EmulatorError(400, 'SerializationException', 'request body is not valid JSON');
  }

  switch (operation) {
    case 'GetParameter': {
      const name = requireName(input);
      const parameter = state.current[name];
      if (!parameter) {
        throw new EmulatorError(400, 'ParameterNotFound', `parameter ${name} not found`);
      }
      return respond({ Parameter: describe(parameter) });
    }
    case 'GetParameters': {
      const names = (input.Names ?? []) as string[];
      const found = names.filter((name) => state.current[name]).map((name) => describe(state.current[name]));
      const invalid = names.filter((name) => !state.current[name]);
      return respond({ Parameters: found, InvalidParameters: invalid });
    }
    case 'GetParametersByPath': {
      const path = String(input.Path ?? '');
      if (!path.startsWith('/')) {
        throw new EmulatorError(400, 'ValidationException', `path "${path}" must start with /`);
      }
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const recursive = input.Recursive === true;
      const matching = Object.values(state.current)
        .filter((parameter) => parameter.name.startsWith(prefix))
        .filter((parameter) => recursive || !parameter.name.slice(prefix.length).includes('/'))
        .sort((a, b) => a.name.localeCompare(b.name));
      const maxResults = typeof input.MaxResults === 'number' ? input.MaxResults : MAX_RESULTS_BY_PATH;
      const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString('utf8')) : 0;
      if (!Number.isInteger(start) || start < 0) {
        throw new EmulatorError(400, 'ValidationException', 'NextToken is not a token this API returned');
      }
      const slice = matching.slice(start, start + maxResults).map(describe);
      const next = start + maxResults < matching.length ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined;
      return respond({ Parameters: slice, ...(next ? { NextToken: next } : {}) });
    }
    case 'PutParameter': {
      const name = requireName(input);
      const value = input.Value;
      if (typeof value !== 'string' || value.length === 0) {
        throw new EmulatorError(400, 'ValidationException', `parameter ${name} needs a non-empty string Value`);
      }
      const version = state.update((current) => {
        const existing = current[name];
        if (existing && input.Overwrite !== true) {
          throw new EmulatorError(400, 'ParameterAlreadyExists', `parameter ${name} already exists; set Overwrite to replace it`);
        }
        const type = (input.Type as ParameterRecord['type'] | undefined) ?? existing?.type ?? 'String';
        current[name] = { name, value, type, version: (existing?.version ?? 0) + 1, lastModifiedDate: Date.now() / 1000 };
        return current[name].version;
      });
      return respond({ Version: version, Tier: 'Standard' });
    }
    case 'DeleteParameter': {
      const name = requireName(input);
      state.update((current) => {
        if (!current[name]) {
          throw new EmulatorError(400, 'ParameterNotFound', `parameter ${name} not found`);
        }
        delete current[name];
      });
      return respond({});
    }
    default:
      throw new EmulatorError(400, 'UnknownOperationException', `operation "${target}" is not supported by the local SSM`);
  }
}
