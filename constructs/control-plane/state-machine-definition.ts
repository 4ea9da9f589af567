/**
 * Loads a state machine's Amazon States Language file and substitutes its placeholders.
 * The files under `statemachines/` name deployment-specific values as `${Name}` or
 * `${Function:<handler-id>}`; the stack puts Terraform references in their place and the
 * local runner puts local values. An unknown placeholder or handler id is an error, so a
 * typo fails the synth instead of reaching Step Functions as a literal string.
 */
import * as fs from 'fs';
import { ALL_HANDLERS } from '../../lambdas/catalog';

/** Placeholders other than `${Function:<handler-id>}`, which every definition may use. */
export const STATE_MACHINE_PLACEHOLDERS = [
  'EventBusName',
  'ControlPlaneSource',
  'ApplicationPlaneSource',
  'TenantsTable',
  'ProvisioningProjectName',
  'TemplateVersionParameter',
] as const;

export type StateMachinePlaceholder = (typeof STATE_MACHINE_PLACEHOLDERS)[number];

export interface DefinitionValues {
  readonly placeholders: Readonly<Record<StateMachinePlaceholder, string>>;
  /** Returns the Lambda ARN of a catalog handler. */
  functionArn(handlerId: string): string;
}

export interface LoadedDefinition {
  /** The file as written, parsed; placeholders are still in it. */
  readonly template: AslDefinition;
  /** The definition with every placeholder replaced, as JSON text. */
  readonly definition: string;
  /** Handler ids named by `${Function:<id>}`, in order of first use. */
  readonly functionIds: readonly string[];
}

/** The parts of an ASL document that the stack reads. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly [key: string]: unknown;
}

export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Arguments?: Readonly<Record<string, unknown>>;
  readonly Branches?: readonly AslDefinition[];
  readonly Iterator?: AslDefinition;
  readonly ItemProcessor?: AslDefinition;
  readonly [key: string]: unknown;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const FUNCTION_PLACEHOLDER = /^Function:(.+)$/;

/** Reads `file`, checks that it is an ASL document, and substitutes its placeholders. */
export function loadStateMachineDefinition(file: string, values: DefinitionValues): LoadedDefinition {
  if (!fs.existsSync(file)) {
    throw new Error(`state machine definition "${file}" does not exist`);
  }
  const text = fs.readFileSync(file, 'utf8');

  let template: AslDefinition;
  try {
    template = JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new Error(`state machine definition "${file}" is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof template !== 'object' || template === null || typeof template.StartAt !== 'string' || typeof template.States !== 'object') {
    throw new Error(`state machine definition "${file}" has no StartAt and States; it must be an Amazon States Language document`);
  }

  const functionIds: string[] = [];
  const knownHandlers = new Set(ALL_HANDLERS.map((handler) => handler.id));
  const definition = text.replace(PLACEHOLDER, (_match, name: string) => {
    const functionMatch = FUNCTION_PLACEHOLDER.exec(name);
    if (functionMatch) {
      const handlerId = functionMatch[1];
      if (!knownHandlers.has(handlerId)) {
        throw new Error(`state machine definition "${file}" uses \${Function:${handlerId}}, but "${handlerId}" is not in lambdas/catalog.ts`);
      }
      if (!functionIds.includes(handlerId)) {
        functionIds.push(handlerId);
      }
      return values.functionArn(handlerId);
    }
    if (!(STATE_MACHINE_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new Error(
        `state machine definition "${file}" uses unknown placeholder \${${name}}; ` +
          `known placeholders are ${STATE_MACHINE_PLACEHOLDERS.map((known) => `\${${known}}`).join(', ')} and \${Function:<handler-id>}`,
      );
    }
    return escapeForJsonString(values.placeholders[name as StateMachinePlaceholder]);
  });

  return { template, definition, functionIds };
}

/** Escapes a value for use inside a JSON string literal, since placeholders sit inside quotes. */
function escapeForJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
