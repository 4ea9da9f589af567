/** Text forms of tenants for `tenants list`, `tenants show` and the onboarding summary. */
import type { TenantOutputs, TenantRecord } from '../../lambdas/shared/tenant';
import type { OnboardingOutcome } from '../onboarding/onboard-tenant';
import { renderFields, renderTable } from '../output';

/** The tenant as the CLI returns it with --json: the registry record without its index keys. */
export function tenantJson(tenant: TenantRecord): Record<string, unknown> {
  const { listPartition: _partition, tenantNameKey: _nameKey, ...view } = tenant;
  return view;
}

export function renderTenantTable(tenants: readonly TenantRecord[]): string {
  if (tenants.length === 0) {
    return 'No tenants.';
  }
  return renderTable(tenants, [
    { header: 'ID', value: (tenant) => tenant.tenantId },
    { header: 'NAME', value: (tenant) => tenant.tenantName },
    { header: 'TIER', value: (tenant) => tenant.tier },
    { header: 'MODEL', value: (tenant) => tenant.model },
    { header: 'STATUS', value: (tenant) => tenant.status },
    { header: 'CREATED', value: (tenant) => tenant.createdAt.replace(/\.\d{3}Z$/, 'Z') },
  ]);
}

export function renderTenant(tenant: TenantRecord): string {
  const fields = renderFields([
    ['ID', tenant.tenantId],
    ['Name', tenant.tenantName],
    ['Email', tenant.email],
    ['Tier', tenant.tier],
    ['Model', tenant.model],
    ['Status', tenant.status],
    ['Reason', tenant.statusReason],
    ['Registration', tenant.tenantRegistrationId],
    ['Template version', tenant.templateVersion],
    ['Created', tenant.createdAt],
    ['Updated', tenant.updatedAt],
  ]);
  const outputs = Object.entries(tenant.outputs ?? {}).filter(([, value]) => value !== undefined);
  if (outputs.length === 0) {
    return fields;
  }
  const outputLines = outputs.map(([name, value]) => `  ${name}: ${String(value)}`);
  // The registry keeps a deleted tenant's last outputs for audit; the resources are gone.
  if (tenant.status === 'DELETED') {
    return [fields, 'Outputs before offboarding (these resources were removed):', ...outputLines].join('\n');
  }
  const note = tenant.outputs?.planned ? ['  (planned by the local sandbox with terraform plan; nothing was deployed)'] : [];
  return [fields, 'Outputs:', ...outputLines, ...note].join('\n');
}

/** One-line summary of a tenant's outputs for tables, marking planned silo stacks. */
export function summariseOutputs(outputs: TenantOutputs | undefined): string {
  if (!outputs) {
    return '';
  }
  const parts: string[] = [];
  if (outputs.planned) {
    parts.push('planned, not deployed');
  }
  for (const key of ['apiKeyId', 'userPoolId', 'apiUrl']) {
    const value = outputs[key];
    if (typeof value === 'string' && value !== '') {
      parts.push(`${key}=${value}`);
    }
  }
  return parts.join(', ');
}

/** Renders the summary table of a batch. */
export function renderOutcomeTable(outcomes: readonly OnboardingOutcome[]): string {
  return renderTable(outcomes, [
    { header: '#', value: (outcome) => String(outcome.index ?? '') },
    { header: 'NAME', value: (outcome) => String(outcome.tenant?.tenantName ?? outcome.request.tenantName ?? '') },
    { header: 'ID', value: (outcome) => outcome.tenant?.tenantId ?? '' },
    { header: 'TIER', value: (outcome) => outcome.tenant?.tier ?? String(outcome.request.tier ?? '') },
    { header: 'MODEL', value: (outcome) => outcome.tenant?.model ?? '' },
    { header: 'STATUS', value: (outcome) => outcome.tenant?.status ?? '' },
    { header: 'RESULT', value: (outcome) => outcome.result },
    {
      header: 'OUTPUTS / REASON',
      value: (outcome) => (outcome.tenant?.status === 'ACTIVE' || outcome.tenant?.status === 'INACTIVE' ? summariseOutputs(outcome.tenant.outputs) : outcome.message ?? ''),
    },
  ]);
}
