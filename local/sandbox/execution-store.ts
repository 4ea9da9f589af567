/**
 * The sandbox's record of every state machine execution, one JSON file each under the
 * state directory, so `executions list` and `executions show` work in later commands. An
 * execution whose process ended before it did is marked ABORTED when the sandbox recovers.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ExecutionRecord } from '../stepfunctions';
import { writeJsonAtomically } from './state-directory';

export interface StoredExecution {
  /** Lifecycle state machine id, such as `onboarding`. */
  readonly stateMachineId: string;
  readonly tenantId?: string;
  /** Detail type of the event that started the execution. */
  readonly detailType?: string;
  /** PID of the sandbox process that ran the execution. */
  readonly ownerPid: number;
  readonly record: ExecutionRecord;
}

export class ExecutionStore {
  constructor(private readonly directory: string) {}

  save(execution: StoredExecution): void {
    writeJsonAtomically(this.fileOf(execution.record.name), execution);
  }

  /** Lists every stored execution, newest first, skipping unreadable files. */
  list(): StoredExecution[] {
    if (!fs.existsSync(this.directory)) {
      return [];
    }
    const executions: StoredExecution[] = [];
    for (const file of fs.readdirSync(this.directory)) {
      if (!file.endsWith('.json')) {
        continue;
      }
      const execution = this.read(path.join(this.directory, file));
      if (execution) {
        executions.push(execution);
      }
    }
    return executions.sort((a, b) => b.record.startDate.localeCompare(a.record.startDate));
  }

  /** Finds an execution by name or by ARN. */
  get(nameOrArn: string): StoredExecution | undefined {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf(':') + 1) : nameOrArn;
    if (!/^[\w.-]{1,80}$/.test(name)) {
      return undefined;
    }
    const file = this.fileOf(name);
    const execution = fs.existsSync(file) ? this.read(file) : undefined;
    if (execution && nameOrArn.startsWith('arn:') && execution.record.executionArn !== nameOrArn) {
      return undefined;
    }
    return execution;
  }

  /**
   * Marks every RUNNING execution ABORTED, with `cause`, and returns them. Only valid when
   * no process runs executions of this state directory, which its lock guarantees.
   */
  abortRunning(cause: string, now = new Date()): StoredExecution[] {
    const aborted: StoredExecution[] = [];
    for (const execution of this.list()) {
      if (execution.record.status !== 'RUNNING') {
        continue;
      }
      const stopDate = now.toISOString();
      const record: ExecutionRecord = {
        ...execution.record,
        status: 'ABORTED',
        stopDate,
        error: 'Sandbox.ProcessEnded',
        cause,
        states: execution.record.states.map((state) =>
          state.status === 'RUNNING' ? { ...state, status: 'FAILED', stopDate, durationMs: Date.parse(stopDate) - Date.parse(state.startDate), error: 'Sandbox.ProcessEnded', cause } : state,
        ),
      };
      const updated = { ...execution, record };
      this.save(updated);
      aborted.push(updated);
    }
    return aborted;
  }

  private fileOf(name: string): string {
    return path.join(this.directory, `${name}.json`);
  }

  private read(file: string): StoredExecution | undefined {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as StoredExecution;
    } catch {
      // Files are replaced atomically, so only a foreign file fails to parse.
      return undefined;
    }
  }
}
