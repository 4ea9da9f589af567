/**
 * Lifecycle executions on AWS, read with ListExecutions, DescribeExecution and
 * GetExecutionHistory from the three lifecycle state machines.
 */
import {
  DescribeExecutionCommand,
  DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  eventFieldsOf,
  ExecutionFilter,
  ExecutionStatus,
  ExecutionSummary,
  ExecutionView,
  parseJson,
  statesFromHistory,
} from '../../executions/execution-view';

/** Default and maximum number of executions listed. */
export const DEFAULT_EXECUTION_LIMIT = 50;
/**
 * Executions described per state machine when filtering by tenant, since the tenant is in each input.
 * NOTE: a tenant's executions older than the newest 200 of a state machine are not found.
 */
const MAX_DESCRIBED_FOR_TENANT_FILTER = 200;

export interface StateMachineArns {
  readonly onboarding: string;
  readonly offboarding: string;
  readonly activation: string;
}

export class AwsExecutions {
  constructor(
    private readonly client: SFNClient,
    private readonly machines: StateMachineArns,
  ) {}

  async list(filter: ExecutionFilter): Promise<ExecutionSummary[]> {
    const limit = filter.limit ?? DEFAULT_EXECUTION_LIMIT;
    const summaries: ExecutionSummary[] = [];

    for (const [machineId, stateMachineArn] of Object.entries(this.machines)) {
      const wanted = filter.tenantId ? MAX_DESCRIBED_FOR_TENANT_FILTER : limit;
      let nextToken: string | undefined;
      let read = 0;
      do {
        const page = await this.client.send(
          new ListExecutionsCommand({ stateMachineArn, statusFilter: filter.status, maxResults: Math.min(100, wanted - read), nextToken }),
        );
        for (const execution of page.executions ?? []) {
          read += 1;
          let fields: { tenantId?: string; detailType?: string } = {};
          if (filter.tenantId) {
            const described = await this.client.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
            fields = eventFieldsOf(parseJson(described.input));
            if (fields.tenantId !== filter.tenantId) {
              continue;
            }
          }
          summaries.push({
            executionArn: execution.executionArn ?? '',
            name: execution.name ?? '',
            stateMachine: machineId,
            status: (execution.status ?? 'RUNNING') as ExecutionStatus,
            startDate: toIso(execution.startDate),
            ...(execution.stopDate ? { stopDate: toIso(execution.stopDate) } : {}),
            ...fields,
          });
        }
        nextToken = page.nextToken;
      } while (nextToken && read < wanted);
    }

    return summaries.sort((a, b) => b.startDate.localeCompare(a.startDate)).slice(0, limit);
  }

  /** Reads one execution by ARN, or by name from any of the lifecycle state machines. */
  async get(executionIdOrArn: string): Promise<ExecutionView | undefined> {
    const candidates = executionIdOrArn.startsWith('arn:')
      ? [executionIdOrArn]
      : Object.values(this.machines).map((arn) => `${arn.replace(':stateMachine:', ':execution:')}:${executionIdOrArn}`);

    for (const executionArn of candidates) {
      let described: DescribeExecutionCommandOutput;
      try {
        described = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist') {
          continue;
        }
        throw error;
      }
      return this.toView(described, await this.history(executionArn));
    }
    return undefined;
  }

  private async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  private toView(described: DescribeExecutionCommandOutput, events: HistoryEvent[]): ExecutionView {
    const machineId = Object.entries(this.machines).find(([, arn]) => arn === described.stateMachineArn)?.[0] ?? described.stateMachineArn ?? '';
    const status = (described.status ?? 'RUNNING') as ExecutionStatus;
    const input = parseJson(described.input);
    return {
      executionArn: described.executionArn ?? '',
      name: described.name ?? '',
      stateMachine: machineId,
      status,
      startDate: toIso(described.startDate),
      ...(described.stopDate ? { stopDate: toIso(described.stopDate) } : {}),
      ...eventFieldsOf(input),
      input,
      ...(described.output !== undefined ? { output: parseJson(described.output) } : {}),
      ...(described.error ? { error: described.error } : {}),
      ...(described.cause ? { cause: described.cause } : {}),
      states: statesFromHistory(events, status),
    };
  }
}

function toIso(date: Date | undefined): string {
  return (date ?? new Date(0)).toISOString();
}
