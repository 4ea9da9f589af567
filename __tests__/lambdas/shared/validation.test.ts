import { z } from 'zod';
import { BadRequestError } from '../../../lambdas/shared/http';
import { parseInput } from '../../../lambdas/shared/validation';

const schema = z.strictObject({
  name: z.string().min(2, 'must be at least 2 characters'),
  count: z.number().optional(),
  nested: z.strictObject({ flag: z.boolean() }).optional(),
});

function parseError(input: unknown, prefix?: string): BadRequestError {
  try {
    parseInput(schema, input, prefix);
  } catch (error) {
    return error as BadRequestError;
  }
  throw new Error('parseInput accepted the input');
}

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput(schema, { name: 'ok', count: 2 })).toEqual({ name: 'ok', count: 2 });
  });

  it('names a missing field', () => {
    const error = parseError({});

    expect(error.field).toBe('name');
    expect(error.message).toBe('name is missing');
  });

  it('names the received type', () => {
    expect(parseError({ name: 'ok', count: 'two' }).message).toBe('count must be a number, got a string');
    expect(parseError({ name: ['a'] }).message).toBe('name must be a string, got an array');
    expect(parseError({ name: null }).message).toBe('name must be a string, got null');
  });

  it('quotes the value with a custom message', () => {
    const error = parseError({ name: 'x' });

    expect(error.message).toBe('name "x" must be at least 2 characters');
  });

  it('shortens a long quoted value', () => {
    const lowercase = z.strictObject({ code: z.string().regex(/^[a-z]+$/, 'must be lowercase letters') });

    let message = '';
    try {
      parseInput(lowercase, { code: 'X'.repeat(500) });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toBe(`code "${'X'.repeat(80)}..." must be lowercase letters`);
  });

  it('lists the known fields for an unknown one', () => {
    const error = parseError({ name: 'ok', colour: 'red' });

    expect(error.field).toBe('colour');
    expect(error.message).toBe('colour is not a known field; the known fields are name, count, nested');
  });

  it('names nested fields with a prefix', () => {
    const unknown = parseError({ name: 'ok', nested: { flag: true, extra: 1 } }, 'body.');
    const wrongType = parseError({ name: 'ok', nested: { flag: 'yes' } });

    expect(unknown.field).toBe('body.nested.extra');
    expect(unknown.message).toContain('the known fields are flag');
    expect(wrongType.field).toBe('nested.flag');
  });

  it('names the body when the input is not an object', () => {
    const error = parseError('text');

    expect(error.field).toBe('body');
  });
});
