/**
 * Schemas of the tenant fields that callers send: name, email, contact name and tier. The
 * registration and tenant routes share them, so a value valid at registration stays valid
 * in a later update.
 */
import { z } from 'zod';
import { BadRequestError } from './http';
import { TierModel, configuredTiers } from './environment';

export const MAX_TENANT_NAME_LENGTH = 64;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_CONTACT_NAME_LENGTH = 128;

/** Control and invisible format characters, including the Unicode line and paragraph separators. */
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const TENANT_NAME_CHARACTERS = /^[\p{L}\p{M}\p{N} \-_.'&]+$/u;

/**
 * A tenant name: NFC-normalised and trimmed, 1 to 64 characters of letters, digits, single
 * spaces and `- _ . ' &`, with at least one letter or digit. Invisible characters are
 * rejected so two names that look the same cannot both register.
 */
export const tenantNameSchema = z
  .string()
  .transform((value) => value.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty or only spaces')
      .max(MAX_TENANT_NAME_LENGTH, `must be at most ${MAX_TENANT_NAME_LENGTH} characters after trimming`)
      .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control or invisible characters')
      .refine((value) => TENANT_NAME_CHARACTERS.test(value), "may contain only letters, digits, spaces and the characters - _ . ' &")
      .refine((value) => !value.includes('  '), 'must not contain two spaces in a row')
      .refine((value) => /[\p{L}\p{N}]/u.test(value), 'must contain at least one letter or digit'),
  );

/** An email address, trimmed, at most 254 characters (the SMTP path limit). */
export const emailSchema = z
  .string()
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`)
      .pipe(z.email('must be a valid email address such as admin@example.com')),
  );

/** A contact person's name, trimmed, 1 to 128 characters without control characters. */
export const contactNameSchema = z
  .string()
  .transform((value) => value.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty or only spaces')
      .max(MAX_CONTACT_NAME_LENGTH, `must be at most ${MAX_CONTACT_NAME_LENGTH} characters after trimming`)
      .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control or invisible characters'),
  );

/** A tier name; `findConfiguredTier` checks it against the configured tiers. */
export const tierNameSchema = z.string().max(64, 'must be at most 64 characters');

/**
 * Returns the configured tier named `name` (exact match), or throws a 400 naming `field`,
 * the value and the allowed tiers, with the right spelling when only the case differs.
 */
export function findConfiguredTier(name: string, field = 'tier'): TierModel {
  const tiers = configuredTiers();
  const tier = tiers.find((candidate) => candidate.name === name);
  if (!tier) {
    const names = tiers.map((candidate) => candidate.name).join(', ');
    const caseVariant = tiers.find((candidate) => candidate.name.toLowerCase() === name.trim().toLowerCase());
    const hint = caseVariant ? `. Tier names are case-sensitive: use ${JSON.stringify(caseVariant.name)}` : '';
    throw new BadRequestError(`${field} ${JSON.stringify(name)} is not one of ${names}${hint}`, field);
  }
  return tier;
}
