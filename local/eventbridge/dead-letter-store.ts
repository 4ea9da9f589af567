/**
 * Dead letters of the local bus: events that a rule could not deliver, kept in a JSON
 * Lines file so they survive the process. Each record carries the attributes that
 * EventBridge puts on a dead-letter queue message (rule, target, error code and message,
 * retry attempts) next to the event itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BusEvent } from './bus-event';

export interface DeadLetter {
  readonly deadLetteredAt: string;
  readonly ruleName: string;
  readonly targetId: string;
  /** `InvalidEvent` for an event whose detail failed validation, else the target's error type. */
  readonly errorCode: string;
  readonly errorMessage: string;
  /** Delivery attempts made, 0 for an event rejected before delivery. */
  readonly attempts: number;
  readonly event: BusEvent;
}

export interface DeadLetterSink {
  add(letter: DeadLetter): void;
}

/** Appends each dead letter as one line; with no file it keeps them in memory only. */
export class DeadLetterStore implements DeadLetterSink {
  private readonly memory: DeadLetter[] = [];

  constructor(private readonly file?: string) {}

  add(letter: DeadLetter): void {
    if (!this.file) {
      this.memory.push(letter);
      return;
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // A synchronous append, so a letter is on disk before the delivery counts as settled.
    fs.appendFileSync(this.file, JSON.stringify(letter) + '\n');
  }

  /** Every stored letter, oldest first. A torn last line from a crash is skipped. */
  list(): DeadLetter[] {
    if (!this.file) {
      return [...this.memory];
    }
    if (!fs.existsSync(this.file)) {
      return [];
    }
    const letters: DeadLetter[] = [];
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (line.trim() === '') {
        continue;
      }
      try {
        letters.push(JSON.parse(line) as DeadLetter);
      } catch {
        // NOTE: only a write cut short by a crash leaves an unparsable line; it is skipped.
      }
    }
    return letters;
  }
}
