/**
 * `tenantform state ...`: a silo tenant's Terraform resources. Locally they come from the
 * plan the provisioning job saved (the sandbox stops at plan); on AWS from the tenant's
 * state in the state bucket.
 */
import type { Command } from 'commander';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { OperationError } from '../errors';
import { renderTable, type OutputStreams } from '../output';
import type { RunState } from '../program';
import { findResource, ResourceView, TerraformStateView } from '../state/terraform-state';
import { CommandContext, runCommand } from './command-context';

export function registerStateCommands(program: Command, streams: OutputStreams, run: RunState): void {
  const state = program.command('state').description("inspect a silo tenant's Terraform state or saved plan");

  state
    .command('list')
    .description("list the resources in the tenant's state, or in its saved plan on the local target")
    .argument('<tenant>', 'tenant id or name')
    .option('--json', 'print the resources as JSON on stdout')
    .action((reference: string, _options, command: Command) =>
      runCommand(command, streams, run, async (context) => {
        const view = await readState(context, reference);
        context.output.progress(`${view.kind === 'plan' ? 'planned resources from the saved plan' : 'resources in the state'} at ${view.location}`);
        context.output.result(
          { kind: view.kind, location: view.location, resources: view.resources.map(({ address, type, actions }) => ({ address, type, ...(actions ? { actions } : {}) })) },
          () => renderResourceTable(view),
        );
      }),
    );

  state
    .command('show')
    .description('show the attributes of one resource, as "terraform state show" does')
    .argument('<tenant>', 'tenant id or name')
    .argument('<address>', 'resource address, as "state list" prints it')
    .option('--json', 'print the resource as JSON on stdout')
    .action((reference: string, address: string, _options, command: Command) =>
      runCommand(command, streams, run, async (context) => {
        const view = await readState(context, reference);
        const resource = findResource(view, address);
        if (!resource) {
          throw new OperationError(
            `resource ${JSON.stringify(address)} is not in the ${view.kind} at ${view.location}; list the addresses with "tenantform state list ${shellWord(reference)}"`,
            'address',
          );
        }
        context.output.result({ kind: view.kind, location: view.location, ...resource }, () => renderResource(resource));
      }),
    );
}

async function readState(context: CommandContext, reference: string): Promise<TerraformStateView> {
  const tenant: TenantRecord = await context.resolveTenant(reference);
  const target = await context.target();
  const view = await target.readTerraformState(tenant);
  if (!view) {
    const why =
      tenant.model === 'pool'
        ? `it is a pooled tenant (tier ${tenant.tier}), whose resources live in the shared application plane`
        : `no provisioning job has saved one yet (status ${tenant.status})`;
    throw new OperationError(`tenant ${tenant.tenantName} (${tenant.tenantId}) has no Terraform state: ${why}`, 'tenant');
  }
  return view;
}

function renderResourceTable(view: TerraformStateView): string {
  if (view.resources.length === 0) {
    return 'No resources.';
  }
  if (view.kind === 'state') {
    return view.resources.map((resource) => resource.address).join('\n');
  }
  return renderTable(view.resources, [
    { header: 'ADDRESS', value: (resource) => resource.address },
    { header: 'PLANNED', value: (resource) => (resource.actions ?? []).join(', ') },
  ]);
}

/** Renders attributes in the layout of `terraform state show`. */
export function renderResource(resource: ResourceView): string {
  const lines = [`# ${resource.address}:`, `${resource.mode === 'data' ? 'data ' : ''}resource "${resource.type}" "${resource.name}" {`];
  const keys = Object.keys(resource.attributes).sort();
  const width = Math.max(0, ...keys.map((key) => key.length));
  for (const key of keys) {
    const value = resource.attributes[key];
    if (value === null || value === undefined) {
      continue;
    }
    const text = typeof value === 'string' && value.startsWith('(') && value.endsWith(')') ? value : renderValue(value, '    ');
    lines.push(`    ${key.padEnd(width)} = ${text}`);
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * Renders an attribute value in Terraform's syntax: strings quoted, lists one element a
 * line with a trailing comma, and maps and objects one `"key" = value` a line.
 */
function renderValue(value: unknown, indent: string): string {
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    const elements = value.filter((element) => element !== null && element !== undefined);
    return elements.length === 0 ? '[]' : `[\n${elements.map((element) => `${inner}${renderValue(element, inner)},`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, element]) => element !== null && element !== undefined);
    if (entries.length === 0) {
      return '{}';
    }
    const width = Math.max(...entries.map(([key]) => JSON.stringify(key).length));
    return `{\n${entries.map(([key, element]) => `${inner}${JSON.stringify(key).padEnd(width)} = ${renderValue(element, inner)}`).join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Quotes `value` for a POSIX shell when it contains anything other than safe characters. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
