import * as fs from 'fs';
import { CONTROL_PLANE_HANDLERS } from '../../lambdas/catalog';
import { ROLLOUT_DEFINITION_FILE, rolloutDefinitionValues } from '../../local/rollout/local-rollout-runner';
import { renderDefinition } from '../../local/stepfunctions';

// asl-validator 4.0.0 ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown, options: Record<string, boolean>) => { isValid: boolean; errorsText?: (separator: string) => string };

const text = fs.readFileSync(ROLLOUT_DEFINITION_FILE, 'utf8');
const definition = JSON.parse(text);

interface State {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ItemProcessor?: { States: Record<string, State> };
  Retry?: unknown[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [[name, state] as [string, State], ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : [])]);
}

const ALLOWED_SERVICE_RESOURCES = [
  'arn:aws:states:::codebuild:startBuild.sync',
  'arn:aws:states:::events:putEvents',
  'arn:aws:states:::aws-sdk:ssm:getParameter',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
];

describe('rollout definition', () => {
  test('is valid ASL after substitution', () => {
    const substituted = JSON.parse(renderDefinition(text, rolloutDefinitionValues({ prefix: 'tenantform', region: 'eu-west-1', accountId: '123456789012' })));
    const result = aslValidator(substituted, { checkArn: true, checkPaths: true });
    expect(result.errorsText?.('\n') ?? '').toBe('');
    expect(result.isValid).toBe(true);
  });

  test('task resources are on the allow list', () => {
    const catalog = new Set<string>(CONTROL_PLANE_HANDLERS.map((handler) => handler.id));
    for (const [name, state] of allStates(definition.States)) {
      if (state.Type !== 'Task') {
        continue;
      }
      const lambda = /^\$\{Function:([a-z0-9-]+)\}$/.exec(state.Resource ?? '');
      if (lambda) {
        expect({ name, handler: lambda[1], catalogued: catalog.has(lambda[1]) }).toEqual({ name, handler: lambda[1], catalogued: true });
      } else {
        expect({ name, resource: state.Resource, allowed: ALLOWED_SERVICE_RESOURCES.includes(state.Resource ?? '') }).toEqual({ name, resource: state.Resource, allowed: true });
      }
    }
  });

  test('approval gate invokes a catalogued handler', () => {
    const gate = allStates(definition.States).find(([, state]) => state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(gate).toBeDefined();
    const functionName = (gate?.[1].Parameters?.FunctionName as string) ?? '';
    expect(functionName).toBe('${Function:rollout-request-approval}');
    expect((gate?.[1].Parameters?.Payload as Record<string, string>)['taskToken.$']).toBe('$$.Task.Token');
  });

  test('every task retries and state names are unique', () => {
    const names = allStates(definition.States).map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const [name, state] of allStates(definition.States)) {
      if (state.Type === 'Task') {
        expect({ name, retries: (state.Retry ?? []).length > 0 }).toEqual({ name, retries: true });
      }
    }
  });

  test('tenant failures are caught inside the wave', () => {
    const wave = definition.States['Run wave'] as State;
    expect(wave.Type).toBe('Map');
    expect((wave as unknown as { MaxConcurrencyPath: string }).MaxConcurrencyPath).toBe('$.concurrency');
    const apply = wave.ItemProcessor?.States['Apply tenant template'];
    expect(apply?.Catch?.[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Record tenant failure' });
    const claim = wave.ItemProcessor?.States['Claim tenant'];
    expect(claim?.Catch?.[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Record tenant failure' });
  });

  test('job runs the update action', () => {
    const apply = definition.States['Run wave'].ItemProcessor.States['Apply tenant template'];
    const variables = apply.Parameters.EnvironmentVariablesOverride as { Name: string; Value?: string }[];
    expect(variables.find((variable) => variable.Name === 'JOB_ACTION')?.Value).toBe('update');
    expect(variables.map((variable) => variable.Name).sort()).toEqual(['ADMIN_EMAIL', 'JOB_ACTION', 'TEMPLATE_VERSION', 'TENANT_ID', 'TENANT_NAME', 'TIER']);
  });

  test('unknown placeholder is reported', () => {
    expect(() => renderDefinition('{"a":"${RolloutBus}"}', rolloutDefinitionValues({ prefix: 'x' }))).toThrow('unknown placeholder ${RolloutBus}');
  });
});

describe('approval gate permissions', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deriveStateMachineStatements } = require('../../constructs/control-plane/state-machine-permissions') as typeof import('../../constructs/control-plane/state-machine-permissions');
  const targets = {
    region: 'us-east-1',
    accountId: '123456789012',
    placeholders: {
      EventBusName: 'bus',
      ControlPlaneSource: 'cp',
      ApplicationPlaneSource: 'ap',
      TenantsTable: 'tenants',
      ProvisioningProjectName: 'project',
      TemplateVersionParameter: '/tenantform/control-plane/tenant-template-version',
    },
    functionArn: (id: string) => `arn:aws:lambda:us-east-1:123456789012:function:tenantform-${id}`,
    eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/bus',
    provisioningProjectArn: 'arn:aws:codebuild:us-east-1:123456789012:project/project',
  };

  test('waitForTaskToken invokes only the named function', () => {
    const statements = deriveStateMachineStatements(definition, targets, 'rollout.asl.json');
    const invoke = statements.find((statement) => statement.actions.includes('lambda:InvokeFunction'));
    expect(invoke?.resources).toContain('arn:aws:lambda:us-east-1:123456789012:function:tenantform-rollout-request-approval');
    expect(statements.flatMap((statement) => statement.actions)).not.toContain('states:SendTaskSuccess');
  });

  test('function name from the input is refused', () => {
    const gate = {
      StartAt: 'Gate',
      States: {
        Gate: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { 'FunctionName.$': '$.name', Payload: {} }, End: true },
      },
    };
    expect(() => deriveStateMachineStatements(gate, targets, 'gate.asl.json')).toThrow('takes FunctionName from the input');
  });
});

describe('local callback binding', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bindTaskStates } = require('../../local/stepfunctions/task-bindings') as typeof import('../../local/stepfunctions/task-bindings');
  const gate = {
    StartAt: 'Gate',
    States: { Gate: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'f', Payload: {} }, End: true } },
  };

  test('missing binding names the state', () => {
    expect(() => bindTaskStates(gate, 'tenantform', {})).toThrow('Task state "Gate" waits for a task token, but no waitForTaskToken binding was given');
  });

  test('plain error becomes States.TaskFailed', async () => {
    const handlers = bindTaskStates(gate, 'tenantform', { waitForTaskToken: async () => Promise.reject(new Error('gate broke')) });
    await expect(handlers.Gate({})).rejects.toMatchObject({ name: 'States.TaskFailed', message: 'gate broke' });
  });
});
