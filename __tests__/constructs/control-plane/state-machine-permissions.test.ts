import * as path from 'path';
import { loadStateMachineDefinition, AslDefinition } from '../../../constructs/control-plane/state-machine-definition';
import { allStates, deriveStateMachineStatements, PermissionTargets } from '../../../constructs/control-plane/state-machine-permissions';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'statemachines', 'every-integration.asl.json');
const functionArn = (id: string) => `arn:aws:lambda:us-east-1:123456789012:function:acme-${id}`;

const targets: PermissionTargets = {
  region: 'us-east-1',
  accountId: '123456789012',
  placeholders: {
    EventBusName: 'acme-bus',
    ControlPlaneSource: 'sbt.control.plane',
    ApplicationPlaneSource: 'sbt.application.plane',
    TenantsTable: 'acme-tenants',
    ProvisioningProjectName: 'acme-tenant-provisioning',
    TemplateVersionParameter: '/acme/control-plane/tenant-template-version',
  },
  functionArn,
  eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/acme-bus',
  provisioningProjectArn: 'arn:aws:codebuild:us-east-1:123456789012:project/acme-tenant-provisioning',
};

function fixture(): AslDefinition {
  return loadStateMachineDefinition(FIXTURE, { placeholders: targets.placeholders, functionArn }).template;
}

function single(States: Record<string, unknown>): AslDefinition {
  return { StartAt: Object.keys(States)[0], States } as unknown as AslDefinition;
}

function resourcesFor(statements: ReturnType<typeof deriveStateMachineStatements>, action: string): string[] {
  return statements.filter((statement) => statement.actions.includes(action)).flatMap((statement) => statement.resources ?? []);
}

describe('deriveStateMachineStatements', () => {
  const statements = deriveStateMachineStatements(fixture(), targets, FIXTURE);

  it('invokes exactly the functions the definition names', () => {
    expect(resourcesFor(statements, 'lambda:InvokeFunction').sort()).toEqual(
      [functionArn('lifecycle-create-admin'), functionArn('lifecycle-transition'), functionArn('lifecycle-validate-event')].sort(),
    );
  });

  it('lists a function once when read as new tokens', () => {
    // CDKTF returns a new token string for every `.arn` read, like this counter does.
    let reads = 0;
    const tokenTargets: PermissionTargets = { ...targets, functionArn: (id) => `${functionArn(id)}#read${(reads += 1)}` };
    const derived = deriveStateMachineStatements(fixture(), tokenTargets, FIXTURE);
    expect(resourcesFor(derived, 'lambda:InvokeFunction')).toHaveLength(3);
  });

  it('finds tasks inside Map and Parallel states', () => {
    const names = allStates(fixture()).map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['Transition', 'Create admin', 'Transition again']));
  });

  it('publishes only to the platform bus', () => {
    expect(resourcesFor(statements, 'events:PutEvents')).toEqual([targets.eventBusArn]);
  });

  it('runs and stops builds of the provisioning project only', () => {
    for (const action of ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds']) {
      expect(resourcesFor(statements, action)).toEqual([targets.provisioningProjectArn]);
    }
  });

  it('manages the Step Functions rule for synchronous builds', () => {
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForCodeBuildStartBuildRule';
    for (const action of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']) {
      expect(resourcesFor(statements, action)).toEqual([rule]);
    }
  });

  it('reads the template version parameter', () => {
    expect(resourcesFor(statements, 'ssm:GetParameter')).toEqual([
      'arn:aws:ssm:us-east-1:123456789012:parameter/acme/control-plane/tenant-template-version',
    ]);
  });

  it('grants nothing on a wildcard resource', () => {
    expect(statements.flatMap((statement) => statement.resources ?? [])).not.toContain('*');
  });

  it('merges repeated integrations into one statement', () => {
    expect(statements.filter((statement) => statement.actions.includes('lambda:InvokeFunction'))).toHaveLength(1);
  });

  it('rejects an unmapped integration and names the state', () => {
    const definition = single({ Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } });
    expect(() => deriveStateMachineStatements(definition, targets, 'notify.asl.json')).toThrow(
      'state "Notify" in "notify.asl.json" uses resource "arn:aws:states:::sns:publish", which has no IAM mapping',
    );
  });

  it('rejects an unmapped integration inside a Map', () => {
    const definition = single({
      Each: {
        Type: 'Map',
        Iterator: { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } },
        End: true,
      },
    });
    expect(() => deriveStateMachineStatements(definition, targets, 'map.asl.json')).toThrow('state "Send" in "map.asl.json"');
  });

  it('rejects a parameter name taken from the input', () => {
    const definition = single({
      Read: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:ssm:getParameter', Parameters: { 'Name.$': '$.name' }, End: true },
    });
    expect(() => deriveStateMachineStatements(definition, targets, 'dynamic.asl.json')).toThrow('takes Name from the input ("Name.$")');
  });

  it('rejects a relative parameter name', () => {
    const definition = single({
      Read: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:ssm:getParameter', Parameters: { Name: 'version' }, End: true },
    });
    expect(() => deriveStateMachineStatements(definition, targets, 'relative.asl.json')).toThrow('reads parameter "version"');
  });

  it('accepts a literal parameter path', () => {
    const definition = single({
      Read: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:ssm:getParameter', Parameters: { Name: '/acme/other' }, End: true },
    });
    const derived = deriveStateMachineStatements(definition, targets, 'literal.asl.json');
    expect(resourcesFor(derived, 'ssm:GetParameter')).toEqual(['arn:aws:ssm:us-east-1:123456789012:parameter/acme/other']);
  });

  it('rejects events sent to another bus', () => {
    const definition = single({
      Emit: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Parameters: { Entries: [{ EventBusName: 'default', Source: 'x', DetailType: 'y', Detail: {} }] },
        End: true,
      },
    });
    expect(() => deriveStateMachineStatements(definition, targets, 'bus.asl.json')).toThrow('sends to event bus "default"');
  });

  it('rejects another CodeBuild project', () => {
    const definition = single({
      Build: { Type: 'Task', Resource: 'arn:aws:states:::codebuild:startBuild.sync', Parameters: { ProjectName: 'other' }, End: true },
    });
    expect(() => deriveStateMachineStatements(definition, targets, 'build.asl.json')).toThrow('starts project "other"');
  });

  it('rejects a lambda:invoke without a catalog function', () => {
    const definition = single({
      Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'some-function' }, End: true },
    });
    expect(() => deriveStateMachineStatements(definition, targets, 'call.asl.json')).toThrow('invokes function "some-function"');
  });

  it('rejects a Task without a resource', () => {
    const definition = single({ Nothing: { Type: 'Task', End: true } });
    expect(() => deriveStateMachineStatements(definition, targets, 'empty.asl.json')).toThrow('state "Nothing" in "empty.asl.json" has no Resource');
  });

  it('ignores states that are not tasks', () => {
    const definition = single({ Wait: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Succeed' } });
    expect(deriveStateMachineStatements(definition, targets, 'idle.asl.json')).toEqual([]);
  });
});
