/**
 * Entry point of the `tenantform` CLI. It parses the command line with commander and
 * turns every outcome into an exit code: 0 for success, 1 when the operation failed,
 * 2 for a usage error. Engines and SDKs load only inside the command that needs them,
 * so `--help` stays fast.
 */
import { CommanderError } from 'commander';
import { EXIT_SUCCESS, EXIT_USAGE } from './errors';
import type { OutputStreams } from './output';
import { buildProgram } from './program';

/** Commander errors that mean help or the version was printed, not a mistake. */
const INFORMATIONAL_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

export async function main(argv: readonly string[], streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // The SDK warns on every command that its releases after January 2027 need Node.js 22;
  // the platform supports Node.js 20 (see package.json engines), so the CLI does not repeat it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const run = { exitCode: EXIT_SUCCESS };
  const program = buildProgram(streams, run);

  try {
    const args = argv[0] === '--version' ? ['-V', ...argv.slice(1)] : [...argv];
    if (args[0] === 'help') {
      // Commander's help command reads only one name and exits with a usage error. Asking
      // the command itself for --help shows the right help and exits 0, and an unknown
      // name gets the unknown-command error.
      const known = args.length === 1 || program.commands.some((command) => command.name() === args[1]);
      args.splice(0, args.length, ...args.slice(1), ...(known ? ['--help'] : []));
    }
    await program.parseAsync(args, { from: 'user' });
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return INFORMATIONAL_CODES.has(error.code) ? EXIT_SUCCESS : EXIT_USAGE;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (error: Error) => {
      process.stderr.write(`error: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
