import * as fs from 'fs';
import * as path from 'path';
import { ALL_HANDLERS } from '../../lambdas/catalog';
import { ASL_PLACEHOLDERS, placeholdersIn, renderDefinition } from '../../local/stepfunctions/asl-template';
import { DEFINITION_VALUES, STATE_MACHINE_DIR } from './support/lifecycle-harness';

// asl-validator 4.0.0 ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (
  definition: unknown,
  options: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText: (separator: string) => string };

const FILES = ['onboarding', 'offboarding', 'activation'].map((name) => path.join(STATE_MACHINE_DIR, `${name}.asl.json`));

/** Task resources the stack can derive IAM permissions for. */
const ALLOWED_RESOURCES = [
  /^\$\{Function:[a-z0-9-]+\}$/,
  /^arn:aws:states:::events:putEvents$/,
  /^arn:aws:states:::codebuild:startBuild\.sync$/,
  /^arn:aws:states:::aws-sdk:ssm:getParameter$/,
];

type State = Record<string, unknown> & { Type: string };

function statesOf(file: string): Record<string, State> {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { States: Record<string, State> }).States;
}

/** Collects every `.$` path of a payload template, such as Parameters. */
function pathsIn(template: unknown, found: string[] = []): string[] {
  if (Array.isArray(template)) {
    template.forEach((item) => pathsIn(item, found));
  } else if (template && typeof template === 'object') {
    for (const [key, value] of Object.entries(template)) {
      if (key.endsWith('.$') && typeof value === 'string') {
        found.push(value);
      } else {
        pathsIn(value, found);
      }
    }
  }
  return found;
}

describe.each(FILES)('%s', (file) => {
  const text = fs.readFileSync(file, 'utf8');
  const states = statesOf(file);

  // A placeholder is not an ARN, so the validator checks each file with local values in place.
  it('passes asl-validator', () => {
    const { isValid, errorsText } = aslValidator(JSON.parse(renderDefinition(text, DEFINITION_VALUES)), { checkArn: true, checkPaths: true });
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses only documented placeholders', () => {
    const handlerIds = new Set(ALL_HANDLERS.map((handler) => handler.id));
    for (const name of placeholdersIn(text)) {
      const functionId = /^Function:(.+)$/.exec(name)?.[1];
      if (functionId) {
        expect(handlerIds.has(functionId)).toBe(true);
      } else {
        expect(ASL_PLACEHOLDERS).toContain(name);
      }
    }
  });

  it('uses only allowed task resources', () => {
    for (const [name, state] of Object.entries(states).filter(([, candidate]) => candidate.Type === 'Task')) {
      const resource = String(state.Resource);
      expect({ name, allowed: ALLOWED_RESOURCES.some((pattern) => pattern.test(resource)) }).toEqual({ name, allowed: true });
    }
  });

  it('retries and times out every task', () => {
    for (const [name, state] of Object.entries(states).filter(([, candidate]) => candidate.Type === 'Task')) {
      const retriers = state.Retry as { ErrorEquals: string[]; BackoffRate?: number; JitterStrategy?: string }[];
      expect({ name, retries: Array.isArray(retriers) && retriers.length > 0 }).toEqual({ name, retries: true });
      for (const retrier of retriers) {
        expect({ name, backoff: (retrier.BackoffRate ?? 0) > 1, jitter: retrier.JitterStrategy }).toEqual({ name, backoff: true, jitter: 'FULL' });
      }
      expect({ name, timeout: typeof state.TimeoutSeconds === 'number' }).toEqual({ name, timeout: true });
    }
  });

  it('catches every error of every task', () => {
    for (const [name, state] of Object.entries(states).filter(([, candidate]) => candidate.Type === 'Task')) {
      const catchers = (state.Catch ?? []) as { ErrorEquals: string[]; Next: string }[];
      const catchesAll = catchers.some((catcher) => catcher.ErrorEquals.includes('States.ALL'));
      expect({ name, catchesAll }).toEqual({ name, catchesAll: true });
    }
  });

  it('reads the raw event only in the first state', () => {
    const [first, ...rest] = Object.entries(states);
    expect(first[0]).toBe('Validate event');
    for (const [name, state] of rest) {
      const paths = [...pathsIn(state.Parameters), ...pathsIn(state.ResultSelector)];
      for (const jsonPath of paths) {
        expect({ name, path: jsonPath, readsEvent: /^\$\.(detail|source|id|'detail-type'|\['detail-type'\])/.test(jsonPath) }).toEqual({
          name,
          path: jsonPath,
          readsEvent: false,
        });
      }
    }
  });

  it('ends every failure in a Fail state', () => {
    const failStates = Object.entries(states).filter(([, state]) => state.Type === 'Fail');
    expect(failStates.length).toBeGreaterThanOrEqual(1);
    const emitFailure = Object.entries(states).find(([name]) => /^Emit .* failure$/.test(name));
    expect(emitFailure).toBeDefined();
    expect(states[String(emitFailure![1].Next)].Type).toBe('Fail');
  });
});

describe('onboarding.asl.json', () => {
  const states = statesOf(FILES[0]);

  it('overrides the job environment', () => {
    const variables = (states['Run provisioning job'].Parameters as { EnvironmentVariablesOverride: { Name: string }[] }).EnvironmentVariablesOverride;
    expect(variables.map((variable) => variable.Name)).toEqual(['TENANT_ID', 'TENANT_NAME', 'TIER', 'ADMIN_EMAIL', 'TEMPLATE_VERSION', 'JOB_ACTION']);
  });

  it('falls back to a direct status write', () => {
    const emit = states['Emit provision failure'] as unknown as { Catch: { Next: string }[] };
    expect(emit.Catch[0].Next).toBe('Record failure directly');
    expect(states['Record failure directly'].Parameters).toMatchObject({ to: 'PROVISION_FAILED', from: ['PENDING', 'PROVISIONING'] });
  });
});
