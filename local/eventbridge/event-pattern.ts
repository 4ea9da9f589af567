/**
 * EventBridge event patterns: validation and compilation into matchers. The syntax and
 * semantics follow the "Amazon EventBridge event patterns" and "content filtering" pages of
 * the EventBridge User Guide: every leaf of a pattern is an array of values or content
 * filters, and a field matches when its value matches any element of that array.
 */
import { compileLeafCondition, LeafCondition } from './content-filters';

export type JsonScalar = string | number | boolean | null;

/** A pattern as written in a rule: nested objects whose leaves are arrays. */
export type EventPattern = { readonly [field: string]: unknown };

/** Raised when a pattern is not valid; the message names the path and the problem. */
export class InvalidEventPatternError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`event pattern is invalid at ${path || 'the top level'}: ${problem}`);
    this.name = 'InvalidEventPatternException';
  }
}

/** A field of a compiled object pattern: a nested object pattern or a list of leaf conditions. */
type CompiledField =
  | { readonly name: string; readonly kind: 'object'; readonly pattern: CompiledObjectPattern }
  | { readonly name: string; readonly kind: 'leaf'; readonly conditions: readonly LeafCondition[] };

export interface CompiledObjectPattern {
  readonly fields: readonly CompiledField[];
  /** `$or` alternatives: at least one of them must match the same object. */
  readonly alternatives: readonly CompiledObjectPattern[];
}

/** Validates `pattern` and compiles it; throws `InvalidEventPatternError` on the first problem. */
export function compileEventPattern(pattern: unknown): CompiledObjectPattern {
  if (!isPlainObject(pattern)) {
    throw new InvalidEventPatternError('', `a pattern must be a JSON object, got ${describe(pattern)}`);
  }
  return compileObject(pattern, '');
}

function compileObject(pattern: Record<string, unknown>, path: string): CompiledObjectPattern {
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    throw new InvalidEventPatternError(path, 'an object in a pattern must have at least one field');
  }

  const fields: CompiledField[] = [];
  const alternatives: CompiledObjectPattern[] = [];
  for (const key of keys) {
    const value = pattern[key];
    const fieldPath = path ? `${path}.${key}` : key;

    if (key === '$or') {
      alternatives.push(...compileAlternatives(value, fieldPath));
    } else if (Array.isArray(value)) {
      fields.push({ name: key, kind: 'leaf', conditions: compileLeaf(value, fieldPath) });
    } else if (isPlainObject(value)) {
      fields.push({ name: key, kind: 'object', pattern: compileObject(value, fieldPath) });
    } else {
      throw new InvalidEventPatternError(fieldPath, `a field must be an array of values or an object, got ${describe(value)}`);
    }
  }
  return { fields, alternatives };
}

function compileAlternatives(value: unknown, path: string): CompiledObjectPattern[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidEventPatternError(path, `$or must be a non-empty array of objects, got ${describe(value)}`);
  }
  return value.map((alternative, index) => {
    if (!isPlainObject(alternative)) {
      throw new InvalidEventPatternError(`${path}[${index}]`, `each $or alternative must be an object, got ${describe(alternative)}`);
    }
    return compileObject(alternative, `${path}[${index}]`);
  });
}

function compileLeaf(values: unknown[], path: string): LeafCondition[] {
  if (values.length === 0) {
    throw new InvalidEventPatternError(path, 'an array in a pattern must have at least one value');
  }
  return values.map((value, index) => {
    try {
      return compileLeafCondition(value);
    } catch (error) {
      throw new InvalidEventPatternError(`${path}[${index}]`, (error as Error).message);
    }
  });
}

/** Returns whether `event` matches the compiled pattern. */
export function matchesCompiledPattern(pattern: CompiledObjectPattern, event: unknown): boolean {
  return matchObject(pattern, isPlainObject(event) ? event : {});
}

/** Validates and compiles `pattern`, then matches `event` against it. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesCompiledPattern(compileEventPattern(pattern), event);
}

function matchObject(pattern: CompiledObjectPattern, value: Record<string, unknown>): boolean {
  for (const field of pattern.fields) {
    if (!matchField(field, value[field.name])) {
      return false;
    }
  }
  if (pattern.alternatives.length > 0) {
    return pattern.alternatives.some((alternative) => matchObject(alternative, value));
  }
  return true;
}

function matchField(field: CompiledField, value: unknown): boolean {
  if (field.kind === 'object') {
    // An array of objects matches when one of its elements matches the whole nested pattern.
    if (Array.isArray(value)) {
      const objects = flatten(value).filter(isPlainObject);
      return objects.length === 0 ? matchObject(field.pattern, {}) : objects.some((element) => matchObject(field.pattern, element));
    }
    // A missing field or a scalar has no nested fields, so only `exists: false` can match below it.
    return matchObject(field.pattern, isPlainObject(value) ? value : {});
  }

  const leaves = leafValues(value);
  if (leaves.length === 0) {
    return field.conditions.some((condition) => condition.matchesMissing);
  }
  return leaves.some((leaf) => field.conditions.some((condition) => condition.matches(leaf)));
}

/**
 * The scalar values at a field. An array contributes each scalar element; an object is an
 * intermediate node, not a leaf, so it contributes none, as a missing field does.
 */
function leafValues(value: unknown): JsonScalar[] {
  if (value === undefined || isPlainObject(value)) {
    return [];
  }
  if (Array.isArray(value)) {
    return flatten(value).filter((element): element is JsonScalar => !isPlainObject(element));
  }
  return [value as JsonScalar];
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((element) => (Array.isArray(element) ? flatten(element) : [element]));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  return JSON.stringify(value);
}
