/**
 * A local stand-in for the API Gateway management API, limited to what tenant lifecycle
 * needs: API keys, usage plans and usage-plan keys. It speaks the REST-JSON wire format of
 * the real service, so `APIGatewayClient` works unchanged with
 * `AWS_ENDPOINT_URL_API_GATEWAY` set to its endpoint.
 *
 * NOTE: only the operations below exist; REST APIs, stages and deployments are not
 * emulated, and usage-plan `apiStages` are stored without being checked.
 */
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import { EmulatorError, EmulatorResponse, JsonState, LocalEmulator, startEmulatorServer } from './emulator-server';

export interface ApiKeyRecord {
  id: string;
  value: string;
  name: string;
  description?: string;
  customerId?: string;
  enabled: boolean;
  createdDate: number;
  lastUpdatedDate: number;
  tags?: Record<string, string>;
}

export interface UsagePlanRecord {
  id: string;
  name: string;
  description?: string;
  apiStages: { apiId?: string; stage?: string }[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  quota?: { limit?: number; offset?: number; period?: 'DAY' | 'WEEK' | 'MONTH' };
  tags?: Record<string, string>;
}

interface ApiGatewayState {
  apiKeys: Record<string, ApiKeyRecord>;
  usagePlans: Record<string, UsagePlanRecord>;
  /** Usage plan id to the ids of its API keys. */
  usagePlanKeys: Record<string, string[]>;
}

export interface LocalApiGateway extends LocalEmulator {
  /** The key whose value is `value`, as API Gateway resolves `x-api-key` or `usageIdentifierKey`. */
  findApiKeyByValue(value: string): ApiKeyRecord | undefined;
  /** The usage plan a key is attached to, or undefined. */
  usagePlanOfKey(keyId: string): UsagePlanRecord | undefined;
  snapshot(): ApiGatewayState;
}

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 500;

export async function startLocalApiGateway(options: { stateFile?: string; port?: number } = {}): Promise<LocalApiGateway> {
  const state = new JsonState<ApiGatewayState>(options.stateFile, () => ({ apiKeys: {}, usagePlans: {}, usagePlanKeys: {} }));

  const server = await startEmulatorServer((request, body) => route(state, request, body), renderError, options.port);

  return {
    ...server,
    findApiKeyByValue: (value) => Object.values(state.current.apiKeys).find((key) => key.value === value),
    usagePlanOfKey: (keyId) => {
      const planId = Object.keys(state.current.usagePlanKeys).find((id) => state.current.usagePlanKeys[id].includes(keyId));
      return planId ? state.current.usagePlans[planId] : undefined;
    },
    snapshot: () => JSON.parse(JSON.stringify(state.current)) as ApiGatewayState,
  };
}

function renderError(error: EmulatorError): EmulatorResponse {
  return {
    statusCode: error.statusCode,
    contentType: 'application/json',
    body: JSON.stringify({ __type: error.errorType, message: error.message }),
  };
}

function json(statusCode: number, body: unknown): EmulatorResponse {
  return { statusCode, contentType: 'application/json', body: body === undefined ? '' : JSON.stringify(body) };
}

function newId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function newKeyValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(40)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function parseJson(body: string): Record<string, unknown> {
  if (body.trim() === '') {
    return {};
  }
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('not an object');
    }
    return parsed as Record<string, unknown>;
  } catch {
    throw new EmulatorError(400, 'BadRequestException', 'request body must be a JSON object');
  }
}

