import { UsagePlanThrottle } from '../../../local/application-plane/usage-plan-throttle';

function clockAt(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const BASIC = { rateLimit: 50, burstLimit: 50, quota: { limit: 1000, period: 'DAY' as const } };
const noon = Date.UTC(2026, 2, 4, 12, 0, 0);

describe('usage plan throttle', () => {
  test('admits a full burst then throttles', () => {
    const clock = clockAt(noon);
    const throttle = new UsagePlanThrottle(clock.now);
    const decisions = Array.from({ length: 51 }, () => throttle.admit('key-a', BASIC));

    expect(decisions.slice(0, 50).every((decision) => decision.allowed)).toBe(true);
    expect(decisions[50]).toEqual({ allowed: false, reason: 'throttled' });
  });

  test('refills at the rate per second', () => {
    const clock = clockAt(noon);
    const throttle = new UsagePlanThrottle(clock.now);
    for (let index = 0; index < 50; index += 1) {
      throttle.admit('key-a', BASIC);
    }

    clock.advance(100);
    const afterRefill = Array.from({ length: 6 }, () => throttle.admit('key-a', BASIC).allowed);

    expect(afterRefill).toEqual([true, true, true, true, true, false]);
  });

  test('keeps one bucket per key', () => {
    const clock = clockAt(noon);
    const throttle = new UsagePlanThrottle(clock.now);
    for (let index = 0; index < 50; index += 1) {
      throttle.admit('key-a', BASIC);
    }

    expect(throttle.admit('key-a', BASIC).allowed).toBe(false);
    expect(throttle.admit('key-b', BASIC).allowed).toBe(true);
  });

  test('rejects past the daily quota until the next UTC day', () => {
    const clock = clockAt(Date.UTC(2026, 2, 4, 23, 59, 0));
    const throttle = new UsagePlanThrottle(clock.now);
    const plan = { rateLimit: 1000, burstLimit: 1000, quota: { limit: 3, period: 'DAY' as const } };
    const today = Array.from({ length: 4 }, () => throttle.admit('key-a', plan));
    clock.advance(60_000);
    const tomorrow = throttle.admit('key-a', plan);

    expect(today.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(today[3]).toEqual({ allowed: false, reason: 'quota-exceeded' });
    expect(tomorrow).toEqual({ allowed: true, remainingQuota: 2 });
  });

  test('subtracts the offset in the first period only', () => {
    const clock = clockAt(noon);
    const throttle = new UsagePlanThrottle(clock.now);
    const plan = { quota: { limit: 3, offset: 2, period: 'DAY' as const } };
    const first = [throttle.admit('key-a', plan).allowed, throttle.admit('key-a', plan).allowed];
    clock.advance(86_400_000);
    const second = Array.from({ length: 4 }, () => throttle.admit('key-a', plan).allowed);

    expect(first).toEqual([true, false]);
    expect(second).toEqual([true, true, true, false]);
  });

  test('does not count throttled requests', () => {
    const clock = clockAt(noon);
    const throttle = new UsagePlanThrottle(clock.now);
    const plan = { rateLimit: 1, burstLimit: 2, quota: { limit: 100, period: 'DAY' as const } };
    for (let index = 0; index < 5; index += 1) {
      throttle.admit('key-a', plan);
    }

    expect(throttle.usage('key-a')).toBe(2);
  });

  test('resets a weekly quota on Monday', () => {
    const sunday = Date.UTC(2026, 2, 8, 22, 0, 0);
    const clock = clockAt(sunday);
    const throttle = new UsagePlanThrottle(clock.now);
    const plan = { quota: { limit: 1, period: 'WEEK' as const } };
    const beforeMonday = [throttle.admit('key-a', plan).allowed, throttle.admit('key-a', plan).allowed];
    clock.advance(3 * 3600_000);

    expect(new Date(clock.now()).getUTCDay()).toBe(1);
    expect(beforeMonday).toEqual([true, false]);
    expect(throttle.admit('key-a', plan).allowed).toBe(true);
  });
});
