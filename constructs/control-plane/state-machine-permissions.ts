/**
 * Derives a state machine role's IAM statements from its definition: each Task state's
 * resource maps to the actions that integration calls, on the exact resources it names.
 * A Task resource without a mapping is an error that names the state, so a new service
 * integration cannot ship with a guessed or a wildcard policy.
 */
import type { PolicyStatement } from '../shared/iam';
import type { AslDefinition, AslState, StateMachinePlaceholder } from './state-machine-definition';

export interface PermissionTargets {
  readonly region: string;
  readonly accountId: string;
  /** Placeholder values, as substituted into the definition. */
  readonly placeholders: Readonly<Record<StateMachinePlaceholder, string>>;
  functionArn(handlerId: string): string;
  readonly eventBusArn: string;
  readonly provisioningProjectArn: string;
}

interface TaskContext {
  readonly stateName: string;
  readonly state: AslState;
  readonly targets: PermissionTargets;
  readonly file: string;
}

type TaskMapping = (context: TaskContext) => PolicyStatement[];

const FUNCTION_RESOURCE = /^\$\{Function:([^}]+)\}$/;

/** The rule that Step Functions creates in the account to learn when a synchronous CodeBuild job ends. */
const CODEBUILD_SYNC_RULE = 'StepFunctionsGetEventsForCodeBuildStartBuildRule';

