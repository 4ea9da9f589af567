/**
 * Onboards a tenant whose onboarding failed, with the same registry and event code the
 * control plane uses: a conditional PROVISION_FAILED to PENDING transition, then a new
 * `sbt_aws_onboardingRequest` with the tenant's registration fields.
 */
import { publishEvent } from '../../lambdas/shared/event-publisher';
import { transitionTenantStatus, trimStatusReason } from '../../lambdas/shared/registry';
import { reserveTenantName } from '../../lambdas/shared/tenant-names';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { OperationError } from '../errors';

/**
 * Returns the tenant as PENDING once the request is on the bus, or undefined when the tenant
 * was no longer PROVISION_FAILED (another retry moved it first). When the bus rejects the
 * request, the tenant goes back to PROVISION_FAILED with the reason and this throws.
 */
export async function retryFailedOnboarding(tenant: TenantRecord): Promise<TenantRecord | undefined> {
  // A registration whose onboarding request never reached the bus released its name, so
  // the retry takes it back first and stops if another tenant has registered it since.
  if (!(await reserveTenantName(tenant.tenantName, tenant.tenantId))) {
    throw new OperationError(
      `tenant ${tenant.tenantId} could not be retried: its name "${tenant.tenantName}" is now registered by another tenant`,
    );
  }

  const pending = await transitionTenantStatus(tenant.tenantId, 'PENDING', { from: ['PROVISION_FAILED'], remove: ['statusReason'] });
  if (!pending) {
    return undefined;
  }

  try {
    await publishEvent('sbt_aws_onboardingRequest', {
      tenantId: pending.tenantId,
      tenantRegistrationId: pending.tenantRegistrationId,
      tenantName: pending.tenantName,
      email: pending.email,
      tier: pending.tier,
    });
  } catch (error) {
    const reason = trimStatusReason(`the onboarding request of the retry could not be sent: ${(error as Error).message}`);
    await transitionTenantStatus(tenant.tenantId, 'PROVISION_FAILED', { from: ['PENDING'], set: { statusReason: reason } });
    throw new OperationError(`tenant ${tenant.tenantId} could not be retried: ${reason}`);
  }
  return pending;
}
