/**
 * The leaf conditions of an EventBridge pattern: exact values and the content filters
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`,
 * `exists` and `cidr`. Each compiles to a test on one scalar event value.
 */
import { BlockList, isIP } from 'net';
import type { JsonScalar } from './event-pattern';

export interface LeafCondition {
  /** Whether the condition matches one scalar value found at the field. */
  matches(value: JsonScalar): boolean;
  /** Whether the condition matches a field that is missing or has no scalar value. */
  readonly matchesMissing: boolean;
}

/** Largest magnitude EventBridge accepts in a numeric filter. */
const NUMERIC_LIMIT = 5e9;

const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='] as const;
type NumericOperator = (typeof NUMERIC_OPERATORS)[number];

/** Compiles one element of a leaf array; throws with the problem when it is not valid. */
export function compileLeafCondition(value: unknown): LeafCondition {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return exactCondition(value);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`a value must be a string, number, boolean, null or a content filter object, got ${JSON.stringify(value)}`);
  }

  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) {
    throw new Error(`a content filter object must have exactly one key, got ${JSON.stringify(value)}`);
  }
  const [operator, operand] = entries[0];
  switch (operator) {
    case 'prefix':
      return affixCondition('prefix', operand);
    case 'suffix':
      return affixCondition('suffix', operand);
    case 'equals-ignore-case':
      return stringTest(requireString('equals-ignore-case', operand), (text, expected) => text.toLowerCase() === expected.toLowerCase());
    case 'wildcard':
      return regexCondition(wildcardRegex(requireString('wildcard', operand)));
    case 'anything-but':
      return anythingButCondition(operand);
    case 'numeric':
      return numericCondition(operand);
    case 'exists':
      return existsCondition(operand);
    case 'cidr':
      return cidrCondition(operand);
    default:
      throw new Error(
        `"${operator}" is not a content filter; use prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists or cidr`,
      );
  }
}

function exactCondition(expected: JsonScalar): LeafCondition {
  return { matchesMissing: false, matches: (value) => value === expected };
}

function stringTest(expected: string, test: (text: string, expected: string) => boolean): LeafCondition {
  return { matchesMissing: false, matches: (value) => typeof value === 'string' && test(value, expected) };
}

function regexCondition(regex: RegExp): LeafCondition {
  return { matchesMissing: false, matches: (value) => typeof value === 'string' && regex.test(value) };
}

/** `prefix` and `suffix`, each either a string or `{ "equals-ignore-case": string }`. */
function affixCondition(kind: 'prefix' | 'suffix', operand: unknown): LeafCondition {
  const { text, ignoreCase } = affixOperand(kind, operand);
  const expected = ignoreCase ? text.toLowerCase() : text;
  return stringTest(expected, (value) => {
    const candidate = ignoreCase ? value.toLowerCase() : value;
    return kind === 'prefix' ? candidate.startsWith(expected) : candidate.endsWith(expected);
  });
}

function affixOperand(kind: string, operand: unknown): { text: string; ignoreCase: boolean } {
  if (typeof operand === 'string') {
    return { text: operand, ignoreCase: false };
  }
  const entries = typeof operand === 'object' && operand !== null && !Array.isArray(operand) ? Object.entries(operand) : [];
  if (entries.length === 1 && entries[0][0] === 'equals-ignore-case' && typeof entries[0][1] === 'string') {
    return { text: entries[0][1], ignoreCase: true };
  }
  throw new Error(`${kind} must be a string or {"equals-ignore-case": string}, got ${JSON.stringify(operand)}`);
}

function requireString(operator: string, operand: unknown): string {
  if (typeof operand !== 'string') {
    throw new Error(`${operator} must be a string, got ${JSON.stringify(operand)}`);
  }
  return operand;
}

/**
 * Converts a wildcard filter to an anchored regular expression: `*` matches any run of
 * characters, `\*` is a literal star and `\\` a literal backslash. EventBridge rejects two
 * consecutive unescaped stars and any other escape, and so does this.
 */
