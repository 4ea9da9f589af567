/**
 * The context of every command action: its options merged with the global ones, the output,
 * and the target, opened on first use and closed when the action ends. `runCommand` turns the
 * action's outcome into the exit code and prints errors for people (and, with --json, as a
 * JSON document on stdout).
 */
import type { Command } from 'commander';
import type { PlatformConfig } from '../../config/platform-config';
import { EXIT_SUCCESS, exitCodeOf, OperationError } from '../errors';
import { Output, OutputStreams } from '../output';
import type { RunState } from '../program';
import type { Target } from '../targets/target';
import { TENANT_ID_PATTERN } from '../../config/naming';
import { TenantRecord, tenantNameKey } from '../../lambdas/shared/tenant';

export interface GlobalOptions {
  readonly target: 'local' | 'aws';
  readonly stateDir?: string;
  readonly config?: string;
  readonly awsConfig?: string;
  readonly json?: boolean;
}

export class CommandContext {
  readonly output: Output;
  private opened: Target | undefined;

  constructor(
    readonly options: GlobalOptions,
    streams: OutputStreams,
    /** The command as typed, such as `tenants list`, recorded in the state directory lock. */
    readonly commandName: string,
  ) {
    this.output = new Output(options.json === true, streams);
  }

  async config(): Promise<PlatformConfig> {
    const { loadPlatformConfig } = await import('../../config/platform-config');
    return loadPlatformConfig(this.options.config);
  }

  /** Opens the target on first use; the local target locks its state directory here. */
  async target(): Promise<Target> {
    if (this.opened) {
      return this.opened;
    }
    const config = await this.config();
    if (this.options.target === 'aws') {
      const { AwsTarget } = await import('../targets/aws/aws-target');
      const { resolveAwsSettingsFile } = await import('../targets/aws/aws-settings');
      this.opened = new AwsTarget({ config, settingsFile: resolveAwsSettingsFile(this.options.awsConfig) });
    } else {
      const { LocalTarget } = await import('../targets/local-target');
      const { resolveStateDirectory } = await import('../../local/sandbox/state-directory');
      this.opened = await LocalTarget.open({
        config,
        stateDirectory: resolveStateDirectory(this.options.stateDir),
        commandName: this.commandName,
        progress: (message) => this.output.progress(message),
      });
    }
    return this.opened;
  }

  /** Reads the tenant that `reference` names, by id first and then by name. */
  async resolveTenant(reference: string): Promise<TenantRecord> {
    const target = await this.target();
    const byId = TENANT_ID_PATTERN.test(reference) ? await target.getTenant(reference) : undefined;
    const tenant = byId ?? (await target.findTenantByName(reference)) ?? (await this.findDeletedTenantByName(reference));
    if (!tenant) {
      throw new OperationError(
        `tenant ${JSON.stringify(reference)} was not found by id or by name; list tenants with "tenantform tenants list"`,
        'tenant',
      );
    }
    return tenant;
  }

  /**
   * Finds an offboarded tenant by name. Offboarding releases the name, so the name index no
   * longer leads to the kept DELETED record; the DELETED tenants are paged through instead.
   * Several offboarded tenants may have held one name, and then the reference is ambiguous.
   */
  private async findDeletedTenantByName(reference: string): Promise<TenantRecord | undefined> {
    const target = await this.target();
    const wanted = tenantNameKey(reference);
    const matches: TenantRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await target.controlPlane.call<{ tenants: TenantRecord[]; nextCursor?: string }>('tenants-list', {
        query: { status: 'DELETED', limit: '100', cursor },
      });
      matches.push(...page.body.tenants.filter((tenant) => tenantNameKey(tenant.tenantName) === wanted));
      cursor = page.body.nextCursor;
    } while (cursor);

    if (matches.length > 1) {
      throw new OperationError(
        `${matches.length} offboarded tenants were named ${JSON.stringify(reference)} (${matches.map((tenant) => tenant.tenantId).join(', ')}); name one by its id`,
        'tenant',
      );
    }
    return matches[0];
  }

  async close(): Promise<void> {
    const target = this.opened;
    this.opened = undefined;
    await target?.close();
  }
}

export type CommandAction<O> = (context: CommandContext, options: O) => Promise<number | void>;

/** Runs `action` for `command`, printing any error and recording the exit code in `run`. */
export async function runCommand<O>(command: Command, streams: OutputStreams, run: RunState, action: CommandAction<O>): Promise<void> {
  const options = command.optsWithGlobals() as GlobalOptions & O;
  const context = new CommandContext(options, streams, commandPath(command));
  try {
    const code = await action(context, options);
    run.exitCode = code ?? EXIT_SUCCESS;
  } catch (error) {
    reportError(context.output, error);
    run.exitCode = exitCodeOf(error);
  } finally {
    try {
      await context.close();
    } catch (error) {
      context.output.error(`stopping the target failed: ${(error as Error).message}`);
    }
  }
}

function reportError(output: Output, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  const field = failure instanceof OperationError ? failure.field : undefined;
  output.error(failure.message);
  if (process.env.TENANTFORM_DEBUG === '1' && failure.stack) {
    output.progress(failure.stack);
  }
  if (output.json) {
    output.result({ error: { message: failure.message, ...(field ? { field } : {}), type: failure.name } }, () => '');
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current && current.parent; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(' ');
}
