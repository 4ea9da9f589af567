/**
 * Approval records of local rollouts: small JSON files under `<stateDir>/rollouts/<id>/`.
 * The process that runs a rollout holds the sandbox lock for its whole run, so
 * `rollout approve|reject` cannot open the sandbox's DynamoDB; it writes a decision file
 * instead, and the waiting process polls for it. On AWS the same commands call
 * SendTaskSuccess or SendTaskFailure with the task token stored on the rollout record.
 *
 * Files are written to a temporary name and renamed, so a reader never sees half a file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROLLOUT_ID_PATTERN } from '../../lambdas/control-plane/rollout/rollout-model';

export interface WaitingRecord {
  readonly rolloutId: string;
  /** Wave that starts when the gate is approved. */
  readonly wave: number;
  readonly since: string;
  /** PID of the waiting process, so a reader can tell when no process waits at the gate. */
  readonly pid: number;
}

export interface ApprovalDecision {
  readonly rolloutId: string;
  readonly wave: number;
  readonly decision: 'approve' | 'reject';
  readonly decidedAt: string;
  readonly decidedBy?: string;
  readonly reason?: string;
}

export class ApprovalRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalRecordError';
  }
}

export function rolloutDirectory(stateDir: string, rolloutId: string): string {
  if (!ROLLOUT_ID_PATTERN.test(rolloutId)) {
    throw new ApprovalRecordError(`rollout id "${rolloutId}" is invalid: it must be 1 to 80 letters, digits, hyphens or underscores`);
  }
  return path.join(stateDir, 'rollouts', rolloutId);
}

function waitingFile(stateDir: string, rolloutId: string): string {
  return path.join(rolloutDirectory(stateDir, rolloutId), 'waiting.json');
}

function decisionFile(stateDir: string, rolloutId: string, wave: number): string {
  return path.join(rolloutDirectory(stateDir, rolloutId), `decision-wave-${wave}.json`);
}

function writeAtomically(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new ApprovalRecordError(`approval record ${file} could not be read: ${(error as Error).message}`);
  }
}

export function markWaiting(stateDir: string, record: WaitingRecord): void {
  writeAtomically(waitingFile(stateDir, record.rolloutId), record);
}

export function clearWaiting(stateDir: string, rolloutId: string): void {
  fs.rmSync(waitingFile(stateDir, rolloutId), { force: true });
}

export function readWaiting(stateDir: string, rolloutId: string): WaitingRecord | undefined {
  return readJson<WaitingRecord>(waitingFile(stateDir, rolloutId));
}

/**
 * Records a decision for the gate the rollout is waiting at. Throws when no process waits
 * at a gate of this rollout, or when the gate already has a decision.
 */
export function recordDecision(stateDir: string, rolloutId: string, decision: Omit<ApprovalDecision, 'rolloutId' | 'wave' | 'decidedAt'>): ApprovalDecision {
  const waiting = readWaiting(stateDir, rolloutId);
  if (!waiting) {
    throw new ApprovalRecordError(`rollout ${rolloutId} is not waiting for approval; check it with "tenantform rollout status ${rolloutId}"`);
  }
  const file = decisionFile(stateDir, rolloutId, waiting.wave);
  const existing = readJson<ApprovalDecision>(file);
  if (existing) {
    throw new ApprovalRecordError(`wave ${waiting.wave} of rollout ${rolloutId} was already ${existing.decision === 'approve' ? 'approved' : 'rejected'} at ${existing.decidedAt}`);
  }
  const record: ApprovalDecision = { ...decision, rolloutId, wave: waiting.wave, decidedAt: new Date().toISOString() };
  writeAtomically(file, record);
  return record;
}

export function readDecision(stateDir: string, rolloutId: string, wave: number): ApprovalDecision | undefined {
  return readJson<ApprovalDecision>(decisionFile(stateDir, rolloutId, wave));
}

/**
 * Polls for the decision on `wave` every `pollMs` until one appears, `timeoutMs` passes
 * (resolves undefined) or `signal` aborts (resolves undefined).
 */
export async function waitForDecision(
  stateDir: string,
  rolloutId: string,
  wave: number,
  options: { pollMs: number; timeoutMs: number; signal?: AbortSignal },
): Promise<ApprovalDecision | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const decision = readDecision(stateDir, rolloutId, wave);
    if (decision) {
      return decision;
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs, Math.max(0, deadline - Date.now()))));
  }
}
