/**
 * The tenant lifecycle of the sandbox. The local event bus carries the control plane's
 * rules, the local Step Functions runner runs the onboarding, offboarding and activation
 * state machines, the catalog handlers are invoked in-process, and the local CodeBuild
 * runner runs the provisioning job against the synthesised tenant template. Every execution
 * is recorded in the state directory, and waiting commands learn when something changed or
 * nothing is left to run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EventEmitter } from 'events';
import { randomUUID } from 'crypto';
import { ResourceNames } from '../../config/naming';
import type { PlatformConfig } from '../../config/platform-config';
import type { HandlerId } from '../../lambdas/catalog';
import { EXECUTION_STATUS_CHANGE, FAILED_EXECUTION_STATUSES } from '../../lambdas/control-plane/registry/execution-status';
import { LocalBuild, LocalBuildFailedError, runLocalBuild, StartBuildParameters } from '../codebuild';
import type { BusEvent } from '../eventbridge/bus-event';
import { controlPlaneRules } from '../eventbridge/consumer-rules';
import { DeadLetterStore } from '../eventbridge/dead-letter-store';
import { BusLogEntry, BusRuleDefinition, BusTarget, LocalEventBus } from '../eventbridge/local-bus';
import { invokeLocalHandler } from '../lambda-runtime';
import { ExecutionRecord, LocalStateMachine, localDefinitionValues } from '../stepfunctions';
import { ExecutionStore, StoredExecution } from './execution-store';
import { checkFaultSettings, checkHandlerFault, terraformFaultEnvironment } from './fault-injection';
import type { StateDirectory } from './state-directory';
import { TenantJobStore } from './tenant-jobs';
import type { TenantTemplate } from './tenant-template';

export const LIFECYCLE_MACHINES = ['onboarding', 'offboarding', 'activation'] as const;
export type LifecycleMachineId = (typeof LIFECYCLE_MACHINES)[number];

const STATE_MACHINE_DIRECTORY = path.resolve(__dirname, '..', '..', 'statemachines');

/**
 * Wait before each Retry of a state, in milliseconds, in place of the definitions' intervals
 * (seconds, doubling). The errors those policies retry are AWS throttling and service
 * faults, which local engines do not produce, so locally a retry mostly repeats a lasting
 * error, such as a missing Terraform binary, and waiting minutes for it helps no one.
 */
const LOCAL_RETRY_DELAY_MS = 250;

/** Shortest interval between two saves of a running execution's record, in milliseconds. */
const RECORD_SAVE_INTERVAL_MS = 500;

export interface LocalLifecycleOptions {
  readonly config: PlatformConfig;
  readonly directory: StateDirectory;
  /** Synthesises (or returns the cached) tenant template; called when the first build starts. */
  readonly template: () => Promise<TenantTemplate>;
  readonly log: (entry: BusLogEntry) => void;
  /** Timeout of each handler invocation, in milliseconds. */
  readonly lambdaTimeoutMs?: number;
}

