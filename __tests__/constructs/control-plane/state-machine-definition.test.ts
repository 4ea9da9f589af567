import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DefinitionValues,
  loadStateMachineDefinition,
  STATE_MACHINE_PLACEHOLDERS,
} from '../../../constructs/control-plane/state-machine-definition';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'statemachines', 'every-integration.asl.json');

const values: DefinitionValues = {
  placeholders: {
    EventBusName: 'acme-bus',
    ControlPlaneSource: 'sbt.control.plane',
    ApplicationPlaneSource: 'sbt.application.plane',
    TenantsTable: 'acme-tenants',
    ProvisioningProjectName: 'acme-tenant-provisioning',
    TemplateVersionParameter: '/acme/control-plane/tenant-template-version',
  },
  functionArn: (id) => `arn:aws:lambda:us-east-1:123456789012:function:acme-${id}`,
};

describe('loadStateMachineDefinition', () => {
  let folder: string;

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-asl-'));
  });

  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  function writeDefinition(name: string, definition: unknown): string {
    const file = path.join(folder, name);
    fs.writeFileSync(file, typeof definition === 'string' ? definition : JSON.stringify(definition));
    return file;
  }

  it('substitutes every placeholder', () => {
    const loaded = loadStateMachineDefinition(FIXTURE, values);
    expect(loaded.definition).not.toMatch(/\$\{/);
    const parsed = JSON.parse(loaded.definition);
    expect(parsed.States.Validate.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:acme-lifecycle-validate-event');
    expect(parsed.States['Read version'].Parameters.Name).toBe('/acme/control-plane/tenant-template-version');
    expect(parsed.States['Run job'].Parameters.ProjectName).toBe('acme-tenant-provisioning');
    const entry = parsed.States.Emit.Parameters.Entries[0];
    expect(entry.EventBusName).toBe('acme-bus');
    expect(entry.Source).toBe('sbt.application.plane');
    expect(entry.Detail.table).toBe('acme-tenants');
    expect(entry.Detail.from).toBe('sbt.control.plane');
  });

  it('lists the functions in order of first use', () => {
    const loaded = loadStateMachineDefinition(FIXTURE, values);
    expect(loaded.functionIds).toEqual(['lifecycle-validate-event', 'lifecycle-transition', 'lifecycle-create-admin']);
  });

  it('keeps the template with its placeholders', () => {
    const loaded = loadStateMachineDefinition(FIXTURE, values);
    expect(loaded.template.States.Validate.Resource).toBe('${Function:lifecycle-validate-event}');
  });

  it('escapes values for a JSON string', () => {
    const quoted = { ...values, placeholders: { ...values.placeholders, EventBusName: 'bus "quoted" \\ name' } };
    const loaded = loadStateMachineDefinition(FIXTURE, quoted);
    expect(JSON.parse(loaded.definition).States.Emit.Parameters.Entries[0].EventBusName).toBe('bus "quoted" \\ name');
  });

  it('rejects an unknown placeholder and names it and the file', () => {
    const file = writeDefinition('typo.asl.json', {
      StartAt: 'Emit',
      States: { Emit: { Type: 'Pass', Parameters: { bus: '${EventBus}' }, End: true } },
    });
    expect(() => loadStateMachineDefinition(file, values)).toThrow(`state machine definition "${file}" uses unknown placeholder \${EventBus}`);
  });

  it('lists the known placeholders in the error', () => {
    const file = writeDefinition('typo.asl.json', { StartAt: 'A', States: { A: { Type: 'Pass', Result: '${Nope}', End: true } } });
    for (const name of STATE_MACHINE_PLACEHOLDERS) {
      expect(() => loadStateMachineDefinition(file, values)).toThrow(`\${${name}}`);
    }
  });

  it('rejects a function that is not in the catalog', () => {
    const file = writeDefinition('unknown.asl.json', { StartAt: 'A', States: { A: { Type: 'Task', Resource: '${Function:no-such-handler}', End: true } } });
    expect(() => loadStateMachineDefinition(file, values)).toThrow('uses ${Function:no-such-handler}, but "no-such-handler" is not in lambdas/catalog.ts');
  });

  it('rejects a missing file', () => {
    const file = path.join(folder, 'missing.asl.json');
    expect(() => loadStateMachineDefinition(file, values)).toThrow(`state machine definition "${file}" does not exist`);
  });

  it('rejects a file that is not JSON', () => {
    const file = writeDefinition('broken.asl.json', '{ "StartAt": ');
    expect(() => loadStateMachineDefinition(file, values)).toThrow(`state machine definition "${file}" is not valid JSON`);
  });

  it('rejects JSON that is not ASL', () => {
    const file = writeDefinition('list.asl.json', [1, 2]);
    expect(() => loadStateMachineDefinition(file, values)).toThrow('has no StartAt and States');
  });
});
