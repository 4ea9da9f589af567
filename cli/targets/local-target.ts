/**
 * `--target local`: the sandbox on this machine. Tenant operations run the control-plane
 * handlers against its engines; executions and Terraform plans come from its state
 * directory.
 */
import type { PlatformConfig } from '../../config/platform-config';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import type { StoredExecution } from '../../local/sandbox/execution-store';
import type { LocalSandbox } from '../../local/sandbox/sandbox';
import type { ExecutionFilter, ExecutionSummary, ExecutionView, StateView } from '../executions/execution-view';
import { parsePlanJson, parseStateFile, TerraformStateView } from '../state/terraform-state';
import { BaseTarget } from './base-target';
import { applyEnvironment, powertoolsEnvironment, redirectHandlerLogs } from './handler-environment';

/** Maximum wait between two registry reads when no change is signalled, in milliseconds. */
const LOCAL_POLL_INTERVAL_MS = 1000;

/** Reason stored on tenants that Ctrl-C left in progress. */
export const INTERRUPTED_REASON = 'interrupted: the command was stopped with Ctrl-C before the operation finished; run it again to retry';

export interface LocalTargetOptions {
  readonly config: PlatformConfig;
  readonly stateDirectory: string;
  readonly commandName: string;
  readonly progress: (message: string) => void;
}

export class LocalTarget extends BaseTarget {
  readonly kind = 'local' as const;

  private constructor(
    config: PlatformConfig,
    readonly sandbox: LocalSandbox,
    private readonly progress: (message: string) => void,
  ) {
    super(config, LOCAL_POLL_INTERVAL_MS);
  }

  static async open(options: LocalTargetOptions): Promise<LocalTarget> {
    // Powertools reads its settings when the handlers' shared logger is created, so they go first.
    applyEnvironment(powertoolsEnvironment());
    const { LocalSandbox } = await import('../../local/sandbox/sandbox');
    const sandbox = await LocalSandbox.open({
      stateDirectory: options.stateDirectory,
      config: options.config,
      commandName: options.commandName,
      progress: options.progress,
    });
    await redirectHandlerLogs(sandbox.logWritable);
    return new LocalTarget(options.config, sandbox, options.progress);
  }

  protected async prepareRegistry(): Promise<void> {
    // dynalite and the registry tables are ready once the sandbox is open.
  }

  async prepareLifecycle(): Promise<void> {
    await this.sandbox.lifecycle();
  }

  protected lifecycleIdle(): boolean {
    return this.sandbox.startedLifecycleNow()?.isIdle() ?? true;
  }

  protected waitForChange(_tenantId: string, signal?: AbortSignal): Promise<void> {
    const lifecycle = this.sandbox.startedLifecycleNow();
    return new Promise((resolve) => {
      const unsubscribe = lifecycle?.onChange(done);
      const timer = setTimeout(done, LOCAL_POLL_INTERVAL_MS);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        unsubscribe?.();
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  async listExecutions(filter: ExecutionFilter): Promise<ExecutionSummary[]> {
    return this.sandbox.executionStore
      .list()
      .filter((execution) => (filter.tenantId === undefined || execution.tenantId === filter.tenantId) && (filter.status === undefined || execution.record.status === filter.status))
      .slice(0, filter.limit ?? 50)
      .map(toSummary);
  }

  async getExecution(executionIdOrArn: string): Promise<ExecutionView | undefined> {
    const execution = this.sandbox.executionStore.get(executionIdOrArn);
    return execution ? toView(execution) : undefined;
  }

  async readTerraformState(tenant: TenantRecord): Promise<TerraformStateView | undefined> {
    const files = await this.sandbox.tenantJobs.readTerraformFiles(tenant.tenantId);
    if (!files) {
      return undefined;
    }
    return files.kind === 'state' ? parseStateFile(files.text, files.location) : parsePlanJson(files.text, files.location);
  }

  /** Marks the tenants failed with the reason "interrupted", then aborts their executions and jobs. */
  async abandon(tenantIds: readonly string[]): Promise<TenantRecord[]> {
    const { markInterruptedTenants } = await import('../../local/sandbox/recovery');
    const marked = await markInterruptedTenants(INTERRUPTED_REASON, tenantIds);
    const lifecycle = this.sandbox.startedLifecycleNow();
    for (const tenantId of tenantIds) {
      lifecycle?.abortTenant(tenantId);
    }
    return marked;
  }

  async close(): Promise<void> {
    const lifecycle = this.sandbox.startedLifecycleNow();
    if (lifecycle && !lifecycle.isIdle()) {
      const running = lifecycle.runningExecutions;
      this.progress(
        running > 0
          ? `waiting for ${running} running execution${running === 1 ? '' : 's'} to finish before the sandbox stops`
          : 'waiting for pending event deliveries to finish before the sandbox stops',
      );
    }
    await this.sandbox.close();
  }
}

function toSummary(execution: StoredExecution): ExecutionSummary {
  const { record } = execution;
  return {
    executionArn: record.executionArn,
    name: record.name,
    stateMachine: execution.stateMachineId,
    status: record.status,
    startDate: record.startDate,
    ...(record.stopDate ? { stopDate: record.stopDate } : {}),
    ...(execution.tenantId ? { tenantId: execution.tenantId } : {}),
    ...(execution.detailType ? { detailType: execution.detailType } : {}),
  };
}

function toView(execution: StoredExecution): ExecutionView {
  const { record } = execution;
  const states: StateView[] = record.states.map((state) => ({
    name: state.iteration === undefined ? state.name : `${state.name} [${state.iteration}]`,
    type: state.type,
    status: state.status,
    enteredAt: state.startDate,
    ...(state.stopDate ? { exitedAt: state.stopDate } : {}),
    ...(state.durationMs !== undefined ? { durationMs: state.durationMs } : {}),
    ...(state.type === 'Task' ? { attempts: state.retries + 1 } : {}),
    ...(state.error ? { error: state.error } : {}),
    ...(state.cause ? { cause: state.cause } : {}),
  }));
  return {
    ...toSummary(execution),
    input: record.input,
    ...(record.output !== undefined ? { output: record.output } : {}),
    ...(record.error ? { error: record.error } : {}),
    ...(record.cause ? { cause: record.cause } : {}),
    states,
  };
}
