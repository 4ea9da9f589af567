/**
 * Conditional writes of a rollout on the tenant registry. A rollout claims a tenant by
 * moving it from ACTIVE to UPDATING and stamping its id on it. Only the same rollout can
 * release it, so two rollouts (or a rollout and a tier change) never apply Terraform to one
 * tenant at the same time.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/aws-clients';
import { getTenant, isConditionalCheckFailure, tenantsTableName, trimStatusReason } from '../../shared/registry';
import type { TenantRecord } from '../../shared/tenant';

/**
 * Registry attribute that names the rollout holding a tenant in UPDATING.
 *
 * NOTE: on AWS, the claims of an execution that is stopped by hand stay until they are
 * removed by hand; the local sandbox releases them at its next rollout.
 */
export const ROLLOUT_CLAIM_ATTRIBUTE = 'updatingRolloutId';

/** Registry attribute with the version a tenant ran before its last template change. */
export const PREVIOUS_VERSION_ATTRIBUTE = 'previousTemplateVersion';

export type ClaimResult =
  | { readonly claimed: true; readonly tenant: TenantRecord; readonly previousVersion?: string }
  | { readonly claimed: false; readonly reason: string; readonly tenant?: TenantRecord };

/**
 * Claims `tenantId` for `rolloutId` unless it is already at `targetVersion`, is not ACTIVE,
 * or (for a rollback, when `expectedVersion` is set) no longer runs `expectedVersion`.
 * A second call by the same rollout finds its own claim and succeeds again.
 */
export async function claimTenant(tenantId: string, rolloutId: string, targetVersion: string, expectedVersion?: string): Promise<ClaimResult> {
  const tenant = await getTenant(tenantId);
  if (!tenant) {
    return { claimed: false, reason: `tenant ${tenantId} is not in the registry` };
  }
  if (tenant.status === 'UPDATING' && tenant[ROLLOUT_CLAIM_ATTRIBUTE] === rolloutId) {
    return { claimed: true, tenant, previousVersion: tenant.templateVersion };
  }
  const skip = skipReason(tenant, targetVersion, expectedVersion);
  if (skip) {
    return { claimed: false, reason: skip, tenant };
  }

  const names: Record<string, string> = {
    '#status': 'status',
    '#claim': ROLLOUT_CLAIM_ATTRIBUTE,
    '#updatedAt': 'updatedAt',
    '#version': 'templateVersion',
  };
  const values: Record<string, unknown> = { ':active': 'ACTIVE', ':updating': 'UPDATING', ':rolloutId': rolloutId, ':now': new Date().toISOString() };
  // The version read above must still hold, so a concurrent change is not overwritten.
  let versionCondition = 'attribute_not_exists(#version)';
  if (tenant.templateVersion !== undefined) {
    values[':seenVersion'] = tenant.templateVersion;
    versionCondition = '#version = :seenVersion';
  }

  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tenantsTableName(),
        Key: { tenantId },
        UpdateExpression: 'SET #status = :updating, #claim = :rolloutId, #updatedAt = :now',
        ConditionExpression: `#status = :active AND ${versionCondition}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { claimed: true, tenant: result.Attributes as TenantRecord, previousVersion: tenant.templateVersion };
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      const current = await getTenant(tenantId);
      return { claimed: false, reason: `tenant ${tenantId} changed while the rollout claimed it (now ${current?.status ?? 'deleted'}); run the rollout again`, tenant: current };
    }
    throw error;
  }
}

function skipReason(tenant: TenantRecord, targetVersion: string, expectedVersion?: string): string | undefined {
  if (tenant.templateVersion === targetVersion) {
    return `tenant ${tenant.tenantId} already runs version ${targetVersion}`;
  }
  if (tenant.status !== 'ACTIVE') {
    return `tenant ${tenant.tenantId} is ${tenant.status}; only ACTIVE tenants are updated`;
  }
  if (expectedVersion !== undefined && tenant.templateVersion !== expectedVersion) {
    return `tenant ${tenant.tenantId} runs version ${tenant.templateVersion ?? 'unknown'}, not ${expectedVersion}, so a later change is kept`;
  }
  return undefined;
}

export interface ReleaseOutcome {
  readonly succeeded: boolean;
  readonly targetVersion: string;
  readonly previousVersion?: string;
  readonly reason?: string;
  readonly deployedAt: string;
}

/**
 * Returns a tenant claimed by `rolloutId` to ACTIVE. On success it records the new version,
 * the time and the previous version; on failure it keeps the recorded version and stores the
 * reason. Returns false when the tenant is not held by this rollout, which is also the case
 * for a retried call after a successful release.
 */
export async function releaseTenant(tenantId: string, rolloutId: string, outcome: ReleaseOutcome): Promise<boolean> {
  const names: Record<string, string> = { '#status': 'status', '#claim': ROLLOUT_CLAIM_ATTRIBUTE, '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':active': 'ACTIVE', ':updating': 'UPDATING', ':rolloutId': rolloutId, ':now': outcome.deployedAt };
  const assignments = ['#status = :active', '#updatedAt = :now'];
  const removals = ['#claim'];

  if (outcome.succeeded) {
    names['#version'] = 'templateVersion';
    names['#deployedAt'] = 'templateDeployedAt';
    names['#previous'] = PREVIOUS_VERSION_ATTRIBUTE;
    names['#reason'] = 'statusReason';
    values[':version'] = outcome.targetVersion;
    assignments.push('#version = :version', '#deployedAt = :now');
    if (outcome.previousVersion !== undefined) {
      values[':previous'] = outcome.previousVersion;
      assignments.push('#previous = :previous');
    } else {
      removals.push('#previous');
    }
    removals.push('#reason');
  } else {
    names['#reason'] = 'statusReason';
    values[':reason'] = trimStatusReason(`rollout ${rolloutId} failed to apply version ${outcome.targetVersion}: ${outcome.reason ?? 'no reason given'}`);
    assignments.push('#reason = :reason');
  }

  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tenantsTableName(),
        Key: { tenantId },
        UpdateExpression: `SET ${assignments.join(', ')} REMOVE ${removals.join(', ')}`,
        ConditionExpression: '#status = :updating AND #claim = :rolloutId',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      return false;
    }
    throw error;
  }
}
