/**
 * Reads and conditional writes of the tenant registry table (`<prefix>-tenants`, name in
 * TENANTS_TABLE). Every status change goes through `transitionTenantStatus`, whose condition
 * expression only lets the tenant move from the statuses `ALLOWED_TRANSITIONS` lists, so a
 * replayed or duplicated event cannot run a transition twice. Every attribute name reaches
 * DynamoDB through `ExpressionAttributeNames`, because names such as `status` are reserved
 * words.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { ENV, requireEnv } from './environment';
import { ALLOWED_TRANSITIONS, MAX_STATUS_REASON_LENGTH, TENANT_STATUSES, TenantRecord, TenantStatus } from './tenant';
import { TENANT_ID_PATTERN } from '../../config/naming';

/** Attributes that identify a tenant or place it in an index; no update may change them. */
const IMMUTABLE_ATTRIBUTES = new Set(['tenantId', 'listPartition', 'createdAt', 'tenantRegistrationId', 'tenantNameKey']);

export function tenantsTableName(): string {
  return requireEnv(ENV.tenantsTable);
}

/**
 * Reads one tenant record, or returns `undefined` when no tenant has that id. An id that
 * does not match `TENANT_ID_PATTERN` cannot exist, so it also returns `undefined` without
 * a read. Reads are strongly consistent unless `consistentRead` is false.
 */
export async function getTenant(tenantId: string, options: { consistentRead?: boolean } = {}): Promise<TenantRecord | undefined> {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    return undefined;
  }
  const result = await documentClient().send(
    new GetCommand({
      TableName: tenantsTableName(),
      Key: { tenantId },
      ConsistentRead: options.consistentRead ?? true,
    }),
  );
  return result.Item as TenantRecord | undefined;
}

export interface TransitionOptions {
  /**
   * Statuses the tenant may move from. Each must be allowed by `ALLOWED_TRANSITIONS[to]`.
   * @default ALLOWED_TRANSITIONS[to]
   */
  readonly from?: readonly TenantStatus[];
  /** Other attributes written in the same update, such as `outputs` or `statusReason`. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Attributes removed in the same update, such as a `statusReason` that no longer applies. */
  readonly remove?: readonly string[];
}

/**
 * Moves tenant `tenantId` to status `to` with one conditional update, and returns the
 * updated record. Returns `undefined` when the condition failed: the tenant does not
 * exist, or its status is not one of `from`. Throws on an invalid `to` or `from`, on an
 * attempt to change an identifying attribute, and on any other DynamoDB error.
 */
export async function transitionTenantStatus(tenantId: string, to: TenantStatus, options: TransitionOptions = {}): Promise<TenantRecord | undefined> {
  if (!TENANT_STATUSES.includes(to)) {
    throw new Error(`tenant status "${String(to)}" is not one of ${TENANT_STATUSES.join(', ')}`);
  }
  const allowed = ALLOWED_TRANSITIONS[to];
  const from = options.from ?? allowed;
  const forbidden = from.filter((status) => !allowed.includes(status));
  if (forbidden.length > 0 || from.length === 0) {
    throw new Error(
      `a tenant cannot move to ${to} from ${from.length === 0 ? 'no status' : forbidden.join(', ')}; ` +
        `allowed statuses are ${allowed.length === 0 ? 'none' : allowed.join(', ')}`,
    );
  }

  return conditionalUpdate(tenantId, { ...options.set, status: to }, options.remove ?? [], from);
}

export interface UpdateTenantOptions {
  /** Attributes to write. `status` is changed only through `transitionTenantStatus`. */
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  /** The update applies only while the tenant is in one of these statuses. */
  readonly whenStatus?: readonly TenantStatus[];
}

/**
 * Writes attributes of an existing tenant without changing its status, and returns the
 * updated record. Returns `undefined` when the tenant does not exist or its status is not
 * one of `whenStatus`.
 */
export async function updateTenantAttributes(tenantId: string, options: UpdateTenantOptions): Promise<TenantRecord | undefined> {
  if (options.set && 'status' in options.set) {
    throw new Error('updateTenantAttributes cannot change "status"; use transitionTenantStatus');
  }
  return conditionalUpdate(tenantId, options.set ?? {}, options.remove ?? [], options.whenStatus);
}

/** Trims a failure reason to the length the registry stores, keeping its start. */
export function trimStatusReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length <= MAX_STATUS_REASON_LENGTH) {
    return trimmed;
  }
  const marker = ' [truncated]';
  return trimmed.slice(0, MAX_STATUS_REASON_LENGTH - marker.length) + marker;
}

async function conditionalUpdate(
  tenantId: string,
  set: Readonly<Record<string, unknown>>,
  remove: readonly string[],
  whenStatus: readonly TenantStatus[] | undefined,
): Promise<TenantRecord | undefined> {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    return undefined;
  }
  const names: Record<string, string> = { '#tenantId': 'tenantId', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':updatedAt': new Date().toISOString() };
  const assignments = ['#updatedAt = :updatedAt'];
  const removals: string[] = [];

  // Attribute names go through placeholders #a0, #a1... because the caller chooses them,
  // and any of them may be a DynamoDB reserved word.
  let index = 0;
  for (const [name, value] of Object.entries(set)) {
    checkWritable(name);
    if (value === undefined) {
      continue;
    }
    names[`#a${index}`] = name;
    values[`:a${index}`] = value;
    assignments.push(`#a${index} = :a${index}`);
    index += 1;
  }
  for (const name of remove) {
    checkWritable(name);
    if (name in set) {
      throw new Error(`attribute "${name}" is both set and removed in one update`);
    }
    names[`#a${index}`] = name;
    removals.push(`#a${index}`);
    index += 1;
  }

  let condition = 'attribute_exists(#tenantId)';
  if (whenStatus !== undefined) {
    if (whenStatus.length === 0) {
      throw new Error('a conditional tenant update needs at least one status in whenStatus');
    }
    names['#currentStatus'] = 'status';
    const placeholders = whenStatus.map((status, position) => {
      values[`:from${position}`] = status;
      return `:from${position}`;
    });
    condition += ` AND #currentStatus IN (${placeholders.join(', ')})`;
  }

  const updateExpression = `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`;
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tenantsTableName(),
        Key: { tenantId },
        UpdateExpression: updateExpression,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as TenantRecord;
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      return undefined;
    }
    throw error;
  }
}

/** True for the error DynamoDB returns when a condition expression is false. */
export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

function checkWritable(name: string): void {
  if (IMMUTABLE_ATTRIBUTES.has(name)) {
    throw new Error(`tenant attribute "${name}" identifies the tenant and cannot be changed`);
  }
  if (name === 'updatedAt') {
    throw new Error('tenant attribute "updatedAt" is set by every update and cannot be given');
  }
  if (name.length === 0 || name.length > 255) {
    throw new Error(`tenant attribute name "${name}" must be 1 to 255 characters`);
  }
}
