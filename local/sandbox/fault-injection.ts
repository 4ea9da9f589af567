/**
 * Fault injection for tests of the sandbox's failure paths. Both hooks are inert unless
 * their variable is set, and each names the tenants it applies to by id or name:
 *
 * - `TENANTFORM_FAULT_TERRAFORM=<tenant>[,<tenant>...]`: the provisioning job of those
 *   tenants fails with a real Terraform error, because `TF_CLI_ARGS_plan` passes plan a
 *   variable that the tenant template does not declare.
 * - `TENANTFORM_FAULT_HANDLER=<handler-id>:<tenant>[,<handler-id>:<tenant>...]`: that
 *   catalog handler throws `InjectedFault` when the state machine invokes it for the tenant.
 */
import { ALL_HANDLERS } from '../../lambdas/catalog';

export const TERRAFORM_FAULT_ENV = 'TENANTFORM_FAULT_TERRAFORM';
export const HANDLER_FAULT_ENV = 'TENANTFORM_FAULT_HANDLER';

/** Variable name that `TF_CLI_ARGS_plan` assigns, which no template declares. */
export const INJECTED_TERRAFORM_VARIABLE = 'tenantform_injected_fault';

export interface TenantIdentity {
  readonly tenantId?: string;
  readonly tenantName?: string;
}

/** Extra job environment that makes `terraform plan` fail for the tenant, or undefined. */
export function terraformFaultEnvironment(tenant: TenantIdentity, env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  const targets = listOf(env[TERRAFORM_FAULT_ENV]);
  if (!targets.some((target) => matches(target, tenant))) {
    return undefined;
  }
  return { TF_CLI_ARGS_plan: `-var=${INJECTED_TERRAFORM_VARIABLE}=1` };
}

export class InjectedFault extends Error {
  constructor(handlerId: string, tenant: string) {
    super(`${HANDLER_FAULT_ENV} makes ${handlerId} fail for tenant ${tenant}`);
    this.name = 'InjectedFault';
  }
}

/**
 * Throws when `TENANTFORM_FAULT_HANDLER` has an entry that could never match, such as a
 * missing `:` or an unknown handler id, so that a typo does not pass as a run without faults.
 */
export function checkFaultSettings(env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  for (const fault of listOf(env[HANDLER_FAULT_ENV])) {
    const separator = fault.indexOf(':');
    const handlerId = separator > 0 ? fault.slice(0, separator) : '';
    if (separator <= 0 || fault.slice(separator + 1).trim() === '') {
      problems.push(`entry ${JSON.stringify(fault)} must have the form <handler-id>:<tenant id or name>`);
    } else if (!ALL_HANDLERS.some((handler) => handler.id === handlerId)) {
      problems.push(`handler ${JSON.stringify(handlerId)} in entry ${JSON.stringify(fault)} is not a handler id; ids are listed in lambdas/catalog.ts`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`${HANDLER_FAULT_ENV} is invalid: ${problems.join('; ')}`);
  }
}

/** Throws `InjectedFault` when the handler fault hook names this handler and the tenant in `payload`. */
export function checkHandlerFault(handlerId: string, payload: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const faults = listOf(env[HANDLER_FAULT_ENV]);
  if (faults.length === 0) {
    return;
  }
  const tenant = tenantOf(payload);
  for (const fault of faults) {
    const separator = fault.indexOf(':');
    if (separator > 0 && fault.slice(0, separator) === handlerId && matches(fault.slice(separator + 1), tenant)) {
      throw new InjectedFault(handlerId, fault.slice(separator + 1));
    }
  }
}

/** The first `tenantId` and `tenantName` found anywhere in a handler payload. */
export function tenantOf(payload: unknown): TenantIdentity {
  const found: { tenantId?: string; tenantName?: string } = {};
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || typeof value !== 'object' || value === null) {
      return;
    }
    for (const [key, field] of Object.entries(value)) {
      if (key === 'tenantId' && typeof field === 'string') {
        found.tenantId ??= field;
      } else if (key === 'tenantName' && typeof field === 'string') {
        found.tenantName ??= field;
      } else {
        visit(field, depth + 1);
      }
    }
  };
  visit(payload, 0);
  return found;
}

function matches(target: string, tenant: TenantIdentity): boolean {
  const wanted = target.trim().toLowerCase();
  return wanted !== '' && (tenant.tenantId === wanted || tenant.tenantName?.trim().toLowerCase() === wanted);
}

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
