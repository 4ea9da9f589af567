/**
 * `POST /tenant-registrations`: registers a tenant and requests its onboarding.
 *
 * The body is `{tenantName, email, tier, contactName?}`, or the SBT-AWS shape
 * `{tenantData: {...same fields}, tenantRegistrationData?: {}}`. The handler reserves the
 * name, writes the tenant as PENDING and emits `sbt_aws_onboardingRequest`. dynalite has no
 * transactions, so each later step undoes the earlier ones when it fails:
 * - the tenant write fails: the name reservation is released;
 * - the event is not accepted: the tenant becomes PROVISION_FAILED with the reason (so a
 *   late onboarding cannot start, because onboarding moves only PENDING tenants) and the
 *   name is released, so the caller can retry the same registration.
 */
import { randomBytes, randomUUID } from 'crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { documentClient } from '../../shared/aws-clients';
import { publishEvent } from '../../shared/event-publisher';
import { ConflictError, HttpError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { logger, metrics } from '../../shared/powertools';
import { tenantsTableName, transitionTenantStatus, trimStatusReason } from '../../shared/registry';
import { TenantRecord, tenantNameKey } from '../../shared/tenant';
import { contactNameSchema, emailSchema, findConfiguredTier, tenantNameSchema, tierNameSchema } from '../../shared/tenant-fields';
import { releaseTenantName, reserveTenantName } from '../../shared/tenant-names';
import { parseInput } from '../../shared/validation';

const tenantData = z.strictObject({
  tenantName: tenantNameSchema,
  email: emailSchema,
  tier: tierNameSchema,
  contactName: contactNameSchema.optional(),
});

const sbtRegistration = z.strictObject({
  tenantData,
  // SBT-AWS sends registration metadata here; this control plane stores none, so only {} is accepted.
  tenantRegistrationData: z.strictObject({}).optional(),
});

type Registration = z.infer<typeof tenantData>;

/** Parses either body shape; the SBT shape is recognised by its `tenantData` field. */
function parseRegistration(body: Record<string, unknown>): Registration {
  if ('tenantData' in body) {
    return parseInput(sbtRegistration, body).tenantData;
  }
  return parseInput(tenantData, body);
}

export const handler = apiHandler(
  { name: 'registration-create', body: z.record(z.string(), z.unknown()) },
  async ({ body, annotate }) => {
    const registration = parseRegistration(body);
    const fieldPrefix = 'tenantData' in body ? 'tenantData.' : '';
    const tier = findConfiguredTier(registration.tier, `${fieldPrefix}tier`);

    const tenantId = randomBytes(8).toString('hex');
    const tenantRegistrationId = randomUUID();
    annotate({ tenantId, tier: tier.name });

    if (!(await reserveTenantName(registration.tenantName, tenantId))) {
      throw new ConflictError(`tenant name ${JSON.stringify(registration.tenantName)} is already registered`, `${fieldPrefix}tenantName`);
    }

    const now = new Date().toISOString();
    const record: TenantRecord = {
      tenantId,
      tenantName: registration.tenantName,
      tenantNameKey: tenantNameKey(registration.tenantName),
      email: registration.email,
      tier: tier.name,
      model: tier.model,
      status: 'PENDING',
      tenantRegistrationId,
      listPartition: 'TENANT',
      createdAt: now,
      updatedAt: now,
      ...(registration.contactName !== undefined ? { contactName: registration.contactName } : {}),
    };
    await writeTenant(record);
    await requestOnboarding(record);

    metrics.addMetric('TenantsRegistered', MetricUnit.Count, 1);
    logger.info('tenant registered', { tenantRegistrationId });
    return jsonResponse(201, { tenantId, tenantRegistrationId, status: 'PENDING' }, { location: `/tenants/${tenantId}` });
  },
);

/** Writes the new tenant, releasing its name reservation when the write fails. */
async function writeTenant(record: TenantRecord): Promise<void> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tenantsTableName(),
        Item: record,
        ConditionExpression: 'attribute_not_exists(#tenantId)',
        ExpressionAttributeNames: { '#tenantId': 'tenantId' },
      }),
    );
  } catch (error) {
    logger.error('tenant write failed; releasing the name reservation', error as Error);
    await releaseQuietly(record);
    throw error;
  }
}

/**
 * Emits `sbt_aws_onboardingRequest`. When the bus does not accept it, marks the tenant
 * PROVISION_FAILED, releases the name and throws a 500 whose message requests a retry.
 * When the tenant has already left PENDING, onboarding received the event, so the
 * registration stands.
 */
async function requestOnboarding(record: TenantRecord): Promise<void> {
  try {
    await publishEvent('sbt_aws_onboardingRequest', {
      tenantId: record.tenantId,
      tenantRegistrationId: record.tenantRegistrationId,
      tenantName: record.tenantName,
      email: record.email,
      tier: record.tier,
    });
    return;
  } catch (error) {
    logger.error('onboarding request was not sent; marking the tenant PROVISION_FAILED', error as Error);
    const reason = trimStatusReason(`the onboarding request could not be sent: ${(error as Error).message}`);
    let marked: TenantRecord | undefined;
    try {
      marked = await transitionTenantStatus(record.tenantId, 'PROVISION_FAILED', { from: ['PENDING'], set: { statusReason: reason } });
    } catch (markError) {
      // NOTE: the tenant stays PENDING with its name reserved, so a retry with the same name gets 409 until an operator removes both items.
      logger.error('marking the tenant PROVISION_FAILED failed; the tenant stays PENDING', markError as Error);
      throw markError;
    }
    if (!marked) {
      // Only onboarding moves a PENDING tenant, so the event did reach the bus despite the error.
      logger.warn('onboarding request reported an error but onboarding has started; keeping the registration');
      return;
    }
    await releaseQuietly(record);
    throw new HttpError(500, 'the onboarding request could not be sent, so the registration was rolled back; retry the request');
  }
}

async function releaseQuietly(record: TenantRecord): Promise<void> {
  try {
    await releaseTenantName(record.tenantName, record.tenantId);
  } catch (error) {
    // A reservation whose tenant was never written is taken over after STALE_RESERVATION_MS.
    logger.error('releasing the name reservation failed', error as Error);
  }
}
