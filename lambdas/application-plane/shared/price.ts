/**
 * Prices as exact decimals. A price arrives as a JSON string or number, is checked to have
 * at most 2 decimal places, and is kept as a decimal string, never as a binary float, so
 * `19.99` is stored and summed as exactly 19.99. Arithmetic runs on whole cents in BigInt.
 */
import { BadRequestError } from '../../shared/http';

/** Largest price accepted: twelve integer digits. */
const PRICE_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/** Parses a price into whole cents, or throws a 400 naming `field`. */
export function parsePrice(value: unknown, field: string): bigint {
  let text: string;
  if (typeof value === 'number') {
    // String() gives the shortest decimal that reads back as the same double, such as
    // "19.99" for 19.99, and exponent notation for very large or very small numbers.
    text = Number.isFinite(value) ? String(value) : 'not finite';
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    throw new BadRequestError(`${field} must be a decimal number or string such as "19.99", got ${JSON.stringify(value) ?? 'nothing'}`, field);
  }

  if (text.startsWith('-')) {
    throw new BadRequestError(`${field} ${text} is negative; a price must be 0 or more`, field);
  }
  if (!PRICE_PATTERN.test(text)) {
    throw new BadRequestError(
      `${field} ${JSON.stringify(value)} is not a decimal with at most 2 decimal places and 12 integer digits, such as "19.99"`,
      field,
    );
  }
  return decimalToCents(text);
}

/** Converts a decimal string such as `19.9` to cents (1990n). */
export function decimalToCents(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** Formats cents as a decimal string with exactly two decimal places, such as `19.90`. */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  const whole = absolute / 100n;
  const fraction = (absolute % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Formats a stored DynamoDB number (a decimal string) as a price with two decimal places. */
export function formatStoredPrice(stored: unknown): string {
  if (typeof stored !== 'string' || !/^\d+(\.\d{1,2})?$/.test(stored)) {
    throw new Error(`stored price ${JSON.stringify(stored)} is not a non-negative decimal with at most 2 decimal places`);
  }
  return formatCents(decimalToCents(stored));
}
