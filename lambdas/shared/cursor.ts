/**
 * Opaque page cursors: the `LastEvaluatedKey` of a DynamoDB query as base64url JSON. A
 * cursor is input from the caller, so decoding checks its alphabet, size, JSON shape and
 * key names before the key reaches `ExclusiveStartKey`.
 */
import { BadRequestError } from './http';

/** Maximum cursor length, in characters. A key of three string attributes fits easily. */
export const MAX_CURSOR_LENGTH = 2048;

/** Maximum length of one key attribute value inside a cursor, in characters. */
const MAX_KEY_VALUE_LENGTH = 1024;

/** Encodes a `LastEvaluatedKey` whose attributes are all strings. */
export function encodeCursor(key: Readonly<Record<string, unknown>>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` and checks that its attributes are exactly
 * `keyNames`, each a non-empty string. Throws a 400 `BadRequestError` naming `field` when
 * the cursor is malformed, so a caller can tell a bad cursor from a fault of ours.
 */
export function decodeCursor(cursor: string, keyNames: readonly string[], field = 'cursor'): Record<string, string> {
  const invalid = (reason: string) =>
    new BadRequestError(`${field} is invalid: ${reason}; pass the nextCursor of a previous response unchanged, or leave it out for the first page`, field);

  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw invalid(`it must be 1 to ${MAX_CURSOR_LENGTH} characters`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid('it contains characters outside the base64url alphabet');
  }

  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Buffer decoding skips what it cannot read, so a cursor that does not round-trip was not made here.
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) {
    throw invalid('it is not base64url-encoded UTF-8');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('it does not decode to JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('it does not decode to a key object');
  }

  const entries = Object.entries(parsed as Record<string, unknown>);
  const expected = [...keyNames].sort();
  const actual = entries.map(([name]) => name).sort();
  if (actual.length !== expected.length || actual.some((name, index) => name !== expected[index])) {
    throw invalid(`it belongs to another listing (key attributes ${actual.join(', ') || 'none'})`);
  }
  for (const [name, value] of entries) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_VALUE_LENGTH) {
      throw invalid(`key attribute ${name} is not a string of 1 to ${MAX_KEY_VALUE_LENGTH} characters`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
