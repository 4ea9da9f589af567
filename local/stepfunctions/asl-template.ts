/**
 * The placeholders of the ASL files under `statemachines/` and their substitution with
 * local values. `${Function:<handler-id>}` names a catalog handler; the others name
 * deployment values. An unknown placeholder or handler id is an error.
 */
import * as fs from 'fs';
import { ALL_HANDLERS } from '../../lambdas/catalog';
import { ResourceNames } from '../../config/naming';
import type { PlatformConfig } from '../../config/platform-config';
import { templateVersionParameterName } from '../../constructs/shared/platform-parameters';
import { STATE_MACHINE_PLACEHOLDERS, StateMachinePlaceholder } from '../../constructs/control-plane/state-machine-definition';

/** Placeholders other than `${Function:<handler-id>}`: the same list the stack substitutes. */
export const ASL_PLACEHOLDERS = STATE_MACHINE_PLACEHOLDERS;

export type AslPlaceholder = StateMachinePlaceholder;

export interface LocalDefinitionValues {
  readonly placeholders: Readonly<Record<AslPlaceholder, string>>;
  readonly region: string;
  readonly accountId: string;
  /** Prefix of local function names; a function ARN ends in `function:<prefix>-<handler id>`. */
  readonly prefix: string;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const FUNCTION_PLACEHOLDER = /^Function:(.+)$/;

/** Placeholder names used in an ASL text, each once, such as `Function:lifecycle-transition`. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/** Local ARN of a catalog handler. */
export function localFunctionArn(values: Pick<LocalDefinitionValues, 'region' | 'accountId' | 'prefix'>, handlerId: string): string {
  return `arn:aws:lambda:${values.region}:${values.accountId}:function:${values.prefix}-${handlerId}`;
}

/** Substitutes every placeholder of `text`; `source` names the file in errors. */
export function renderDefinition(text: string, values: LocalDefinitionValues, source = 'definition'): string {
  const knownHandlers = new Set(ALL_HANDLERS.map((handler) => handler.id));
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const functionMatch = FUNCTION_PLACEHOLDER.exec(name);
    if (functionMatch) {
      if (!knownHandlers.has(functionMatch[1])) {
        throw new Error(`${source} uses \${Function:${functionMatch[1]}}, but "${functionMatch[1]}" is not a handler id of lambdas/catalog.ts`);
      }
      return localFunctionArn(values, functionMatch[1]);
    }
    if (!(ASL_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new Error(`${source} uses unknown placeholder \${${name}}; known placeholders are ${ASL_PLACEHOLDERS.join(', ')} and Function:<handler-id>`);
    }
    // Placeholders sit inside JSON strings, so the value is escaped as a string's content.
    return JSON.stringify(values.placeholders[name as AslPlaceholder]).slice(1, -1);
  });
}

/** Reads and substitutes an ASL file; returns the parsed definition. */
export function loadDefinition(file: string, values: LocalDefinitionValues): Record<string, unknown> {
  if (!fs.existsSync(file)) {
    throw new Error(`state machine definition "${file}" does not exist`);
  }
  const rendered = renderDefinition(fs.readFileSync(file, 'utf8'), values, `state machine definition "${file}"`);
  try {
    return JSON.parse(rendered) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`state machine definition "${file}" is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Local values derived from the platform configuration, with the names the control-plane
 * stack gives the same resources.
 */
export function localDefinitionValues(config: PlatformConfig, overrides: Partial<Record<AslPlaceholder, string>> = {}): LocalDefinitionValues {
  const names = new ResourceNames(config.prefix);
  return {
    region: config.region,
    accountId: config.accountId,
    prefix: config.prefix,
    placeholders: {
      EventBusName: names.eventBus,
      ControlPlaneSource: config.eventSources.controlPlane,
      ApplicationPlaneSource: config.eventSources.applicationPlane,
      TenantsTable: names.tenantsTable,
      ProvisioningProjectName: names.provisioningProject,
      TemplateVersionParameter: templateVersionParameterName(config.prefix),
      ...overrides,
    },
  };
}
