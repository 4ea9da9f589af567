/**
 * The command tree of the CLI and the options every command shares. Each command's action
 * runs through `runCommand`, which opens the target, prints errors and records the exit
 * code.
 */
import { Command, Option } from 'commander';
import { registerDriftCommands } from './commands/drift';
import { registerExecutionCommands } from './commands/executions';
import { registerRolloutCommands } from './commands/rollout';
import { registerSandboxCommands } from './commands/sandbox';
import { registerStateCommands } from './commands/state';
import { registerTenantCommands } from './commands/tenants';
import type { OutputStreams } from './output';

export interface RunState {
  exitCode: number;
}

export function buildProgram(streams: OutputStreams, run: RunState): Command {
  const program = new Command('tenantform')
    .description(
      'Onboard and operate the tenants of a Tenantform platform: on this machine with the local sandbox ' +
        '(--target local, the default), or on the deployed control plane (--target aws).',
    )
    // Only -V is registered: commander matches a program option anywhere on the command
    // line, and `rollout start --version V` needs the name. `main` turns a leading
    // --version into -V, so `tenantform --version` still prints the version.
    .version(readVersion(), '-V', 'print the CLI version (also --version, before any command)')
    .addOption(new Option('--target <target>', 'where commands run: "local" (the sandbox on this machine) or "aws"').choices(['local', 'aws']).default('local'))
    .option('--state-dir <dir>', 'sandbox state directory of the local target (default: TENANTFORM_STATE_DIR, else .tenantform/local)')
    .option('--config <file>', 'platform configuration file (default: TENANTFORM_CONFIG, else tenantform.config.json if present)')
    .option('--aws-config <file>', 'names of the deployed control plane for --target aws (default: TENANTFORM_AWS_CONFIG, else tenantform.aws.json)')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 success, 1 the operation failed (validation error, conflict, tenant in a failed state), 2 usage error.',
        'Progress is written to stderr; with --json each command writes one JSON document to stdout.',
        '',
        'Examples:',
        '  tenantform tenants onboard --name "Acme Corp" --email ops@acme.example --tier BASIC',
        '  tenantform tenants onboard --file examples/tenants.json',
        '  tenantform tenants list --status ACTIVE --json',
        '  tenantform executions list --tenant "Acme Corp"',
      ].join('\n'),
    );

  registerTenantCommands(program, streams, run);
  registerExecutionCommands(program, streams, run);
  registerStateCommands(program, streams, run);
  registerSandboxCommands(program, streams, run);
  registerRolloutCommands(program, streams, run);
  registerDriftCommands(program, streams, run);
  return program;
}

function readVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}
