/**
 * `tenantform tenants ...`: onboard, list, show, offboard, activate and deactivate tenants.
 * Every change goes through the control plane's own handlers.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FINAL_STATUSES, TENANT_STATUSES, TenantRecord, TenantStatus } from '../../lambdas/shared/tenant';
import { EXIT_FAILURE, EXIT_SUCCESS, OperationError, UsageError } from '../errors';
import type { OutputStreams } from '../output';
import type { RunState } from '../program';
import { renderTenant, renderTenantTable, tenantJson } from '../render/tenants';
import { CommandContext, runCommand } from './command-context';

/** Default number of tenants a batch onboards at the same time. */
export const DEFAULT_CONCURRENCY = 4;
/** Default time running tenants get to finish after Ctrl-C, in seconds. */
const DEFAULT_INTERRUPT_GRACE_SECONDS = 120;

interface OnboardOptions {
  readonly name?: string;
  readonly email?: string;
  readonly tier?: string;
  readonly file?: string;
  readonly wait: boolean;
  readonly concurrency: number;
  readonly interruptGrace: number;
}

export function registerTenantCommands(program: Command, streams: OutputStreams, run: RunState): void {
  const tenants = program.command('tenants').description('onboard, list and change tenants');

  tenants
    .command('onboard')
    .description('register tenants and onboard them through the lifecycle state machines')
    .option('--name <name>', 'tenant name, unique ignoring case')
    .option('--email <email>', "email address of the tenant's first admin user")
    .option('--tier <tier>', 'tier of the tenant, such as BASIC or PLATINUM')
    .option('--file <file>', 'JSON file with an array of {"tenantName", "email", "tier"} objects; existing tenants are reported, failed ones retried')
    .option('--no-wait', 'return once each tenant is registered instead of waiting for onboarding to finish')
    .addOption(new Option('--concurrency <n>', 'tenants a --file batch onboards at the same time').argParser(positiveInteger).default(DEFAULT_CONCURRENCY))
    .addOption(interruptGraceOption())
    .option('--json', 'print the result as JSON on stdout')
    .action((_options, command: Command) =>
      runCommand<OnboardOptions>(command, streams, run, (context, options) => onboard(context, options, command.getOptionValueSource('concurrency') === 'cli')),
    );

  tenants
    .command('list')
    .description('list tenants, newest first')
    .option('--status <status>', 'only tenants in this status, such as ACTIVE or PROVISION_FAILED')
    .option('--tier <tier>', 'only tenants of this tier')
    .option('--json', 'print the tenants as JSON on stdout')
    .action((_options, command: Command) => runCommand<{ status?: string; tier?: string }>(command, streams, run, list));

  tenants
    .command('show')
    .description('show one tenant, with its outputs and the reason of a failure')
    .argument('<tenant>', 'tenant id or name')
    .option('--json', 'print the tenant as JSON on stdout')
    .action((reference: string, _options, command: Command) => runCommand(command, streams, run, (context) => show(context, reference)));

  const lifecycleCommands = [
    {
      name: 'offboard',
      noun: 'offboarding',
      description: 'remove a tenant: its pooled data and users, or its silo stack; the record is kept as DELETED',
      handler: 'tenants-delete',
      expected: 'DELETED',
    },
    {
      name: 'activate',
      noun: 'activation',
      description: 'activate an INACTIVE tenant: enable its API key and users',
      handler: 'tenants-activate',
      expected: 'ACTIVE',
    },
    {
      name: 'deactivate',
      noun: 'deactivation',
      description: 'deactivate an ACTIVE tenant: disable its API key and users',
      handler: 'tenants-deactivate',
      expected: 'INACTIVE',
    },
  ] as const;
  for (const lifecycle of lifecycleCommands) {
    tenants
      .command(lifecycle.name)
      .description(lifecycle.description)
      .argument('<tenant>', 'tenant id or name')
      .option('--no-wait', 'return once the request is accepted instead of waiting for it to finish')
      .addOption(interruptGraceOption())
      .option('--json', 'print the tenant as JSON on stdout')
      .action((reference: string, _options, command: Command) =>
        runCommand<{ wait: boolean; interruptGrace: number }>(command, streams, run, async (context, options) => {
          const before = await context.resolveTenant(reference);
          const target = await context.target();
          await target.prepareLifecycle();
          await target.controlPlane.call(lifecycle.handler, { pathParameters: { tenantId: before.tenantId } });
          context.output.progress(`${lifecycle.noun} of tenant ${before.tenantName} (${before.tenantId}) requested`);
          return finish(context, before.tenantId, {
            wait: options.wait,
            operation: lifecycle.name,
            expected: lifecycle.expected,
            before,
            interruptGraceMs: options.interruptGrace * 1000,
          });
        }),
      );
  }
}

