/** `tenantform sandbox ...`: the local sandbox itself. */
import type { Command } from 'commander';
import { OperationError } from '../errors';
import { renderFields, type OutputStreams } from '../output';
import type { RunState } from '../program';
import { runCommand } from './command-context';

export function registerSandboxCommands(program: Command, streams: OutputStreams, run: RunState): void {
  const sandbox = program.command('sandbox').description('manage the local sandbox and its state directory');

  sandbox
    .command('reset')
    .description('delete every tenant, execution, user pool and plan of the local sandbox; the next command starts afresh')
    .option('--json', 'print the result as JSON on stdout')
    .action((_options, command: Command) =>
      runCommand(command, streams, run, async (context) => {
        if (context.options.target !== 'local') {
          throw new OperationError('sandbox reset works on the local target only; it never deletes anything on AWS', 'target');
        }
        const { resetSandbox } = await import('../../local/sandbox/sandbox');
        const { resolveStateDirectory } = await import('../../local/sandbox/state-directory');
        const directory = resolveStateDirectory(context.options.stateDir);
        const removed = resetSandbox(directory, context.commandName);
        context.output.progress(removed ? `deleted the sandbox state in ${directory}` : `${directory} holds no sandbox; nothing to delete`);
        context.output.result({ stateDirectory: directory, removed }, () => '');
      }),
    );

  sandbox
    .command('status')
    .description('show where the sandbox keeps its state, its Cognito port, and what it holds')
    .option('--json', 'print the status as JSON on stdout')
    .action((_options, command: Command) =>
      runCommand(command, streams, run, async (context) => {
        if (context.options.target !== 'local') {
          throw new OperationError('sandbox status works on the local target only', 'target');
        }
        const { readSandboxStatus } = await import('../../local/sandbox/sandbox');
        const { resolveStateDirectory } = await import('../../local/sandbox/state-directory');
        const status = readSandboxStatus(resolveStateDirectory(context.options.stateDir));
        context.output.result(status, () =>
          renderFields([
            ['State directory', status.stateDirectory],
            ['Created', status.createdAt ?? 'not yet (the first command creates it)'],
            ['Cognito port', status.cognitoPort === undefined ? undefined : String(status.cognitoPort)],
            ['Executions', String(status.executions)],
            ['Dead letters', String(status.deadLetters)],
            ['In use by', status.lockHolder],
          ]),
        );
      }),
    );
}
