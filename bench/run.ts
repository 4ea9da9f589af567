/**
 * Runs every `bench/*.bench.ts` (or those named on the command line, such as
 * `npm run bench -- synth`) and writes the results to docs/benchmarks.md with the machine
 * they ran on.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BenchSection } from './bench-types';

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => requested.length === 0 || requested.includes(file.replace(/\.bench\.ts$/, '')))
    .sort();
  if (files.length === 0) {
    throw new Error(`no benchmark matches ${requested.join(', ')}; available: ${fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  }

  const sections: BenchSection[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file}\n`);
    const module = (await import(path.join(__dirname, file))) as { run: () => Promise<BenchSection> };
    const section = await module.run();
    sections.push(section);
    process.stderr.write(renderSection(section) + '\n');
  }

  const output = path.join(__dirname, '..', 'docs', 'benchmarks.md');
  const previous = fs.existsSync(output) ? parseSections(fs.readFileSync(output, 'utf8')) : new Map<string, string>();
  for (const section of sections) {
    previous.set(section.title, renderSection(section));
  }
  fs.writeFileSync(output, renderDocument(previous));
  process.stderr.write(`wrote ${path.relative(process.cwd(), output)}\n`);
}

function machineDescription(): string {
  const cpus = os.cpus();
  const memoryGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${memoryGiB} GiB memory, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

function renderSection(section: BenchSection): string {
  const lines = [
    `## ${section.title}`,
    '',
    `Command: \`${section.command}\`. Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.`,
    '',
    '| Metric | Value | Target | Met |',
    '|---|---|---|---|',
    ...section.rows.map((row) => `| ${row.metric} | ${row.value} | ${row.target ?? ''} | ${row.met === undefined ? '' : row.met ? 'yes' : 'no'} |`),
  ];
  if (section.notes && section.notes.length > 0) {
    lines.push('', ...section.notes);
  }
  return lines.join('\n');
}

const HEADER = [
  '# Benchmarks',
  '',
  'Written by `npm run bench`; each section is replaced when its benchmark runs again.',
  'Targets are goals, not guarantees: the numbers are from the machine named in each section.',
  '',
].join('\n');

function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = text.split(/^## /m).slice(1);
  for (const part of parts) {
    const title = part.slice(0, part.indexOf('\n')).trim();
    sections.set(title, `## ${part.trimEnd()}`);
  }
  return sections;
}

function renderDocument(sections: Map<string, string>): string {
  return `${HEADER}\n${[...sections.values()].join('\n\n')}\n`;
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