async function onboard(context: CommandContext, options: OnboardOptions, concurrencyGiven: boolean): Promise<number> {
  const single = options.name !== undefined || options.email !== undefined || options.tier !== undefined;
  if (single && options.file !== undefined) {
    throw new UsageError('give either --file or --name, --email and --tier, not both');
  }
  if (!single && options.file === undefined) {
    throw new UsageError('give --name, --email and --tier for one tenant, or --file for a batch');
  }
  if (options.file !== undefined) {
    const { onboardFile } = await import('../onboarding/onboard-file');
    return onboardFile(context, options.file, options);
  }
  if (concurrencyGiven) {
    throw new UsageError('--concurrency applies to a --file batch only; one tenant is onboarded by itself');
  }
  const missing = (['name', 'email', 'tier'] as const).filter((option) => options[option] === undefined).map((option) => `--${option}`);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.join(' and ')}: one tenant needs --name, --email and --tier`);
  }

  const request = { tenantName: options.name, email: options.email, tier: options.tier };
  const target = await context.target();
  const interruptGraceMs = options.interruptGrace * 1000;
  const failed = await target.findTenantByName(request.tenantName as string);
  if (failed?.status === 'PROVISION_FAILED') {
    return retryFailed(context, failed, request, { wait: options.wait, interruptGraceMs });
  }

  const { registerTenant } = await import('../onboarding/onboard-tenant');
  const tenant = await registerTenant(target, request).catch((error: unknown) => {
    throw withOptionHint(error);
  });
  context.output.progress(`registered tenant ${tenant.tenantName} as ${tenant.tenantId} (${tenant.tier}, ${tenant.model}); onboarding requested`);
  return finish(context, tenant.tenantId, { wait: options.wait, operation: 'onboarding', expected: 'ACTIVE', interruptGraceMs });
}

/**
 * Retries the onboarding of a PROVISION_FAILED tenant when the request repeats its email and
 * tier. A request that differs is rejected, because a retry keeps the registered values.
 */
async function retryFailed(
  context: CommandContext,
  failed: TenantRecord,
  request: { readonly email?: string; readonly tier?: string },
  options: { readonly wait: boolean; readonly interruptGraceMs: number },
): Promise<number> {
  const { registrationDifferences } = await import('../onboarding/onboard-tenant');
  const differences = registrationDifferences(failed, request);
  if (differences.length > 0) {
    throw new OperationError(
      `tenant ${JSON.stringify(failed.tenantName)} (id ${failed.tenantId}) failed to onboard and is kept as PROVISION_FAILED, but its ${differences.join(' and its ')}. ` +
        `Run the command again with --email ${failed.email} --tier ${failed.tier} to retry it, or offboard it with "tenantform tenants offboard ${failed.tenantId}" first`,
      'tenantName',
      409,
    );
  }

  const target = await context.target();
  context.output.progress(`tenant ${failed.tenantName} (${failed.tenantId}) failed to onboard before: ${failed.statusReason ?? 'no reason was recorded'}`);
  const retried = await target.retryOnboarding(failed);
  if (!retried) {
    context.output.progress(`tenant ${failed.tenantId} is no longer PROVISION_FAILED; another command retried it first`);
  } else {
    context.output.progress(`onboarding of tenant ${failed.tenantName} (${failed.tenantId}) requested again`);
  }
  return finish(context, failed.tenantId, { wait: options.wait, operation: 'onboarding', expected: 'ACTIVE', before: failed, interruptGraceMs: options.interruptGraceMs });
}

/** The command-line option that sets each field of a registration request or list filter. */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = { tenantName: '--name', email: '--email', tier: '--tier', status: '--status' };

/** Adds the option to set to a validation error that names a request field. */
function withOptionHint(error: unknown): unknown {
  if (!(error instanceof OperationError) || !error.field || !OPTION_OF_FIELD[error.field] || error.statusCode !== 400) {
    return error;
  }
  const option = OPTION_OF_FIELD[error.field];
  return new OperationError(`${error.message}; set it with ${option}`, error.field, error.statusCode);
}

interface FinishOptions {
  readonly wait: boolean;
  readonly operation: string;
  /** Status the operation succeeds with. */
  readonly expected: TenantStatus;
  /** The record before the request; the wait ends only once the record has changed. */
  readonly before?: TenantRecord;
  readonly interruptGraceMs: number;
}

/**
 * Prints the tenant once the operation is done, or at once with `wait` false. Returns exit
 * code 1 when the tenant did not reach the expected status. The local engines run in this
 * process, so without `wait` it still stays until the operation is done before it exits.
 */
async function finish(context: CommandContext, tenantId: string, options: FinishOptions): Promise<number> {
  const target = await context.target();
  const { waitWithInterrupts } = await import('../onboarding/interrupt');
  const isDone = (tenant: TenantRecord) => FINAL_STATUSES.includes(tenant.status) && tenant.updatedAt !== options.before?.updatedAt;

  if (!options.wait) {
    const tenant = await target.getTenant(tenantId);
    if (!tenant) {
      throw new OperationError(`tenant ${tenantId} cannot be read back from the registry`, 'tenant');
    }
    context.output.result(tenantJson(tenant), () => renderTenant(tenant));
    if (target.kind === 'local') {
      context.output.progress('the local engines run inside this process, so it exits once the operation is done');
      await waitWithInterrupts(context.output, target, tenantId, isDone, options.interruptGraceMs);
    }
    return EXIT_SUCCESS;
  }

  const { tenant } = await waitWithInterrupts(context.output, target, tenantId, isDone, options.interruptGraceMs);
  context.output.result(tenantJson(tenant), () => renderTenant(tenant));
  if (tenant.status !== options.expected) {
    const reason = tenant.statusReason ?? (isDone(tenant) ? 'no reason was recorded' : 'the operation did not finish; see "tenantform executions list"');
    context.output.error(`${options.operation} of tenant ${tenant.tenantId} ended ${tenant.status}, not ${options.expected}: ${reason}`);
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}

async function list(context: CommandContext, options: { status?: string; tier?: string }): Promise<void> {
  const target = await context.target();
  const tenants: TenantRecord[] = [];
  let cursor: string | undefined;
  do {
    // Statuses are fixed upper-case names, so the filter takes any case. Tier names are
    // case-sensitive, as the platform configuration sets them.
    const page = await target.controlPlane
      .call<{ tenants: TenantRecord[]; nextCursor?: string }>('tenants-list', {
        query: { status: knownStatus(options.status), tier: options.tier, limit: '100', cursor },
      })
      .catch((error: unknown) => {
        throw withOptionHint(error);
      });
    tenants.push(...page.body.tenants);
    cursor = page.body.nextCursor;
  } while (cursor);

  context.output.result(tenants.map(tenantJson), () => renderTenantTable(tenants));
}

/** Returns the status named by `value` in any case, or `value` itself for the API to reject. */
function knownStatus(value: string | undefined): string | undefined {
  return TENANT_STATUSES.find((status) => status === value?.toUpperCase()) ?? value;
}

async function show(context: CommandContext, reference: string): Promise<void> {
  const tenant = await context.resolveTenant(reference);
  context.output.result(tenantJson(tenant), () => renderTenant(tenant));
}

function interruptGraceOption(): Option {
  return new Option('--interrupt-grace <seconds>', 'after Ctrl-C, seconds running operations get to finish before they are marked failed')
    .argParser(positiveInteger)
    .default(DEFAULT_INTERRUPT_GRACE_SECONDS);
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
  }
  return parsed;
}
