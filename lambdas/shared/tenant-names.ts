/**
 * Tenant-name reservations in `<prefix>-tenant-names` (name in TENANT_NAMES_TABLE). The
 * partition key is `tenantNameKey`, the trimmed and lowercased name, so a conditional put
 * makes names unique without a scan, and "Acme" and " acme " collide. dynalite has no
 * transactions, so registration reserves the name first, then writes the tenant, and
 * releases the reservation when the second write fails.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { ENV, requireEnv } from './environment';
import { getTenant, isConditionalCheckFailure } from './registry';
import { tenantNameKey } from './tenant';

export interface TenantNameReservation {
  readonly tenantNameKey: string;
  /** The name as the tenant registered it, trimmed. */
  readonly tenantName: string;
  readonly tenantId: string;
  readonly reservedAt: string;
}

/**
 * Age after which a reservation whose tenant record was never written may be taken over.
 * It is the Lambda maximum timeout (15 minutes), so no registration that is still running
 * can lose its reservation between its two writes.
 */
export const STALE_RESERVATION_MS = 15 * 60 * 1000;

export function tenantNamesTableName(): string {
  return requireEnv(ENV.tenantNamesTable);
}

/**
 * Reserves `tenantName` for `tenantId` with a conditional put. Returns true when the
 * reservation was written or already belongs to `tenantId`, false when another tenant has
 * reserved the name. A retry of a failed onboarding calls it to re-reserve a released name. A reservation left by
 * a registration that stopped before it wrote its tenant is taken over once it is older
 * than `STALE_RESERVATION_MS`.
 */
export async function reserveTenantName(tenantName: string, tenantId: string, now = new Date()): Promise<boolean> {
  const reservation: TenantNameReservation = {
    tenantNameKey: tenantNameKey(tenantName),
    tenantName: tenantName.trim(),
    tenantId,
    reservedAt: now.toISOString(),
  };

  if (await putReservation(reservation, 'attribute_not_exists(#key)', { '#key': 'tenantNameKey' }, {})) {
    return true;
  }

  const holder = await findReservation(tenantName);
  if (holder?.tenantId === tenantId) {
    return true;
  }
  if (!holder || !isStale(holder, now) || (await getTenant(holder.tenantId)) !== undefined) {
    return false;
  }
  // The condition pins the stale holder, so two registrations that both found it stale
  // cannot both take it over.
  return putReservation(
    reservation,
    '#tenantId = :holderId AND #reservedAt = :holderReservedAt',
    { '#tenantId': 'tenantId', '#reservedAt': 'reservedAt' },
    { ':holderId': holder.tenantId, ':holderReservedAt': holder.reservedAt },
  );
}

/**
 * Deletes the reservation of `tenantName` if it belongs to `tenantId`. Returns false when
 * the name is not reserved or belongs to another tenant, and leaves that reservation in place.
 */
export async function releaseTenantName(tenantName: string, tenantId: string): Promise<boolean> {
  try {
    await documentClient().send(
      new DeleteCommand({
        TableName: tenantNamesTableName(),
        Key: { tenantNameKey: tenantNameKey(tenantName) },
        ConditionExpression: '#tenantId = :tenantId',
        ExpressionAttributeNames: { '#tenantId': 'tenantId' },
        ExpressionAttributeValues: { ':tenantId': tenantId },
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

/** Reads the reservation of `tenantName` (compared after trimming and lowercasing). */
export async function findReservation(tenantName: string): Promise<TenantNameReservation | undefined> {
  const key = tenantNameKey(tenantName);
  if (key.length === 0) {
    return undefined;
  }
  const result = await documentClient().send(
    new GetCommand({ TableName: tenantNamesTableName(), Key: { tenantNameKey: key }, ConsistentRead: true }),
  );
  return result.Item as TenantNameReservation | undefined;
}

function isStale(reservation: TenantNameReservation, now: Date): boolean {
  const reservedAt = Date.parse(reservation.reservedAt);
  return Number.isFinite(reservedAt) && now.getTime() - reservedAt > STALE_RESERVATION_MS;
}

async function putReservation(
  reservation: TenantNameReservation,
  condition: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tenantNamesTableName(),
        Item: reservation,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
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
