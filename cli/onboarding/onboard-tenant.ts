/**
 * Onboards one tenant through the registration handler and, unless asked not to, waits
 * for the lifecycle to finish. In a batch, a tenant that already exists is reported, and
 * one whose onboarding failed is retried.
 */
import { FINAL_STATUSES, TenantRecord } from '../../lambdas/shared/tenant';
import { OperationError } from '../errors';
import type { Target } from '../targets/target';

export type OnboardingResult =
  /** Registered now. */
  | 'created'
  /** Existed before this run. */
  | 'exists'
  /** Existed as PROVISION_FAILED and was onboarded again. */
  | 'retried'
  /** Rejected by validation or by a conflict; nothing was written. */
  | 'invalid'
  /** Registration or the lifecycle itself failed with an error. */
  | 'error'
  /** Not started, or abandoned, because the batch was interrupted. */
  | 'interrupted';

export interface OnboardingOutcome {
  readonly index?: number;
  readonly request: Readonly<Record<string, unknown>>;
  readonly result: OnboardingResult;
  readonly tenant?: TenantRecord;
  readonly message?: string;
  readonly field?: string;
  readonly durationMs: number;
}

export interface OnboardOptions {
  /** Wait for the lifecycle to reach a final status. */
  readonly wait: boolean;
  /** Report an existing name as `exists` (batch), instead of letting registration reject it. */
  readonly acceptExisting: boolean;
  /** Aborting stops the wait; the tenant is returned in the status last read. */
  readonly signal?: AbortSignal;
}

/** Registers a tenant with the control plane's registration handler and returns the new record. */
export async function registerTenant(target: Target, request: Readonly<Record<string, unknown>>): Promise<TenantRecord> {
  await target.prepareLifecycle();
  let response: { body: { tenantId: string } };
  try {
    response = await target.controlPlane.call<{ tenantId: string }>('registration-create', { body: request });
  } catch (error) {
    throw await describeConflict(target, error, request);
  }

  const tenant = await target.getTenant(response.body.tenantId);
  if (!tenant) {
    throw new OperationError(`tenant ${response.body.tenantId} was registered but cannot be read back from the registry`);
  }
  return tenant;
}

/** Adds the existing tenant's id and status to a name conflict, which the API reports by name only. */
async function describeConflict(target: Target, error: unknown, request: Readonly<Record<string, unknown>>): Promise<unknown> {
  if (!(error instanceof OperationError) || error.statusCode !== 409 || typeof request.tenantName !== 'string') {
    return error;
  }
  const existing = await target.findTenantByName(request.tenantName);
  if (!existing) {
    return error;
  }
  return new OperationError(
    `tenant name ${JSON.stringify(request.tenantName)} is already registered by tenant ${JSON.stringify(existing.tenantName)} ` +
      `(id ${existing.tenantId}, ${existing.status}); names are unique ignoring case, so choose another name`,
    error.field,
    409,
  );
}

export async function onboardTenant(
  target: Target,
  request: Readonly<Record<string, unknown>>,
  options: OnboardOptions,
  index?: number,
): Promise<OnboardingOutcome> {
  const started = Date.now();
  const outcome = (fields: Omit<OnboardingOutcome, 'request' | 'durationMs' | 'index'>): OnboardingOutcome => ({
    ...(index !== undefined ? { index } : {}),
    request,
    durationMs: Date.now() - started,
    ...fields,
  });

  let tenant: TenantRecord;
  let result: OnboardingResult;
  try {
    const existing = options.acceptExisting && typeof request.tenantName === 'string' ? await target.findTenantByName(request.tenantName) : undefined;
    if (existing?.status === 'PROVISION_FAILED') {
      const retried = await target.retryOnboarding(existing);
      tenant = retried ?? (await target.getTenant(existing.tenantId)) ?? existing;
      result = 'retried';
    } else if (existing) {
      tenant = existing;
      result = 'exists';
      if (FINAL_STATUSES.includes(existing.status) || !options.wait) {
        return outcome({ result, tenant, message: existsMessage(existing, request) });
      }
    } else {
      tenant = await registerTenant(target, request);
      result = 'created';
    }
  } catch (error) {
    if (error instanceof OperationError && error.statusCode !== undefined && error.statusCode < 500) {
      return outcome({ result: 'invalid', message: error.message, ...(error.field ? { field: error.field } : {}) });
    }
    return outcome({ result: 'error', message: (error as Error).message });
  }

  if (!options.wait) {
    return outcome({ result, tenant });
  }
  const final = await target.waitForTenant(tenant.tenantId, isFinal, options.signal);
  return outcome({ result, tenant: final, ...(final.statusReason ? { message: final.statusReason } : {}) });
}

export function isFinal(tenant: TenantRecord): boolean {
  return FINAL_STATUSES.includes(tenant.status);
}

/**
 * Lists the registered fields that a request gives another value, such as
 * `tier is "BASIC", not "STANDARD"`. A field the request leaves out is not compared.
 */
export function registrationDifferences(existing: TenantRecord, request: Readonly<Record<string, unknown>>): string[] {
  return (['email', 'tier'] as const)
    .filter((field) => typeof request[field] === 'string' && request[field] !== existing[field])
    .map((field) => `${field} is ${JSON.stringify(existing[field])}, not ${JSON.stringify(request[field])}`);
}

function existsMessage(existing: TenantRecord, request: Readonly<Record<string, unknown>>): string {
  const differences = registrationDifferences(existing, request);
  const base = `already exists as ${existing.tenantId} (${existing.status})`;
  return differences.length > 0 ? `${base}; ${differences.join('; ')}` : base;
}

/** Returns whether an outcome counts as a success for the exit code. */
export function isSuccessful(outcome: OnboardingOutcome, waited: boolean): boolean {
  if (outcome.result === 'invalid' || outcome.result === 'error' || outcome.result === 'interrupted') {
    return false;
  }
  const status = outcome.tenant?.status;
  if (!waited && outcome.result !== 'exists') {
    return status !== undefined;
  }
  return status === 'ACTIVE' || (outcome.result === 'exists' && status === 'INACTIVE');
}
