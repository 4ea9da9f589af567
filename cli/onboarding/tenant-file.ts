/**
 * Reads an onboarding file: a JSON array of `{ tenantName, email, tier }` objects. Only the
 * file's shape is checked here; each entry's fields are validated by the registration
 * handler, so one bad entry is reported on its own and does not stop the others.
 */
import * as fs from 'fs';
import { tenantNameKey } from '../../lambdas/shared/tenant';
import { OperationError } from '../errors';

export interface OnboardingEntry {
  /** Position in the file, from 1. */
  readonly index: number;
  /** The entry as written; a non-object entry is kept so it can be reported. */
  readonly request: Readonly<Record<string, unknown>>;
  /** Reason the entry cannot be sent at all (not an object, or a name repeated in the file). */
  readonly problem?: string;
}

export function readOnboardingFile(file: string): OnboardingEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${(error as Error).message})`;
    throw new OperationError(`onboarding file ${file} ${reason}; give a JSON array of {tenantName, email, tier} with --file`, 'file');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OperationError(`onboarding file ${file} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`, 'file');
  }
  if (!Array.isArray(parsed)) {
    throw new OperationError(
      `onboarding file ${file} must contain a JSON array of {"tenantName", "email", "tier"} objects, got ${parsed === null ? 'null' : typeof parsed}`,
      'file',
    );
  }
  return toEntries(parsed);
}

export function toEntries(items: readonly unknown[]): OnboardingEntry[] {
  const firstByName = new Map<string, number>();
  return items.map((item, position) => {
    const index = position + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { index, request: {}, problem: `entry ${index} must be an object with tenantName, email and tier, got ${JSON.stringify(item)}` };
    }

    const request = item as Record<string, unknown>;
    if (typeof request.tenantName === 'string') {
      const key = tenantNameKey(request.tenantName.normalize('NFC'));
      const first = firstByName.get(key);
      if (first !== undefined) {
        return { index, request, problem: `tenantName ${JSON.stringify(request.tenantName)} repeats the name of entry ${first}; names are unique ignoring case` };
      }
      firstByName.set(key, index);
    }
    return { index, request };
  });
}