interface RunningExecution {
  readonly tenantId?: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export class LocalLifecycle {
  readonly bus: LocalEventBus;
  readonly executions: ExecutionStore;
  readonly deadLetters: DeadLetterStore;
  private readonly machines = new Map<LifecycleMachineId, LocalStateMachine>();
  private readonly definitionValues: ReturnType<typeof localDefinitionValues>;
  private readonly running = new Map<string, RunningExecution>();
  private readonly changes = new EventEmitter();
  private readonly jobs: TenantJobStore;

  constructor(private readonly options: LocalLifecycleOptions) {
    checkFaultSettings();
    const { config, directory } = options;
    this.executions = new ExecutionStore(directory.executions);
    this.deadLetters = new DeadLetterStore(directory.deadLetters);
    this.jobs = new TenantJobStore(directory);
    this.changes.setMaxListeners(0);

    const values = localDefinitionValues(config);
    this.definitionValues = values;

    const archiveFile = directory.eventArchive;
    fs.mkdirSync(path.dirname(archiveFile), { recursive: true });
    this.bus = new LocalEventBus({
      name: values.placeholders.EventBusName,
      account: config.accountId,
      region: config.region,
      rules: this.rules(),
      deadLetters: this.deadLetters,
      archive: (event) => fs.appendFileSync(archiveFile, JSON.stringify(event) + '\n'),
      log: options.log,
    });
    this.bus.on('settled', () => this.changes.emit('change'));
  }

  /** Executions still running. */
  get runningExecutions(): number {
    return this.running.size;
  }

  /** Returns whether no delivery and no execution is in progress. */
  isIdle(): boolean {
    return this.running.size === 0 && this.bus.pendingDeliveries === 0;
  }

  /** Calls `listener` after each settled delivery and each finished execution; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  /** Aborts the running executions of a tenant, which also stops its provisioning job. */
  abortTenant(tenantId: string): void {
    for (const execution of this.running.values()) {
      if (execution.tenantId === tenantId) {
        execution.controller.abort();
      }
    }
  }

  /** Resolves when every execution and delivery, including those they start, has finished. */
  async drain(): Promise<void> {
    while (!this.isIdle()) {
      await Promise.all([...this.running.values()].map((execution) => execution.done));
      await this.bus.idle();
    }
  }

  /** The saved plan or local state of a silo tenant's last provisioning job. */
  get tenantJobs(): TenantJobStore {
    return this.jobs;
  }

  /**
   * Loads a state machine on first use. Loading validates the definition, which takes a few
   * hundred milliseconds, so a command loads only the machines it runs.
   */
  private machine(machineId: LifecycleMachineId): LocalStateMachine {
    let machine = this.machines.get(machineId);
    if (!machine) {
      machine = new LocalStateMachine({
        name: new ResourceNames(this.options.config.prefix).of(machineId),
        definitionFile: path.join(STATE_MACHINE_DIRECTORY, `${machineId}.asl.json`),
        values: this.definitionValues,
        bindings: {
          invokeLambda: (handlerId, payload) => this.invokeHandler(handlerId, payload),
          putEvents: (entries) => this.bus.putEvents(entries),
          startBuildSync: (parameters) => this.runBuild(parameters),
        },
        retryDelayMs: LOCAL_RETRY_DELAY_MS,
      });
      this.machines.set(machineId, machine);
    }
    return machine;
  }

  /** ARN of a lifecycle state machine, as `LocalStateMachine` builds it. */
  private stateMachineArn(machineId: LifecycleMachineId): string {
    const { region, accountId } = this.definitionValues;
    return `arn:aws:states:${region}:${accountId}:stateMachine:${new ResourceNames(this.options.config.prefix).of(machineId)}`;
  }

  private rules(): BusRuleDefinition[] {
    const { config } = this.options;
    const consumerTarget = (target: { kind: 'stateMachine' | 'function'; id: string }): BusTarget =>
      target.kind === 'stateMachine'
        ? { id: target.id, deliver: async (event) => this.startExecution(target.id as LifecycleMachineId, event) }
        : { id: target.id, deliver: async (event) => void (await this.invokeHandler(target.id as HandlerId, event)) };

    const executionFailed: BusRuleDefinition = {
      name: new ResourceNames(config.prefix).of('execution-failed'),
      pattern: {
        source: ['aws.states'],
        'detail-type': [EXECUTION_STATUS_CHANGE],
        detail: { status: [...FAILED_EXECUTION_STATUSES], stateMachineArn: LIFECYCLE_MACHINES.map((id) => this.stateMachineArn(id)) },
      },
      target: consumerTarget({ kind: 'function', id: 'registry-update' }),
    };
    return [...controlPlaneRules(config.prefix, config.eventSources, consumerTarget), executionFailed];
  }

  /** Starts an execution, as a rule's StartExecution does, and returns once it runs. */
  private startExecution(machineId: LifecycleMachineId, event: BusEvent): void {
    const name = randomUUID();
    const tenantId = typeof event.detail.tenantId === 'string' ? event.detail.tenantId : undefined;
    const controller = new AbortController();
    const stored = (record: ExecutionRecord): StoredExecution => ({
      stateMachineId: machineId,
      ...(tenantId ? { tenantId } : {}),
      detailType: event['detail-type'],
      ownerPid: process.pid,
      record,
    });

    let lastSave = 0;
    const done = this.machine(machineId)
      .run(event, {
        name,
        signal: controller.signal,
        onUpdate: (record) => {
          if (Date.now() - lastSave >= RECORD_SAVE_INTERVAL_MS) {
            lastSave = Date.now();
            this.executions.save(stored(record));
          }
        },
      })
      .then((record) => {
        this.executions.save(stored(record));
        if ((FAILED_EXECUTION_STATUSES as readonly string[]).includes(record.status)) {
          this.publishStatusChange(record);
        }
      })
      .catch((error: Error) => {
        this.options.log({ level: 'error', message: 'execution could not run', executionName: name, machineId, tenantId, error: error.message });
      })
      .finally(() => {
        this.running.delete(name);
        this.changes.emit('change');
      });
    this.running.set(name, { tenantId, controller, done });
  }

  /** Emits the `aws.states` status change that EventBridge sends for a failed, timed-out or aborted execution. */
  private publishStatusChange(record: ExecutionRecord): void {
    this.bus.putEvents([
      {
        EventBusName: this.bus.identity.name,
        Source: 'aws.states',
        DetailType: EXECUTION_STATUS_CHANGE,
        Resources: [record.executionArn],
        Detail: JSON.stringify({
          executionArn: record.executionArn,
          stateMachineArn: record.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: Date.parse(record.startDate),
          stopDate: record.stopDate ? Date.parse(record.stopDate) : null,
          input: JSON.stringify(record.input),
          output: record.output === undefined ? null : JSON.stringify(record.output),
          error: record.error ?? null,
          cause: record.cause ?? null,
        }),
      },
    ]);
  }

  private async invokeHandler(handlerId: HandlerId, payload: unknown): Promise<unknown> {
    checkHandlerFault(handlerId, payload);
    const { config } = this.options;
    return invokeLocalHandler(handlerId, payload, {
      functionName: new ResourceNames(config.prefix).of(handlerId),
      region: config.region,
      accountId: config.accountId,
      timeoutMs: this.options.lambdaTimeoutMs ?? 60_000,
    });
  }

  /** Runs the provisioning job of one tenant with the local CodeBuild runner and records where its plan is. */
  private async runBuild(parameters: StartBuildParameters): Promise<LocalBuild> {
    const variables = Object.fromEntries((parameters.EnvironmentVariablesOverride ?? []).map((variable) => [variable.Name, variable.Value]));
    const tenantId = variables.TENANT_ID ?? '';
    const template = await this.options.template();
    const execution = [...this.running.values()].find((candidate) => candidate.tenantId === tenantId);
    const startedAt = new Date().toISOString();

    try {
      const build = await runLocalBuild(parameters, {
        workDir: path.join(this.options.directory.root, 'codebuild'),
        templateDir: template.directory,
        stateRoot: this.options.directory.root,
        region: this.options.config.region,
        accountId: this.options.config.accountId,
        timeoutInMinutes: this.options.config.jobTimeoutMinutes,
        // The job keeps its working folder, so `state list` can read the saved plan.
        projectEnvironment: { KEEP_WORK_DIR: '1', ...terraformFaultEnvironment({ tenantId, tenantName: variables.TENANT_NAME }) },
        signal: execution?.controller.signal,
      });
      this.jobs.record(tenantId, build, variables.JOB_ACTION ?? 'provision', startedAt);
      return build;
    } catch (error) {
      if (error instanceof LocalBuildFailedError) {
        this.jobs.record(tenantId, error.build, variables.JOB_ACTION ?? 'provision', startedAt);
      }
      throw error;
    }
  }
}
