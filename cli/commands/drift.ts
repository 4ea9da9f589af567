/**
 * `tenantform drift [TENANT]`: reports which silo tenants have drifted from the tenant
 * template at their recorded version. Exit code 0 when none drifted, 1 when any drifted or
 * its plan failed.
 */
import type { Command } from 'commander';
import type { OutputStreams } from '../output';
import type { RunState } from '../program';
import { runCommand } from './command-context';

export function registerDriftCommands(program: Command, streams: OutputStreams, run: RunState): void {
  program
    .command('drift')
    .description('plan each silo tenant (or one) against its own Terraform state and report which have drifted; locally every plan differs, since nothing is applied')
    .argument('[tenant]', 'tenant id or name; without it, every silo tenant with a stack')
    .option('--json', 'print one result per tenant as JSON on stdout')
    .action((reference: string | undefined, _options, command: Command) =>
      runCommand(command, streams, run, async (context) => {
        // Loaded after the target has set the handlers' environment, which the registry and
        // Powertools read when they are first loaded.
        await context.target();
        const { detectDrift } = await import('./drift-run');
        return detectDrift(context, reference);
      }),
    );
}
