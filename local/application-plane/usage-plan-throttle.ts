/**
 * Usage-plan enforcement of the local REST API, per API key: a token bucket with the
 * plan's `burstLimit` as capacity, refilled at `rateLimit` tokens per second, and a request
 * quota per period. A request that finds the bucket empty, or that comes after the quota
 * is used up, gets 429 as on API Gateway.
 *
 * The bucket and the quota here are exact. The API Gateway documentation calls throttling
 * and quotas targets applied on a best-effort basis, so on AWS a burst may pass a few more
 * or fewer requests than this bucket allows.
 */

export interface UsagePlanLimits {
  /** Steady-state requests per second; no rate limit when unset. */
  readonly rateLimit?: number;
  /** Bucket capacity in requests; no rate limit when unset. */
  readonly burstLimit?: number;
  readonly quota?: {
    readonly limit?: number;
    /** Requests subtracted from the limit in the first period, as in API Gateway's QuotaSettings. */
    readonly offset?: number;
    readonly period?: 'DAY' | 'WEEK' | 'MONTH';
  };
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly remainingQuota?: number }
  | { readonly allowed: false; readonly reason: 'throttled' | 'quota-exceeded' };

interface KeyState {
  tokens: number;
  refilledAt: number;
  periodStart: number;
  firstPeriod: boolean;
  used: number;
}

export class UsagePlanThrottle {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Counts one request of `apiKeyId` under `limits` and returns whether it may proceed. */
  admit(apiKeyId: string, limits: UsagePlanLimits): ThrottleDecision {
    const now = this.clock();
    const currentPeriod = periodStart(now, limits.quota?.period);
    let state = this.keys.get(apiKeyId);
    if (!state) {
      state = { tokens: limits.burstLimit ?? 0, refilledAt: now, periodStart: currentPeriod, firstPeriod: true, used: 0 };
      this.keys.set(apiKeyId, state);
    }
    if (currentPeriod !== state.periodStart) {
      state.periodStart = currentPeriod;
      state.firstPeriod = false;
      state.used = 0;
    }

    const quota = limits.quota?.limit === undefined ? undefined : limits.quota.limit - (state.firstPeriod ? (limits.quota.offset ?? 0) : 0);
    if (quota !== undefined && state.used >= quota) {
      return { allowed: false, reason: 'quota-exceeded' };
    }

    if (limits.burstLimit !== undefined && limits.rateLimit !== undefined) {
      const elapsedSeconds = Math.max(0, now - state.refilledAt) / 1000;
      state.tokens = Math.min(limits.burstLimit, state.tokens + elapsedSeconds * limits.rateLimit);
      state.refilledAt = now;
      if (state.tokens < 1) {
        return { allowed: false, reason: 'throttled' };
      }
      state.tokens -= 1;
    }

    // Only admitted requests count against the quota here.
    state.used += 1;
    return { allowed: true, ...(quota !== undefined ? { remainingQuota: quota - state.used } : {}) };
  }

  /** Requests of `apiKeyId` counted in the current quota period. */
  usage(apiKeyId: string): number {
    return this.keys.get(apiKeyId)?.used ?? 0;
  }
}

/**
 * Start of the quota period that contains `now`, in UTC milliseconds. Days start at 00:00
 * UTC, weeks on Monday and months on the 1st; these boundaries are the harness's choice.
 */
function periodStart(now: number, period: 'DAY' | 'WEEK' | 'MONTH' | undefined): number {
  const date = new Date(now);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (period) {
    case 'WEEK':
      return dayStart - ((date.getUTCDay() + 6) % 7) * 86_400_000;
    case 'MONTH':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    default:
      return dayStart;
  }
}
