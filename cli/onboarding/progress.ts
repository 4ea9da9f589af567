/**
 * Progress of an onboarding batch on stderr: a bar redrawn in place when stderr is a
 * terminal, and one plain line per finished tenant otherwise (or in addition, above the bar).
 */
import { formatDuration, Output } from '../output';
import type { OnboardingOutcome } from './onboard-tenant';

const BAR_WIDTH = 24;

export class BatchProgress {
  private finished = 0;
  private running = 0;
  private succeeded = 0;
  private failed = 0;
  private barShown = false;

  constructor(
    private readonly output: Output,
    private readonly total: number,
    private readonly isSuccess: (outcome: OnboardingOutcome) => boolean,
  ) {}

  start(): void {
    this.draw();
  }

  entryStarted(): void {
    this.running += 1;
    this.draw();
  }

  entryFinished(outcome: OnboardingOutcome): void {
    this.running -= 1;
    this.finished += 1;
    if (this.isSuccess(outcome)) {
      this.succeeded += 1;
    } else {
      this.failed += 1;
    }
    this.line(`[${this.finished}/${this.total}] ${describeOutcome(outcome)}`);
  }

  /** Prints a message above the bar. */
  note(message: string): void {
    this.line(message);
  }

  done(): void {
    if (this.barShown) {
      this.output.progressRaw('\r\x1b[K');
      this.barShown = false;
    }
  }

  private line(text: string): void {
    if (this.output.interactive) {
      this.output.progressRaw(`\r\x1b[K${text}\n`);
      this.barShown = false;
      this.draw();
    } else {
      this.output.progress(text);
    }
  }

  private draw(): void {
    if (!this.output.interactive) {
      return;
    }
    const filled = this.total === 0 ? BAR_WIDTH : Math.round((this.finished / this.total) * BAR_WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
    this.output.progressRaw(`\r\x1b[K[${bar}] ${this.finished}/${this.total}  ok ${this.succeeded}  failed ${this.failed}  running ${this.running}`);
    this.barShown = true;
  }
}

/** Describes a finished entry in one line, such as `Acme (BASIC, pool): ACTIVE in 1.2 s (created)`. */
export function describeOutcome(outcome: OnboardingOutcome): string {
  const name = typeof outcome.request.tenantName === 'string' ? outcome.request.tenantName : `entry ${outcome.index ?? ''}`.trim();
  const detail = outcome.message ? `: ${shorten(outcome.message)}` : '';
  const tenant = outcome.tenant;
  if (!tenant) {
    return `${name}: ${outcome.result}${detail}`;
  }
  return `${name} (${tenant.tier}, ${tenant.model}): ${tenant.status} in ${formatDuration(outcome.durationMs)} (${outcome.result})${detail}`;
}

/** Maximum length of a message in a progress line; `tenants show` prints the whole reason. */
const MAX_MESSAGE_LENGTH = 240;

function shorten(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : line;
}
