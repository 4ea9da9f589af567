/**
 * Rollouts on the deployed control plane. `start` and `rollback` start an execution of the
 * rollout state machine, named after the rollout id. `approve` and `reject` read the task
 * token that the approval gate stored on the rollout record, and call SendTaskSuccess or
 * SendTaskFailure. The state machine ARN comes from the same settings file as the other
 * `--target aws` names (`rollout_state_machine_arn` in the control-plane outputs).
 */
import * as fs from 'fs';
import * as os from 'os';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { OperationError } from '../errors';
import { ENV } from '../../lambdas/shared/environment';
import { ROLLOUT_ERRORS } from '../../lambdas/control-plane/rollout/rollout-model';
import { getRolloutHeader } from '../../lambdas/control-plane/rollout/rollout-store';
import type { PlatformConfig } from '../../config/platform-config';

export interface AwsRolloutSettings {
  readonly region: string;
  readonly rolloutStateMachineArn: string;
  readonly rolloutsTable: string;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/;

/**
 * Reads the rollout names from the settings file: `rolloutStateMachineArn` (or the output
 * `rollout_state_machine_arn`), and optionally `rolloutsTable` and `region`.
 */
export function loadAwsRolloutSettings(file: string, config: PlatformConfig): AwsRolloutSettings {
  const fields = readSettingsFields(file);
  const arn = fields.get('rolloutstatemachinearn');
  if (!arn || !STATE_MACHINE_ARN.test(arn)) {
    throw new OperationError(
      `${file} has no valid rolloutStateMachineArn (got ${JSON.stringify(arn)}); save the control-plane outputs again with "terraform output -json", which include rollout_state_machine_arn`,
      'aws-config',
    );
  }
  return {
    region: fields.get('region') ?? config.region,
    rolloutStateMachineArn: arn,
    rolloutsTable: fields.get('rolloutstable') ?? `${config.prefix}-rollouts`,
  };
}

/**
 * Reads the string fields of a settings file, in either of its shapes (flat, or the output of
 * `terraform output -json`), keyed by name in lowercase without `-` and `_`.
 */
export function readSettingsFields(file: string): Map<string, string> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new OperationError(`${file} could not be read as JSON: ${(error as Error).message}`, 'aws-config');
  }
  const fields = new Map<string, string>();
  for (const [name, entry] of Object.entries(raw ?? {})) {
    const value = typeof entry === 'object' && entry !== null && 'value' in entry ? (entry as { value: unknown }).value : entry;
    if (typeof value === 'string' && value !== '') {
      fields.set(name.toLowerCase().replace(/[-_]/g, ''), value);
    }
  }
  return fields;
}

export class AwsRollouts {
  private readonly sfn: SFNClient;

  constructor(readonly settings: AwsRolloutSettings, sfn?: SFNClient) {
    process.env[ENV.rolloutsTable] = settings.rolloutsTable;
    this.sfn = sfn ?? new SFNClient({ region: settings.region });
  }

  /** Starts an execution named after the rollout and returns its ARN. */
  async start(input: Record<string, unknown> & { rolloutId: string }): Promise<string> {
    try {
      const result = await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn: this.settings.rolloutStateMachineArn, name: input.rolloutId, input: JSON.stringify(input) }),
      );
      return result.executionArn ?? '';
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') {
        throw new OperationError(`rollout ${input.rolloutId} already exists; choose another --rollout-id or leave it out`, 'rollout-id');
      }
      throw error;
    }
  }

  /** Resumes (approve) or stops (reject) the rollout waiting at its approval gate. */
  async decide(rolloutId: string, decision: 'approve' | 'reject', reason: string | undefined): Promise<{ wave: number }> {
    const header = await getRolloutHeader(rolloutId);
    if (!header) {
      throw new OperationError(`rollout ${rolloutId} was not found; list rollouts with "tenantform rollout status"`, 'rollout');
    }
    if (header.status !== 'WAITING_FOR_APPROVAL' || !header.approvalTaskToken) {
      throw new OperationError(`rollout ${rolloutId} is ${header.status}, not WAITING_FOR_APPROVAL, so there is nothing to ${decision}`, 'rollout');
    }
    const decidedBy = operatorName();
    if (decision === 'approve') {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: header.approvalTaskToken, output: JSON.stringify({ approved: true, decidedBy }) }));
    } else {
      await this.sfn.send(
        new SendTaskFailureCommand({
          taskToken: header.approvalTaskToken,
          error: ROLLOUT_ERRORS.rejected,
          cause: reason ?? `wave ${header.approvalForWave ?? '?'} was rejected by ${decidedBy}`,
        }),
      );
    }
    return { wave: header.approvalForWave ?? 0 };
  }

  destroy(): void {
    this.sfn.destroy();
  }
}

function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