function page<T>(items: T[], url: URL): { item: T[]; position?: string } {
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new EmulatorError(400, 'BadRequestException', `limit ${limitText} must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  const position = url.searchParams.get('position');
  const start = position === null ? 0 : Number(Buffer.from(position, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) {
    throw new EmulatorError(400, 'BadRequestException', `position "${position}" is not a position this API returned`);
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return { item: slice, ...(next ? { position: next } : {}) };
}

function publicKey(key: ApiKeyRecord, includeValue: boolean): Omit<ApiKeyRecord, 'value'> & { value?: string } {
  const { value, ...rest } = key;
  return includeValue ? { ...rest, value } : rest;
}

async function route(state: JsonState<ApiGatewayState>, request: IncomingMessage, body: string): Promise<EmulatorResponse> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = request.method ?? 'GET';
  const [collection, id, child, childId] = segments;

  if (collection === 'apikeys') {
    return routeApiKeys(state, method, url, id, body);
  }
  if (collection === 'usageplans' && child === 'keys') {
    return routeUsagePlanKeys(state, method, url, id, childId, body);
  }
  if (collection === 'usageplans' && child === undefined) {
    return routeUsagePlans(state, method, url, id, body);
  }
  throw new EmulatorError(404, 'NotFoundException', `${method} ${url.pathname} is not an operation of the local API Gateway`);
}

function requireKey(state: ApiGatewayState, id: string): ApiKeyRecord {
  const key = state.apiKeys[id];
  if (!key) {
    throw new EmulatorError(404, 'NotFoundException', `Invalid API Key identifier specified: ${id}`);
  }
  return key;
}

function requirePlan(state: ApiGatewayState, id: string): UsagePlanRecord {
  const plan = state.usagePlans[id];
  if (!plan) {
    throw new EmulatorError(404, 'NotFoundException', `Invalid Usage Plan ID specified: ${id}`);
  }
  return plan;
}

function routeApiKeys(state: JsonState<ApiGatewayState>, method: string, url: URL, id: string | undefined, body: string): EmulatorResponse {
  if (method === 'POST' && !id) {
    const input = parseJson(body);
    if (typeof input.name !== 'string' || input.name === '') {
      throw new EmulatorError(400, 'BadRequestException', 'name is required');
    }
    const value = typeof input.value === 'string' && input.value !== '' ? input.value : newKeyValue();
    if (value.length < 20) {
      throw new EmulatorError(400, 'BadRequestException', 'API Key value should be at least 20 characters');
    }
    const key = state.update((current) => {
      if (Object.values(current.apiKeys).some((existing) => existing.value === value)) {
        throw new EmulatorError(409, 'ConflictException', 'API Key value already exists');
      }
      const now = Math.floor(Date.now() / 1000);
      const created: ApiKeyRecord = {
        id: newId(),
        value,
        name: input.name as string,
        description: input.description as string | undefined,
        customerId: input.customerId as string | undefined,
        enabled: input.enabled === true,
        createdDate: now,
        lastUpdatedDate: now,
        tags: input.tags as Record<string, string> | undefined,
      };
      current.apiKeys[created.id] = created;
      return created;
    });
    return json(201, publicKey(key, true));
  }

  if (method === 'GET' && !id) {
    const name = url.searchParams.get('name');
    const customerId = url.searchParams.get('customerId');
    const includeValues = url.searchParams.get('includeValues') === 'true';
    const keys = Object.values(state.current.apiKeys)
      .filter((key) => name === null || key.name.startsWith(name))
      .filter((key) => customerId === null || key.customerId === customerId)
      .sort((a, b) => a.createdDate - b.createdDate || a.id.localeCompare(b.id))
      .map((key) => publicKey(key, includeValues));
    return json(200, page(keys, url));
  }

  if (!id) {
    throw new EmulatorError(405, 'BadRequestException', `${method} /apikeys is not supported`);
  }

  if (method === 'GET') {
    return json(200, publicKey(requireKey(state.current, id), url.searchParams.get('includeValue') === 'true'));
  }

  if (method === 'PATCH') {
    const input = parseJson(body);
    const operations = (input.patchOperations ?? []) as { op?: string; path?: string; value?: string }[];
    const key = state.update((current) => {
      const target = requireKey(current, id);
      for (const operation of operations) {
        if (operation.op !== 'replace') {
          throw new EmulatorError(400, 'BadRequestException', `patch operation "${operation.op}" is not supported on API keys`);
        }
        if (operation.path === '/enabled') {
          target.enabled = operation.value === 'true';
        } else if (operation.path === '/name' || operation.path === '/description' || operation.path === '/customerId') {
          const field = operation.path.slice(1) as 'name' | 'description' | 'customerId';
          target[field] = operation.value ?? '';
        } else {
          throw new EmulatorError(400, 'BadRequestException', `patch path "${operation.path}" is not supported on API keys`);
        }
      }
      target.lastUpdatedDate = Math.floor(Date.now() / 1000);
      return target;
    });
    return json(200, publicKey(key, false));
  }

  if (method === 'DELETE') {
    state.update((current) => {
      requireKey(current, id);
      delete current.apiKeys[id];
      for (const planId of Object.keys(current.usagePlanKeys)) {
        current.usagePlanKeys[planId] = current.usagePlanKeys[planId].filter((keyId) => keyId !== id);
      }
    });
    return json(202, undefined);
  }

  throw new EmulatorError(405, 'BadRequestException', `${method} /apikeys/{apiKey} is not supported`);
}

function routeUsagePlans(state: JsonState<ApiGatewayState>, method: string, url: URL, id: string | undefined, body: string): EmulatorResponse {
  if (method === 'POST' && !id) {
    const input = parseJson(body);
    if (typeof input.name !== 'string' || input.name === '') {
      throw new EmulatorError(400, 'BadRequestException', 'name is required');
    }
    const plan = state.update((current) => {
      const created: UsagePlanRecord = {
        id: newId(),
        name: input.name as string,
        description: input.description as string | undefined,
        apiStages: (input.apiStages as UsagePlanRecord['apiStages']) ?? [],
        throttle: input.throttle as UsagePlanRecord['throttle'],
        quota: input.quota as UsagePlanRecord['quota'],
        tags: input.tags as Record<string, string> | undefined,
      };
      current.usagePlans[created.id] = created;
      current.usagePlanKeys[created.id] = [];
      return created;
    });
    return json(201, plan);
  }

  if (method === 'GET' && !id) {
    const keyId = url.searchParams.get('keyId');
    const plans = Object.values(state.current.usagePlans)
      .filter((plan) => keyId === null || (state.current.usagePlanKeys[plan.id] ?? []).includes(keyId))
      .sort((a, b) => a.name.localeCompare(b.name));
    return json(200, page(plans, url));
  }

  if (method === 'GET' && id) {
    return json(200, requirePlan(state.current, id));
  }

  if (method === 'DELETE' && id) {
    state.update((current) => {
      requirePlan(current, id);
      delete current.usagePlans[id];
      delete current.usagePlanKeys[id];
    });
    return json(202, undefined);
  }

  throw new EmulatorError(405, 'BadRequestException', `${method} /usageplans is not supported`);
}

function routeUsagePlanKeys(
  state: JsonState<ApiGatewayState>,
  method: string,
  url: URL,
  planId: string,
  keyId: string | undefined,
  body: string,
): EmulatorResponse {
  const describe = (key: ApiKeyRecord) => ({ id: key.id, type: 'API_KEY', value: key.value, name: key.name });

  if (method === 'POST' && !keyId) {
    const input = parseJson(body);
    if (input.keyType !== 'API_KEY') {
      throw new EmulatorError(400, 'BadRequestException', `keyType "${String(input.keyType)}" must be API_KEY`);
    }
    const key = state.update((current) => {
      requirePlan(current, planId);
      const target = requireKey(current, String(input.keyId));
      const attachedElsewhere = Object.entries(current.usagePlanKeys).find(
        ([otherPlan, keys]) => otherPlan !== planId && keys.includes(target.id),
      );
      if (attachedElsewhere) {
        // API Gateway allows one usage plan per key and stage; the emulator has one stage.
        throw new EmulatorError(409, 'ConflictException', `API key ${target.id} is already attached to usage plan ${attachedElsewhere[0]}`);
      }
      if (current.usagePlanKeys[planId].includes(target.id)) {
        throw new EmulatorError(409, 'ConflictException', `Usage Plan ${planId} cannot be added because API Key ${target.id} cannot reference the same Usage Plan more than once`);
      }
      current.usagePlanKeys[planId].push(target.id);
      return target;
    });
    return json(201, describe(key));
  }

  if (method === 'GET' && !keyId) {
    requirePlan(state.current, planId);
    const name = url.searchParams.get('name');
    const keys = (state.current.usagePlanKeys[planId] ?? [])
      .map((id) => state.current.apiKeys[id])
      .filter((key): key is ApiKeyRecord => key !== undefined)
      .filter((key) => name === null || key.name.startsWith(name))
      .map(describe);
    return json(200, page(keys, url));
  }

  if (keyId && method === 'GET') {
    requirePlan(state.current, planId);
    if (!(state.current.usagePlanKeys[planId] ?? []).includes(keyId)) {
      throw new EmulatorError(404, 'NotFoundException', `Invalid Usage Plan Key identifier specified: ${keyId}`);
    }
    return json(200, describe(requireKey(state.current, keyId)));
  }

  if (keyId && method === 'DELETE') {
    state.update((current) => {
      requirePlan(current, planId);
      if (!current.usagePlanKeys[planId].includes(keyId)) {
        throw new EmulatorError(404, 'NotFoundException', `Invalid Usage Plan Key identifier specified: ${keyId}`);
      }
      current.usagePlanKeys[planId] = current.usagePlanKeys[planId].filter((id) => id !== keyId);
    });
    return json(202, undefined);
  }

  throw new EmulatorError(405, 'BadRequestException', `${method} /usageplans/{id}/keys is not supported`);
}
