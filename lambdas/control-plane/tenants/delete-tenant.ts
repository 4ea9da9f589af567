/**
 * `DELETE /tenants/{tenantId}`: moves the tenant to DEPROVISIONING with a conditional write
 * and emits `sbt_aws_offboardingRequest`, then returns 202. The record is kept: the registry
 * updater marks it DELETED when offboarding succeeds. When the event is not accepted, the
 * tenant becomes DEPROVISION_FAILED with the reason, from which a retried DELETE starts again.
 */
import { ALLOWED_TRANSITIONS } from '../../shared/tenant';
import { ConflictError, HttpError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { logger } from '../../shared/powertools';
import { transitionTenantStatus, trimStatusReason } from '../../shared/registry';
import { requestLifecycleOperation, statusConflict } from './lifecycle-request';
import { requireTenant, tenantPath } from './tenant-view';

export const handler = apiHandler({ name: 'tenants-delete', path: tenantPath }, async ({ path, annotate }) => {
  const tenant = await requireTenant(path.tenantId);
  annotate({ tenantId: tenant.tenantId, tier: tenant.tier });

  const allowed = ALLOWED_TRANSITIONS.DEPROVISIONING;
  const deprovisioning = await transitionTenantStatus(tenant.tenantId, 'DEPROVISIONING', { from: allowed, remove: ['statusReason'] });
  if (!deprovisioning) {
    const current = await requireTenant(tenant.tenantId);
    if (current.status === 'DELETED' || current.status === 'DEPROVISIONING') {
      throw new ConflictError(`tenant ${current.tenantId} is already ${current.status}`, 'status');
    }
    throw statusConflict(current, allowed, 'deleted');
  }

  try {
    await requestLifecycleOperation('sbt_aws_offboardingRequest', deprovisioning);
  } catch (error) {
    logger.error('offboarding request was not sent; marking the tenant DEPROVISION_FAILED', error as Error);
    const reason = trimStatusReason(`the offboarding request could not be sent: ${(error as Error).message}`);
    await transitionTenantStatus(tenant.tenantId, 'DEPROVISION_FAILED', { from: ['DEPROVISIONING'], set: { statusReason: reason } });
    throw new HttpError(500, 'the offboarding request could not be sent, so the tenant is DEPROVISION_FAILED; retry the request');
  }
  return jsonResponse(202, { tenantId: tenant.tenantId, status: 'DEPROVISIONING' });
});
