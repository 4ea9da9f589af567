/**
 * Parses input with a zod schema and turns the first problem into a 400 `BadRequestError`
 * that names the field and the value received. Schemas give their checks messages that
 * read after the field name and value, such as `must be 1 to 64 characters`.
 */
import { z } from 'zod';
import { BadRequestError } from './http';

/** Maximum length of a received value quoted in an error message, in characters. */
const MAX_QUOTED_LENGTH = 80;

/**
 * Parses `input` with `schema`. Throws a `BadRequestError` for the first issue, naming the
 * field as `prefix` plus the issue path (for example `limit` or `tenantData.tier`).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  throw issueToError(schema, result.error.issues[0], input, prefix);
}

function issueToError(schema: z.ZodType, issue: z.core.$ZodIssue, input: unknown, prefix: string): BadRequestError {
  const path = issue.path.map(String);

  if (issue.code === 'unrecognized_keys') {
    const field = joinField(prefix, [...path, issue.keys[0]]);
    const known = knownKeys(schema, issue.path);
    const allowed = known.length > 0 ? `; the known fields are ${known.join(', ')}` : '';
    return new BadRequestError(`${field} is not a known field${allowed}`, field);
  }

  const field = joinField(prefix, path) || prefix.replace(/\.$/, '') || 'body';
  const received = valueAt(input, issue.path);
  if (issue.code === 'invalid_type' && received === undefined) {
    return new BadRequestError(`${field} is missing`, field);
  }
  if (issue.code === 'invalid_type') {
    return new BadRequestError(`${field} must be ${article(issue.expected)}, got ${describe(received)}`, field);
  }
  // Custom messages start in lowercase and continue the sentence; zod's defaults are capitalised.
  const message = /^[a-z]/.test(issue.message) ? issue.message : `is invalid: ${issue.message}`;
  return new BadRequestError(`${field} ${quote(received)}${message}`, field);
}

function joinField(prefix: string, path: readonly string[]): string {
  return `${prefix}${path.join('.')}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Lists the keys of the object schema at `path`, looking through optional and nullable wrappers. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    current = current instanceof z.ZodObject ? unwrap((current.shape as Record<string, z.ZodType>)[String(key)]) : undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Names the JSON type of a received value, for "must be a string, got a number". */
function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return article(typeof value);
}

/** Quotes a string or number value, followed by a space, or returns '' for other values. */
function quote(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `${value} `;
  }
  if (typeof value !== 'string') {
    return '';
  }
  const shown = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}...` : value;
  return `${JSON.stringify(shown)} `;
}
