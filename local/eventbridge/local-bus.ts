/**
 * An in-process event bus with EventBridge semantics: rules match events with EventBridge
 * patterns, each matching rule delivers to its target asynchronously, failed deliveries
 * are retried with exponential backoff, and an event that is invalid or still failing
 * after the last attempt goes to the dead-letter store with the reason.
 */
import { EventEmitter } from 'events';
import { compileEventPattern, CompiledObjectPattern, EventPattern, matchesCompiledPattern } from './event-pattern';
import { BusEvent, BusIdentity, isBusEvent, PutEventsEntry, PutEventsResultEntry, toBusEvent } from './bus-event';
import type { DeadLetterSink } from './dead-letter-store';

export interface BusTarget {
  /** Target id as a rule's target list shows it, such as `onboarding` or `registry-update`. */
  readonly id: string;
  /** Delivers one event; a throw counts as a failed attempt. */
  deliver(event: BusEvent): Promise<void>;
}

export interface BusRuleDefinition {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly target: BusTarget;
  /** Returns a problem with the event, such as a detail schema error, or undefined when it is valid. */
  readonly validate?: (event: BusEvent) => string | undefined;
}

/** Delivery retries of a target; EventBridge's default is 185 attempts over 24 hours. */
export interface RetryPolicy {
  /** Attempts in all, including the first. */
  readonly maxAttempts: number;
  /** Delay before the second attempt, in milliseconds; each later delay doubles it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2000 };

export type DeliveryOutcome = 'delivered' | 'dead-lettered';

/** Emitted as `settled` once per rule and event, after the last attempt. */
export interface DeliveryReport {
  readonly ruleName: string;
  readonly targetId: string;
  readonly event: BusEvent;
  readonly outcome: DeliveryOutcome;
  readonly attempts: number;
  readonly error?: string;
}

export interface BusLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly [key: string]: unknown;
}

export interface LocalEventBusOptions extends BusIdentity {
  readonly rules: readonly BusRuleDefinition[];
  readonly deadLetters: DeadLetterSink;
  readonly retryPolicy?: RetryPolicy;
  /** Receives every accepted event, for an archive. */
  readonly archive?: (event: BusEvent) => void;
  readonly log?: (entry: BusLogEntry) => void;
  /** Waits between attempts; tests replace it to run without real delays. */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface CompiledRule extends BusRuleDefinition {
  readonly compiled: CompiledObjectPattern;
}

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: PutEventsResultEntry[];
}

/** Largest number of entries in one PutEvents request. */
export const MAX_PUT_EVENTS_ENTRIES = 10;

export class PutEventsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

export class LocalEventBus extends EventEmitter {
  readonly identity: BusIdentity;
  private readonly rules: CompiledRule[];
  private readonly retryPolicy: RetryPolicy;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: LocalEventBusOptions) {
    super();
    this.identity = { name: options.name, account: options.account, region: options.region };
    // Compiling here rejects an invalid pattern when the rule is created, as PutRule does.
    this.rules = options.rules.map((rule) => ({ ...rule, compiled: compileEventPattern(rule.pattern) }));
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Accepts up to ten entries, as PutEvents does: each valid entry gets an event id and is
   * delivered in the background to every rule it matches; each invalid one gets an error
   * code in its place in the result.
   */
  putEvents(entries: readonly PutEventsEntry[]): PutEventsResult {
    if (entries.length === 0 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_PUT_EVENTS_ENTRIES}, got ${entries.length}`,
      );
    }

    const results: PutEventsResultEntry[] = [];
    let failed = 0;
    for (const entry of entries) {
      const converted = toBusEvent(entry, this.identity);
      if (!isBusEvent(converted)) {
        failed += 1;
        results.push(converted);
        continue;
      }
      this.options.archive?.(converted);
      this.dispatch(converted);
      results.push({ EventId: converted.id });
    }
    return { FailedEntryCount: failed, Entries: results };
  }

  /** Resolves when no delivery is pending, including deliveries started while waiting. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  get pendingDeliveries(): number {
    return this.inFlight.size;
  }

  private dispatch(event: BusEvent): void {
    for (const rule of this.rules) {
      if (!matchesCompiledPattern(rule.compiled, event)) {
        continue;
      }
      const delivery = this.deliver(rule, event).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  private async deliver(rule: CompiledRule, event: BusEvent): Promise<void> {
    // Deliveries start after PutEvents returns, as they do on EventBridge.
    await new Promise((resolve) => setImmediate(resolve));

    const problem = rule.validate?.(event);
    if (problem !== undefined) {
      this.deadLetter(rule, event, 0, 'InvalidEvent', problem);
      return;
    }

    const { maxAttempts } = this.retryPolicy;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        await rule.target.deliver(event);
        this.settle({ ruleName: rule.name, targetId: rule.target.id, event, outcome: 'delivered', attempts: attempt });
        return;
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        if (attempt < maxAttempts) {
          const delayMs = this.retryDelay(attempt);
          this.log('warn', 'delivery failed; retrying', rule, event, { attempt, delayMs, error: lastError.message });
          await this.sleep(delayMs);
        }
      }
    }
    this.deadLetter(rule, event, maxAttempts, lastError?.name || 'Error', lastError?.message ?? 'unknown error');
  }

  /** Exponential backoff with equal jitter: half the doubled delay plus a random half. */
  private retryDelay(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.retryPolicy;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private deadLetter(rule: CompiledRule, event: BusEvent, attempts: number, errorCode: string, errorMessage: string): void {
    this.options.deadLetters.add({
      deadLetteredAt: new Date().toISOString(),
      ruleName: rule.name,
      targetId: rule.target.id,
      errorCode,
      errorMessage,
      attempts,
      event,
    });
    this.log('error', 'event dead-lettered', rule, event, { attempts, errorCode, error: errorMessage });
    this.settle({ ruleName: rule.name, targetId: rule.target.id, event, outcome: 'dead-lettered', attempts, error: errorMessage });
  }

  private settle(report: DeliveryReport): void {
    this.emit('settled', report);
  }

  private log(level: BusLogEntry['level'], message: string, rule: CompiledRule, event: BusEvent, extra: Record<string, unknown>): void {
    this.options.log?.({
      level,
      message,
      rule: rule.name,
      target: rule.target.id,
      eventId: event.id,
      detailType: event['detail-type'],
      tenantId: event.detail.tenantId,
      ...extra,
    });
  }
}