export function wildcardRegex(pattern: string): RegExp {
  let source = '';
  let previousWasStar = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index];
    if (character === '\\') {
      const next = pattern[index + 1];
      if (next !== '*' && next !== '\\') {
        throw new Error(`wildcard "${pattern}" has an invalid escape at position ${index}; only \\* and \\\\ are allowed`);
      }
      source += escapeRegex(next);
      index += 1;
      previousWasStar = false;
    } else if (character === '*') {
      if (previousWasStar) {
        throw new Error(`wildcard "${pattern}" has consecutive * characters at position ${index}; use a single *`);
      }
      source += '[\\s\\S]*';
      previousWasStar = true;
    } else {
      source += escapeRegex(character);
      previousWasStar = false;
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * `anything-but`: a string, number, or array of either, that the value must not equal; or
 * an object with `prefix`, `suffix`, `equals-ignore-case` or `wildcard` (a string or an
 * array of strings) that the value must not match. A missing field never matches.
 */
function anythingButCondition(operand: unknown): LeafCondition {
  if (typeof operand === 'string' || typeof operand === 'number') {
    return { matchesMissing: false, matches: (value) => value !== null && value !== operand };
  }

  if (Array.isArray(operand)) {
    const allStrings = operand.every((element) => typeof element === 'string');
    const allNumbers = operand.every((element) => typeof element === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new Error(`anything-but must list only strings or only numbers, got ${JSON.stringify(operand)}`);
    }
    const excluded = new Set<JsonScalar>(operand as JsonScalar[]);
    return { matchesMissing: false, matches: (value) => value !== null && !excluded.has(value) };
  }

  const entries = typeof operand === 'object' && operand !== null ? Object.entries(operand) : [];
  if (entries.length !== 1) {
    throw new Error(`anything-but must be a string, a number, an array of either, or an object with one filter, got ${JSON.stringify(operand)}`);
  }
  const [operator, filterOperand] = entries[0];
  if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(operator)) {
    throw new Error(`anything-but cannot contain "${operator}"; use prefix, suffix, equals-ignore-case or wildcard`);
  }
  const operands = Array.isArray(filterOperand) ? filterOperand : [filterOperand];
  if (operands.length === 0 || operands.some((element) => typeof element !== 'string')) {
    throw new Error(`anything-but ${operator} must be a string or an array of strings, got ${JSON.stringify(filterOperand)}`);
  }
  const inner = (operands as string[]).map((text) => compileLeafCondition({ [operator]: text }));
  // A non-string value passes a string filter's negation, as EventBridge does for anything-but on strings.
  return {
    matchesMissing: false,
    matches: (value) => value !== null && !inner.some((condition) => condition.matches(value)),
  };
}

/** `numeric`: `["=", n]`, one bound such as `[">", n]`, or a range such as `[">=", a, "<", b]`. */
function numericCondition(operand: unknown): LeafCondition {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new Error(`numeric must be an array of one or two operator and number pairs, got ${JSON.stringify(operand)}`);
  }

  const comparisons: Array<{ operator: NumericOperator; bound: number }> = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index];
    const bound = operand[index + 1];
    if (!NUMERIC_OPERATORS.includes(operator)) {
      throw new Error(`numeric operator ${JSON.stringify(operator)} is not one of ${NUMERIC_OPERATORS.join(', ')}`);
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound) || Math.abs(bound) > NUMERIC_LIMIT) {
      throw new Error(`numeric bound ${JSON.stringify(bound)} must be a number from -5e9 to 5e9`);
    }
    comparisons.push({ operator, bound });
  }

  if (comparisons.length === 2) {
    const lower = comparisons.find((comparison) => comparison.operator === '>' || comparison.operator === '>=');
    const upper = comparisons.find((comparison) => comparison.operator === '<' || comparison.operator === '<=');
    if (!lower || !upper) {
      throw new Error(`a numeric range needs one lower bound (> or >=) and one upper bound (< or <=), got ${JSON.stringify(operand)}`);
    }
    if (lower.bound >= upper.bound) {
      throw new Error(`a numeric range needs its lower bound below its upper bound, got ${JSON.stringify(operand)}`);
    }
  }

  return {
    matchesMissing: false,
    matches: (value) => typeof value === 'number' && comparisons.every(({ operator, bound }) => compare(value, operator, bound)),
  };
}

function compare(value: number, operator: NumericOperator, bound: number): boolean {
  switch (operator) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

/** `exists`: true matches any value present at a leaf, including null; false matches a missing leaf. */
function existsCondition(operand: unknown): LeafCondition {
  if (typeof operand !== 'boolean') {
    throw new Error(`exists must be true or false, got ${JSON.stringify(operand)}`);
  }
  return { matchesMissing: !operand, matches: () => operand };
}

/** `cidr`: an IPv4 or IPv6 block such as `10.0.0.0/24`; matches string addresses inside it. */
function cidrCondition(operand: unknown): LeafCondition {
  const match = typeof operand === 'string' ? /^(.+)\/(\d{1,3})$/.exec(operand) : null;
  const family = match ? isIP(match[1]) : 0;
  const prefixLength = match ? Number(match[2]) : NaN;
  if (!match || family === 0 || prefixLength > (family === 4 ? 32 : 128)) {
    throw new Error(`cidr must be an IPv4 or IPv6 block such as "10.0.0.0/24", got ${JSON.stringify(operand)}`);
  }

  const blocks = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  blocks.addSubnet(match[1], prefixLength, type);
  return {
    matchesMissing: false,
    matches: (value) => typeof value === 'string' && isIP(value) === family && blocks.check(value, type),
  };
}