/** Mappings of optimised and SDK integrations, keyed by the Task state's `Resource`. */
export const TASK_RESOURCE_MAPPINGS: Readonly<Record<string, TaskMapping>> = {
  'arn:aws:states:::lambda:invoke': (context) => {
    const functionName = parameter(context, 'FunctionName');
    return [{ actions: ['lambda:InvokeFunction'], resources: [functionArnOf(context, functionName)] }];
  },

  // The callback pattern: Step Functions invokes the function with a task token and waits
  // for SendTaskSuccess or SendTaskFailure, which need no permission on this role.
  'arn:aws:states:::lambda:invoke.waitForTaskToken': (context) => {
    const functionName = parameter(context, 'FunctionName');
    return [{ actions: ['lambda:InvokeFunction'], resources: [functionArnOf(context, functionName)] }];
  },

  'arn:aws:states:::events:putEvents': (context) => {
    const entries = parameter(context, 'Entries');
    if (!Array.isArray(entries) || entries.length === 0) {
      throw taskError(context, 'has no Parameters.Entries list');
    }
    for (const entry of entries as Record<string, unknown>[]) {
      if (entry.EventBusName !== '${EventBusName}') {
        throw taskError(context, `sends to event bus ${JSON.stringify(entry.EventBusName ?? entry['EventBusName.$'])}; use \${EventBusName}, the platform bus`);
      }
    }
    return [{ actions: ['events:PutEvents'], resources: [context.targets.eventBusArn] }];
  },

  'arn:aws:states:::codebuild:startBuild.sync': (context) => {
    const projectName = parameter(context, 'ProjectName');
    if (projectName !== '${ProvisioningProjectName}') {
      throw taskError(context, `starts project ${JSON.stringify(projectName)}; use \${ProvisioningProjectName}`);
    }
    const { region, accountId } = context.targets;
    return [
      {
        actions: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'],
        resources: [context.targets.provisioningProjectArn],
      },
      {
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [`arn:aws:events:${region}:${accountId}:rule/${CODEBUILD_SYNC_RULE}`],
      },
    ];
  },

  'arn:aws:states:::aws-sdk:ssm:getParameter': (context) => {
    const name = parameter(context, 'Name');
    const resolved = resolveParameterName(context, name);
    const { region, accountId } = context.targets;
    return [{ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:${region}:${accountId}:parameter${resolved}`] }];
  },
};

/**
 * Walks every Task state of `definition`, including those inside Map and Parallel states,
 * and returns the statements their integrations need, merged by action list.
 */
export function deriveStateMachineStatements(definition: AslDefinition, targets: PermissionTargets, file: string): PolicyStatement[] {
  // Each read of a function's `.arn` is a new token string, so one ARN per handler id lets
  // the merge below drop repeats of the same function.
  const arns = new Map<string, string>();
  const cachedTargets: PermissionTargets = {
    ...targets,
    functionArn: (handlerId) => {
      const arn = arns.get(handlerId) ?? targets.functionArn(handlerId);
      arns.set(handlerId, arn);
      return arn;
    },
  };

  const statements: PolicyStatement[] = [];
  for (const [stateName, state] of allStates(definition)) {
    if (state.Type !== 'Task') {
      continue;
    }
    statements.push(...statementsForTask({ stateName, state, targets: cachedTargets, file }));
  }
  return mergeStatements(statements);
}

function statementsForTask(context: TaskContext): PolicyStatement[] {
  const resource = context.state.Resource;
  if (typeof resource !== 'string') {
    throw taskError(context, 'has no Resource');
  }
  const functionMatch = FUNCTION_RESOURCE.exec(resource);
  if (functionMatch) {
    return [{ actions: ['lambda:InvokeFunction'], resources: [context.targets.functionArn(functionMatch[1])] }];
  }
  const mapping = TASK_RESOURCE_MAPPINGS[resource];
  if (!mapping) {
    throw taskError(
      context,
      `uses resource "${resource}", which has no IAM mapping; add one to TASK_RESOURCE_MAPPINGS in constructs/control-plane/state-machine-permissions.ts`,
    );
  }
  return mapping(context);
}

/** Lists `[name, state]` for every state, descending into Parallel branches and Map processors. */
export function allStates(definition: AslDefinition): [string, AslState][] {
  const found: [string, AslState][] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    found.push([name, state]);
    for (const branch of state.Branches ?? []) {
      found.push(...allStates(branch));
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) {
      found.push(...allStates(processor));
    }
  }
  return found;
}

function parameter(context: TaskContext, name: string): unknown {
  const parameters = context.state.Parameters ?? context.state.Arguments ?? {};
  if (`${name}.$` in parameters) {
    throw taskError(context, `takes ${name} from the input ("${name}.$"), so its IAM resource cannot be known at synth time; name it with a placeholder`);
  }
  if (!(name in parameters)) {
    throw taskError(context, `has no Parameters.${name}`);
  }
  return parameters[name];
}

function functionArnOf(context: TaskContext, value: unknown): string {
  const match = typeof value === 'string' ? FUNCTION_RESOURCE.exec(value) : null;
  if (!match) {
    throw taskError(context, `invokes function ${JSON.stringify(value)}; name it as \${Function:<handler-id>}`);
  }
  return context.targets.functionArn(match[1]);
}

function resolveParameterName(context: TaskContext, name: unknown): string {
  if (typeof name !== 'string') {
    throw taskError(context, `reads parameter ${JSON.stringify(name)}, which is not a string`);
  }
  const placeholder = /^\$\{(\w+)\}$/.exec(name);
  const resolved = placeholder ? context.targets.placeholders[placeholder[1] as StateMachinePlaceholder] : name;
  if (typeof resolved !== 'string' || !resolved.startsWith('/')) {
    throw taskError(context, `reads parameter ${JSON.stringify(name)}; use a placeholder or a full path that starts with "/"`);
  }
  return resolved;
}

function taskError(context: TaskContext, problem: string): Error {
  return new Error(`state "${context.stateName}" in "${context.file}" ${problem}`);
}

/** Merges statements with the same actions into one statement over all their resources. */
function mergeStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const byActions = new Map<string, { actions: readonly string[]; resources: string[] }>();
  for (const statement of statements) {
    const key = [...statement.actions].sort().join(',');
    const entry = byActions.get(key) ?? { actions: statement.actions, resources: [] };
    for (const resource of statement.resources ?? []) {
      if (!entry.resources.includes(resource)) {
        entry.resources.push(resource);
      }
    }
    byActions.set(key, entry);
  }
  return [...byActions.values()].map((entry) => ({ actions: entry.actions, resources: entry.resources }));
}
