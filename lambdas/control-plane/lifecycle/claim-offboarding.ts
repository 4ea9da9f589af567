/**
 * Claims the offboarding of a DEPROVISIONING tenant for one execution. The DELETE API has
 * already moved the tenant to DEPROVISIONING; this conditional write records the event id
 * and the execution ARN, so a second delivery of the same event finds the event claimed
 * and ends quietly. A retry inside the same execution finds its own claim and goes on.
 * A new offboarding request after DEPROVISION_FAILED carries a new event id, so it can
 * claim the tenant again.
 */
import type { Context } from 'aws-lambda';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { documentClient } from '../../shared/aws-clients';
import { configuredTiers } from '../../shared/environment';
import { logger } from '../../shared/powertools';
import { getTenant, isConditionalCheckFailure, tenantsTableName } from '../../shared/registry';
import { TenantOutputs, TenantRecord } from '../../shared/tenant';
import { executionIdSchema, MissingSettingError, parseLifecycleInput, startInvocation, TenantNotFoundError, TenantStatusError } from './lifecycle-handler';

const HANDLER_ID = 'lifecycle-claim-offboarding';

const inputSchema = z.object({
  request: z.object({ tenantId: z.string().min(1), eventId: z.string() }),
  executionId: executionIdSchema,
});

/** Fields of the registry record that the offboarding machine reads. */
export interface OffboardingTenant {
  readonly tenantId: string;
  readonly tenantRegistrationId: string;
  readonly tenantName: string;
  readonly email: string;
  readonly tier: string;
  readonly model: 'pool' | 'silo';
  /** Template version the silo stack was built from, or `null` when the registry has none. */
  readonly templateVersion: string | null;
  readonly outputs: TenantOutputs;
}

export type ClaimResult = { readonly claimed: true; readonly tenant: OffboardingTenant } | { readonly claimed: false; readonly status: string };

export const handler = async (input: unknown, context?: Context): Promise<ClaimResult> => {
  const { request, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  const { tenantId } = request;
  // An execution started without an event (by hand, for example) claims with its own ARN.
  const claimKey = request.eventId || executionId;
  startInvocation(context, { tenantId, executionId });

  const claimed = await claim(tenantId, claimKey, executionId);
  if (claimed) {
    logger.appendKeys({ tier: claimed.tier });
    logger.info('offboarding claimed', { eventId: claimKey });
    return { claimed: true, tenant: offboardingTenant(claimed) };
  }

  const current = await getTenant(tenantId);
  if (!current) {
    throw new TenantNotFoundError(tenantId);
  }
  logger.appendKeys({ tier: current.tier });

  const sameEvent = current.offboardingEventId === claimKey;
  if (current.status === 'DELETED' || sameEvent) {
    logger.info('duplicate delivery ignored', { tenantId, status: current.status, executionId, claimedBy: current.offboardingExecution });
    return { claimed: false, status: current.status };
  }
  throw new TenantStatusError(
    `tenant "${tenantId}" is ${current.status}; offboarding starts only from DEPROVISIONING, which the DELETE request sets`,
  );
};

async function claim(tenantId: string, claimKey: string, executionId: string): Promise<TenantRecord | undefined> {
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tenantsTableName(),
        Key: { tenantId },
        UpdateExpression: 'SET #eventId = :eventId, #execution = :execution, #lastExecution = :execution, #updatedAt = :now',
        // NOTE: a different event id may claim a tenant that another execution still
        // offboards; the DELETE API emits one request per move to DEPROVISIONING.
        ConditionExpression:
          'attribute_exists(#tenantId) AND #status = :deprovisioning AND ' +
          '(attribute_not_exists(#eventId) OR #eventId <> :eventId OR #execution = :execution)',
        ExpressionAttributeNames: {
          '#tenantId': 'tenantId',
          '#status': 'status',
          '#eventId': 'offboardingEventId',
          '#execution': 'offboardingExecution',
          '#lastExecution': 'lastExecutionArn',
          '#updatedAt': 'updatedAt',
        },
        ExpressionAttributeValues: {
          ':eventId': claimKey,
          ':execution': executionId,
          ':deprovisioning': 'DEPROVISIONING',
          ':now': new Date().toISOString(),
        },
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

function offboardingTenant(record: TenantRecord): OffboardingTenant {
  return {
    tenantId: record.tenantId,
    tenantRegistrationId: record.tenantRegistrationId,
    tenantName: record.tenantName,
    email: record.email,
    tier: record.tier,
    model: record.model ?? modelOfTier(record.tier),
    templateVersion: record.templateVersion ?? stringOutput(record.outputs, 'templateVersion') ?? null,
    outputs: record.outputs ?? {},
  };
}

function modelOfTier(tier: string): 'pool' | 'silo' {
  const match = configuredTiers().find((candidate) => candidate.name === tier);
  if (!match) {
    throw new MissingSettingError(`tier "${tier}" of the tenant is not a configured tier, so its tenancy model is unknown`);
  }
  return match.model;
}

function stringOutput(outputs: TenantOutputs | undefined, name: string): string | undefined {
  const value = outputs?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
