/**
 * Output of the CLI. Progress for people goes to stderr. Results go to stdout, as text
 * tables or, with `--json`, as one JSON document that scripts can parse.
 */
import type { Writable } from 'stream';

export interface OutputStreams {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
}

export class Output {
  constructor(
    readonly json: boolean,
    readonly streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
  ) {}

  /** True when stderr is a terminal, so progress may redraw one line. */
  get interactive(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** Writes a progress line for people on stderr. */
  progress(message: string): void {
    this.streams.stderr.write(`${message}\n`);
  }

  /** Writes raw text to stderr, for a progress bar that redraws its line. */
  progressRaw(text: string): void {
    this.streams.stderr.write(text);
  }

  warn(message: string): void {
    this.streams.stderr.write(`warning: ${message}\n`);
  }

  error(message: string): void {
    this.streams.stderr.write(`error: ${message}\n`);
  }

  /** Writes the command's result: `value` as JSON with --json, else the text `render` returns. */
  result(value: unknown, render: () => string): void {
    if (this.json) {
      this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = render();
    if (text !== '') {
      this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }
}

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
}

/** Renders rows as a table with a header, columns padded to their widest cell. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => singleLine(column.value(row))));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((row) => row[index].length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();

  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

/** Renders `[label, value]` pairs as aligned lines, skipping pairs without a value. */
export function renderFields(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  const present = fields.filter((field): field is readonly [string, string] => field[1] !== undefined && field[1] !== '');
  const width = Math.max(0, ...present.map(([label]) => label.length));
  // Lines after the first of a multi-line value, such as a Terraform error, stay under the value column.
  const indent = ' '.repeat(width + 2);
  return present.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value.split('\n').join(`\n${indent}`)}`).join('\n');
}

function singleLine(value: string): string {
  return value.replace(/\s*\n\s*/g, ' ');
}

/** Formats a duration in milliseconds as `850 ms`, `12.4 s` or `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}
