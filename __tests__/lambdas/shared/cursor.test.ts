import { MAX_CURSOR_LENGTH, decodeCursor, encodeCursor } from '../../../lambdas/shared/cursor';
import { BadRequestError } from '../../../lambdas/shared/http';

const KEYS = ['tenantId', 'status', 'createdAt'];
const key = { tenantId: 'abcd1234', status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z' };

function decodeError(cursor: string, field?: string): BadRequestError {
  try {
    decodeCursor(cursor, KEYS, field);
  } catch (error) {
    return error as BadRequestError;
  }
  throw new Error('decodeCursor accepted the cursor');
}

describe('cursor encoding', () => {
  it('round-trips a key', () => {
    const cursor = encodeCursor(key);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, KEYS)).toEqual(key);
  });

  it('round-trips non-ASCII values', () => {
    const unicode = { ...key, tenantId: 'Café ünïcødé' };

    expect(decodeCursor(encodeCursor(unicode), KEYS)).toEqual(unicode);
  });

  it.each([
    ['an empty cursor', ''],
    ['padding characters', `${encodeCursor(key)}==`],
    ['standard base64 characters', encodeCursor(key).replace(/-/g, '+') + '/'],
    ['an overlong cursor', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
    ['text that is not JSON', Buffer.from('plain words').toString('base64url')],
    ['a JSON string', encodeCursor('x' as unknown as Record<string, unknown>)],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a missing key', encodeCursor({ tenantId: 'abcd1234', status: 'ACTIVE' })],
    ['an extra key', encodeCursor({ ...key, tier: 'BASIC' })],
    ['a renamed key', encodeCursor({ tenantId: 'abcd1234', tier: 'BASIC', createdAt: 'x' })],
    ['an empty value', encodeCursor({ ...key, status: '' })],
    ['a number value', encodeCursor({ ...key, status: 1 })],
    ['an object value', encodeCursor({ ...key, status: { S: 'ACTIVE' } })],
    ['an overlong value', encodeCursor({ ...key, status: 's'.repeat(1025) })],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')],
  ])('rejects %s', (_label, cursor) => {
    const error = decodeError(cursor);

    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.field).toBe('cursor');
    expect(error.message).toMatch(/^cursor is invalid: /);
  });

  it('names the given field', () => {
    expect(decodeError('!', 'nextToken').field).toBe('nextToken');
  });
});
