/** `tenantform executions ...`: the lifecycle state machine executions, as the Step Functions console shows them. */
import { Command, Option } from 'commander';
import { EXECUTION_STATUSES, ExecutionStatus, ExecutionSummary, ExecutionView } from '../executions/execution-view';
import { OperationError } from '../errors';
import { formatDuration, renderFields, renderTable, type OutputStreams } from '../output';
import { readTenantNames, tenantLabel } from '../render/tenant-names';
import type { RunState } from '../program';
import { runCommand } from './command-context';
import { positiveInteger } from './tenants';

interface ListOptions {
  readonly tenant?: string;
  readonly status?: string;
  readonly limit: number;
}

export function registerExecutionCommands(program: Command, streams: OutputStreams, run: RunState): void {
  const executions = program.command('executions').description('list and inspect lifecycle state machine executions');

  executions
    .command('list')
    .description('list executions of the lifecycle (onboarding, offboarding, activation) and rollout state machines, newest first')
    .option('--tenant <tenant>', 'only executions for this tenant (id or name)')
    .option('--status <status>', `only executions in this status: ${EXECUTION_STATUSES.join(', ')}`)
    .addOption(new Option('--limit <n>', 'maximum number of executions to list').argParser(positiveInteger).default(50))
    .option('--json', 'print the executions as JSON on stdout')
    .action((_options, command: Command) =>
      runCommand<ListOptions>(command, streams, run, async (context, options) => {
        const status = parseStatus(options.status);
        const target = await context.target();
        const tenantId = options.tenant === undefined ? undefined : (await context.resolveTenant(options.tenant)).tenantId;
        const listed = await target.listExecutions({ tenantId, status, limit: options.limit });
        const names = await readTenantNames(target, listed.map((execution) => execution.tenantId));
        const summaries = listed.map((execution) => withTenantName(execution, names));
        context.output.result(summaries, () => renderExecutionTable(summaries));
      }),
    );

  executions
    .command('show')
    .description('show one execution: each state with its type, start, duration and status, and the error and cause of a failure')
    .argument('<execution>', 'execution name or ARN, as "executions list" prints them')
    .option('--json', 'print the execution as JSON on stdout')
    .action((reference: string, _options, command: Command) =>
      runCommand(command, streams, run, async (context) => {
        const target = await context.target();
        const found = await target.getExecution(reference);
        if (!found) {
          throw new OperationError(`execution ${JSON.stringify(reference)} was not found; list executions with "tenantform executions list"`, 'execution');
        }
        const execution = withTenantName(found, await readTenantNames(target, [found.tenantId]));
        context.output.result(execution, () => renderExecution(execution));
      }),
    );
}

function withTenantName<T extends ExecutionSummary>(execution: T, names: ReadonlyMap<string, string>): T {
  const tenantName = execution.tenantId === undefined ? undefined : names.get(execution.tenantId);
  return tenantName === undefined ? execution : { ...execution, tenantName };
}

function parseStatus(value: string | undefined): ExecutionStatus | undefined {
  if (value === undefined) {
    return undefined;
  }
  const status = value.toUpperCase();
  if (!(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new OperationError(`status ${JSON.stringify(value)} is not one of ${EXECUTION_STATUSES.join(', ')}`, 'status');
  }
  return status as ExecutionStatus;
}

export function renderExecutionTable(executions: readonly ExecutionSummary[]): string {
  if (executions.length === 0) {
    return 'No executions.';
  }
  return renderTable(executions, [
    { header: 'NAME', value: (execution) => execution.name },
    { header: 'STATE MACHINE', value: (execution) => execution.stateMachine },
    // One state machine serves activation and deactivation; the starting event shows which ran.
    { header: 'EVENT', value: (execution) => execution.detailType?.replace(/^sbt_aws_/, '') ?? '' },
    { header: 'TENANT', value: (execution) => tenantLabel(execution.tenantId, execution.tenantName) },
    { header: 'STATUS', value: (execution) => execution.status },
    { header: 'STARTED', value: (execution) => execution.startDate.replace(/\.\d{3}Z$/, 'Z') },
    { header: 'DURATION', value: (execution) => (execution.stopDate ? formatDuration(Date.parse(execution.stopDate) - Date.parse(execution.startDate)) : '') },
  ]);
}

/** Maximum length of an error in the state table; `--json` has the whole cause. */
const MAX_ERROR_LENGTH = 160;

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 3)}...` : line;
}

export function renderExecution(execution: ExecutionView): string {
  const header = renderFields([
    ['Execution', execution.name],
    ['ARN', execution.executionArn],
    ['State machine', execution.stateMachine],
    ['Tenant', tenantLabel(execution.tenantId, execution.tenantName)],
    ['Event', execution.detailType],
    ['Status', execution.status],
    ['Started', execution.startDate],
    ['Stopped', execution.stopDate],
    ['Duration', execution.stopDate ? formatDuration(Date.parse(execution.stopDate) - Date.parse(execution.startDate)) : undefined],
    ['Error', execution.error],
    ['Cause', execution.cause],
  ]);
  const states = renderTable(execution.states, [
    { header: 'STATE', value: (state) => state.name },
    { header: 'TYPE', value: (state) => state.type },
    { header: 'STARTED', value: (state) => state.enteredAt.slice(11, 23) },
    { header: 'DURATION', value: (state) => (state.durationMs === undefined ? '' : formatDuration(state.durationMs)) },
    { header: 'STATUS', value: (state) => (state.attempts && state.attempts > 1 ? `${state.status} (${state.attempts} attempts)` : state.status) },
    { header: 'ERROR', value: (state) => shorten([state.error, state.cause].filter(Boolean).join(': ')) },
  ]);
  return `${header}\n\n${states}`;
}
