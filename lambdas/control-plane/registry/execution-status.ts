/**
 * Reads the `aws.states` "Step Functions Execution Status Change" events of the lifecycle
 * state machines. Their `detail.input` is the execution input as a JSON string, which is
 * the EventBridge request event that started the execution, so it names the tenant and the
 * operation.
 */
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../../../config/naming';
import { DETAIL_TYPES, DetailType } from '../../shared/events';
import { InvalidEventError } from './invalid-event-error';

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
export const FAILED_EXECUTION_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

const executionDetail = z.object({
  executionArn: z.string().min(1),
  stateMachineArn: z.string().min(1),
  name: z.string().optional(),
  status: z.string().min(1),
  input: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  cause: z.string().nullable().optional(),
});

export interface FailedExecution {
  readonly tenantId: string;
  /** Detail type of the request event that started the execution. */
  readonly requestType: DetailType;
  readonly status: string;
  /** Reason the execution ended, stored as the tenant's `statusReason`. */
  readonly reason: string;
  readonly executionArn: string;
}

/**
 * Parses the detail of an execution status change. Returns `undefined` for a status that
 * is not a failure. Throws `InvalidEventError` naming the field when the detail or its
 * execution input cannot identify the tenant.
 */
export function parseFailedExecution(detail: unknown): FailedExecution | undefined {
  const parsed = executionDetail.safeParse(detail);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['detail', ...issue.path.map(String)].join('.');
    throw new InvalidEventError(`${field} is invalid: ${issue.message}`, field);
  }
  const execution = parsed.data;
  if (!(FAILED_EXECUTION_STATUSES as readonly string[]).includes(execution.status)) {
    return undefined;
  }
  if (!execution.input) {
    throw new InvalidEventError(
      `detail.input is missing for execution ${execution.executionArn}; EventBridge leaves it out when the input is too large, so find the tenant from the execution history`,
      'detail.input',
    );
  }

  let input: unknown;
  try {
    input = JSON.parse(execution.input);
  } catch {
    throw new InvalidEventError(`detail.input of execution ${execution.executionArn} is not JSON`, 'detail.input');
  }
  const request = input as { 'detail-type'?: unknown; detail?: { tenantId?: unknown } } | null;
  const requestType = request?.['detail-type'];
  if (typeof requestType !== 'string' || !(Object.values(DETAIL_TYPES) as string[]).includes(requestType)) {
    throw new InvalidEventError(
      `detail.input.detail-type ${JSON.stringify(requestType)} of execution ${execution.executionArn} is not a lifecycle request`,
      'detail.input.detail-type',
    );
  }
  const tenantId = request?.detail?.tenantId;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new InvalidEventError(
      `detail.input.detail.tenantId ${JSON.stringify(tenantId)} of execution ${execution.executionArn} is not a tenant id`,
      'detail.input.detail.tenantId',
    );
  }

  const machine = execution.stateMachineArn.split(':').pop();
  const explanation = [execution.error, execution.cause].filter((part): part is string => typeof part === 'string' && part.length > 0).join(': ');
  return {
    tenantId,
    requestType: requestType as DetailType,
    status: execution.status,
    reason: `state machine ${machine} execution ${execution.name ?? execution.executionArn} ended ${execution.status}${explanation ? `: ${explanation}` : ''}`,
    executionArn: execution.executionArn,
  };
}
