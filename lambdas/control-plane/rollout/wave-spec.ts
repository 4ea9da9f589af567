/**
 * Wave specs: how a rollout splits the silo tenants into waves.
 *
 * A spec is a comma-separated list of cumulative targets, in order:
 * - `canary:N` (first entry only) is a wave of the first N tenants;
 * - `N` brings the total number of tenants covered so far up to N;
 * - `P%` brings the total up to P percent of all tenants, rounded up.
 * The last entry must be `100%`, so no tenant is left out. A wave that would receive no
 * tenant (a small fleet, or two targets that round to the same count) is dropped.
 *
 * Tenants whose registry record sets `wave` are placed in that wave number and are not
 * counted by the spec, which places only the others.
 */

/** Largest number of entries in a spec, and largest wave number a tenant may set. */
export const MAX_WAVES = 20;

export const DEFAULT_WAVE_SPEC = 'canary:1,25%,100%';

export type WaveTarget =
  | { readonly kind: 'count'; readonly count: number; readonly canary: boolean }
  | { readonly kind: 'percent'; readonly percent: number };

/** Raised when a wave spec or a tenant's wave number is invalid. */
export class WaveSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaveSpecError';
  }
}

/** Parses `spec` into its cumulative targets, or throws `WaveSpecError` naming the bad entry. */
export function parseWaveSpec(spec: string): WaveTarget[] {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (spec.trim() === '' || entries.some((entry) => entry === '')) {
    throw new WaveSpecError(`wave spec "${spec}" has an empty entry; write entries such as canary:1,25%,100%`);
  }
  if (entries.length > MAX_WAVES) {
    throw new WaveSpecError(`wave spec "${spec}" has ${entries.length} entries; at most ${MAX_WAVES} are allowed`);
  }

  const targets = entries.map((entry, index) => parseEntry(spec, entry, index));
  const last = targets[targets.length - 1];
  if (last.kind !== 'percent' || last.percent !== 100) {
    throw new WaveSpecError(`wave spec "${spec}" must end with 100% so that every tenant is in a wave`);
  }

  // Counts and percentages can only be compared once the fleet size is known, so only
  // targets of the same kind are checked for order here.
  let previousCount = 0;
  let previousPercent = 0;
  for (const [index, target] of targets.entries()) {
    if (target.kind === 'count') {
      if (target.count <= previousCount) {
        throw new WaveSpecError(`wave spec "${spec}": entry ${index + 1} (${entries[index]}) must be larger than the count before it, because targets are cumulative`);
      }
      previousCount = target.count;
    } else {
      if (target.percent <= previousPercent) {
        throw new WaveSpecError(`wave spec "${spec}": entry ${index + 1} (${entries[index]}) must be larger than the percentage before it, because targets are cumulative`);
      }
      previousPercent = target.percent;
    }
  }
  return targets;
}

function parseEntry(spec: string, entry: string, index: number): WaveTarget {
  const canary = /^canary:(\d+)$/.exec(entry);
  if (canary) {
    if (index !== 0) {
      throw new WaveSpecError(`wave spec "${spec}": canary:N may only be the first entry, found "${entry}" at entry ${index + 1}`);
    }
    return { kind: 'count', count: positiveCount(spec, entry, canary[1]), canary: true };
  }
  const count = /^(\d+)$/.exec(entry);
  if (count) {
    return { kind: 'count', count: positiveCount(spec, entry, count[1]), canary: false };
  }
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(entry);
  if (percent) {
    const value = Number(percent[1]);
    if (value <= 0 || value > 100) {
      throw new WaveSpecError(`wave spec "${spec}": "${entry}" must be a percentage greater than 0 and at most 100`);
    }
    return { kind: 'percent', percent: value };
  }
  throw new WaveSpecError(`wave spec "${spec}": entry "${entry}" is not canary:N, a tenant count N or a percentage P%`);
}

function positiveCount(spec: string, entry: string, digits: string): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new WaveSpecError(`wave spec "${spec}": "${entry}" must name at least 1 tenant`);
  }
  return value;
}

/** A tenant to place: its id and, when the registry sets one, its fixed wave number. */
export interface WaveCandidate {
  readonly tenantId: string;
  readonly wave?: unknown;
}

/**
 * Splits `candidates` into waves, keeping their order inside each wave. Tenants with a
 * fixed `wave` go to that wave (1-based); the rest fill the spec's waves in order. Empty
 * waves are dropped, so the result lists only waves with tenants.
 */
export function assignWaves<T extends WaveCandidate>(candidates: readonly T[], targets: readonly WaveTarget[]): T[][] {
  const fixed: T[] = [];
  const placedBySpec: T[] = [];
  for (const candidate of candidates) {
    if (candidate.wave === undefined || candidate.wave === null) {
      placedBySpec.push(candidate);
    } else {
      fixed.push(candidate);
    }
  }

  const waveCount = Math.max(targets.length, ...fixed.map((candidate) => fixedWave(candidate)));
  const waves: T[][] = Array.from({ length: waveCount }, () => []);
  for (const candidate of fixed) {
    waves[fixedWave(candidate) - 1].push(candidate);
  }

  const total = placedBySpec.length;
  let covered = 0;
  for (const [index, target] of targets.entries()) {
    const wanted = target.kind === 'count' ? target.count : Math.ceil((target.percent / 100) * total);
    const upTo = Math.min(total, Math.max(covered, wanted));
    waves[index].push(...placedBySpec.slice(covered, upTo));
    covered = upTo;
  }

  return waves.filter((wave) => wave.length > 0);
}

function fixedWave(candidate: WaveCandidate): number {
  const wave = candidate.wave;
  if (typeof wave !== 'number' || !Number.isInteger(wave) || wave < 1 || wave > MAX_WAVES) {
    throw new WaveSpecError(
      `tenant ${candidate.tenantId} has wave ${JSON.stringify(wave)} in the registry; set a whole number from 1 to ${MAX_WAVES}, or remove it to let the wave spec place the tenant`,
    );
  }
  return wave;
}
