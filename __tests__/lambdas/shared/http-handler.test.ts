import { z } from 'zod';
import { BadRequestError, ConflictError, jsonResponse } from '../../../lambdas/shared/http';
import { MAX_BODY_BYTES, apiHandler } from '../../../lambdas/shared/http-handler';
import { logger } from '../../../lambdas/shared/powertools';
import { createLambdaContext } from '../../../local/lambda-runtime';
import { apiEvent, ApiEventOptions } from '../control-plane/support/control-plane-fixture';

const echo = apiHandler(
  {
    name: 'test-echo',
    body: z.strictObject({ text: z.string() }),
    path: z.strictObject({ itemId: z.string().regex(/^\d+$/, 'must be digits') }),
    query: z.strictObject({ verbose: z.enum(['true', 'false']).optional() }),
  },
  async ({ body, path, query, annotate }) => {
    annotate({ tenantId: 'abcd1234', tier: 'BASIC' });
    if (body.text === 'conflict') {
      throw new ConflictError('item is locked', 'itemId');
    }
    if (body.text === 'crash') {
      throw new Error('database password is hunter2');
    }
    logger.info('echoing');
    return jsonResponse(200, { text: body.text, itemId: path.itemId, verbose: query.verbose ?? 'false' });
  },
);

const noBody = apiHandler({ name: 'test-no-body' }, async () => jsonResponse(204, {}));

async function call(handler: typeof echo, options: ApiEventOptions) {
  const context = createLambdaContext({ functionName: 'test' });
  const defaults = handler === echo ? { pathParameters: { itemId: '7' } } : {};
  const result = await handler(apiEvent({ method: 'POST', ...defaults, ...options }), context);
  return { ...result, json: result.body ? JSON.parse(result.body as string) : undefined };
}

describe('apiHandler', () => {
  it('passes parsed input to the handler', async () => {
    const result = await call(echo, { body: { text: 'hi' }, query: { verbose: 'true' } });

    expect(result.statusCode).toBe(200);
    expect(result.json).toEqual({ text: 'hi', itemId: '7', verbose: 'true' });
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('maps an HttpError to its status and field', async () => {
    const result = await call(echo, { body: { text: 'conflict' } });

    expect(result.statusCode).toBe(409);
    expect(result.json).toEqual({ message: 'item is locked', field: 'itemId' });
  });

  it('hides an unexpected error behind a 500', async () => {
    const event = apiEvent({ method: 'POST', pathParameters: { itemId: '7' }, body: { text: 'crash' } });

    const result = await echo(event, createLambdaContext({ functionName: 'test' }));

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('hunter2');
    expect(JSON.parse(result.body as string).message).toContain(event.requestContext.requestId);
  });

  it('accepts a body of exactly the maximum size', async () => {
    const padding = MAX_BODY_BYTES - JSON.stringify({ text: '' }).length;

    const result = await call(echo, { body: { text: 'é'.repeat(padding / 2) } });

    expect(result.statusCode).toBe(200);
  });

  it('rejects a body one byte over the maximum', async () => {
    const padding = MAX_BODY_BYTES - JSON.stringify({ text: '' }).length + 1;

    const result = await call(echo, { body: { text: 'x'.repeat(padding) } });

    expect(result.statusCode).toBe(413);
    expect(result.json.field).toBe('body');
  });

  it.each([
    ['a bad path parameter', { pathParameters: { itemId: 'abc' }, body: { text: 'x' } }, 'itemId'],
    ['a missing path parameter', { pathParameters: {}, body: { text: 'x' } }, 'itemId'],
    ['a bad query value', { query: { verbose: 'yes' }, body: { text: 'x' } }, 'verbose'],
    ['an unknown query parameter', { query: { debug: '1' }, body: { text: 'x' } }, 'debug'],
    ['a nested __proto__ key', { rawBody: '{"text":"x","a":{"__proto__":{}}}' }, '__proto__'],
  ])('rejects %s', async (_label, options, field) => {
    const result = await call(echo, options as ApiEventOptions);

    expect(result.statusCode).toBe(400);
    expect(result.json.field).toBe(field);
  });

  it('accepts no body or {} on a route without a body', async () => {
    expect((await call(noBody, {})).statusCode).toBe(204);
    expect((await call(noBody, { body: {} })).statusCode).toBe(204);
    expect((await call(noBody, { body: { extra: 1 } })).statusCode).toBe(400);
  });

  it('logs request keys and never the token or body', async () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const writeError = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('INFO');
    try {
      await call(echo, { body: { text: 'secret-body-text' }, headers: { 'content-type': 'application/json', authorization: 'Bearer eyJtoken.secret' } });
      await call(echo, { body: { text: 'crash' }, headers: { 'content-type': 'application/json', authorization: 'Bearer eyJtoken.secret' } });
    } finally {
      logger.setLogLevel('SILENT');
      write.mockRestore();
      writeError.mockRestore();
    }

    const output = lines.join('');
    expect(output).not.toContain('eyJtoken');
    expect(output).not.toContain('secret-body-text');
    const records = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const completed = records.find((record) => record.message === 'request completed');
    expect(completed).toMatchObject({ handler: 'test-echo', tenantId: 'abcd1234', tier: 'BASIC', statusCode: 200, caller: 'admin-sub' });
    expect(typeof completed?.requestId).toBe('string');
    expect(records.some((record) => record.message === 'request failed' && record.level === 'ERROR')).toBe(true);
  });

  it('clears request keys between invocations', async () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const writeError = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('INFO');
    try {
      await call(echo, { body: { text: 'one' } });
      await call(noBody, {});
    } finally {
      logger.setLogLevel('SILENT');
      write.mockRestore();
      writeError.mockRestore();
    }

    const last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    expect(last.handler).toBe('test-no-body');
    expect(last.tenantId).toBeUndefined();
  });

  it('keeps BadRequestError fields from handlers', async () => {
    const handler = apiHandler({ name: 'test-bad' }, async () => {
      throw new BadRequestError('limit must be small', 'limit');
    });

    const result = await call(handler as typeof echo, {});

    expect(result.statusCode).toBe(400);
    expect(result.json).toEqual({ message: 'limit must be small', field: 'limit' });
  });
});
