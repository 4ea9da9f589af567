import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planTenantDrift } from '../../cli/commands/drift-plan';
import { assertTerraformSucceeded, prepareTerraformEnvironment, runTerraform, TerraformEnvironment } from '../../local/terraform-cli';

const FIXTURE = path.join(__dirname, 'fixtures', 'drift-template');

let root: string;
let terraform: TerraformEnvironment;
let stateFile: string;
const variables = { tenant_id: 'drift001', tier: 'PLATINUM', template_version: '1.0.0' };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-test-'));
  terraform = prepareTerraformEnvironment(root);
  stateFile = path.join(root, 'state', 'tenants', 'drift001', 'terraform.tfstate');

  // Apply the fixture once, as a provisioning job would, so the tenant has real state.
  const applyDir = path.join(root, 'apply');
  fs.cpSync(FIXTURE, applyDir, { recursive: true });
  fs.writeFileSync(path.join(applyDir, 'backend_override.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: stateFile } } } }));
  fs.writeFileSync(path.join(applyDir, 'tenant.auto.tfvars.json'), JSON.stringify(variables));
  assertTerraformSucceeded(await runTerraform(terraform, ['init', '-input=false', '-no-color'], applyDir), 'init');
  assertTerraformSucceeded(await runTerraform(terraform, ['apply', '-auto-approve', '-input=false', '-no-color'], applyDir), 'apply');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function plan(overrides: Partial<typeof variables> = {}, templateDir = FIXTURE) {
  return planTenantDrift({
    tenantId: 'drift001',
    templateDir,
    backend: { local: { path: stateFile } },
    variables: { ...variables, ...overrides },
    workDir: path.join(root, 'work'),
    terraform,
  });
}

describe('planTenantDrift', () => {
  test('applied tenant is in sync', async () => {
    const result = await plan();
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('IN_SYNC');
    expect(result.changes).toEqual([]);
  });

  test('changed input is drift', async () => {
    const result = await plan({ template_version: '2.0.0' });
    expect(result.status).toBe('DRIFTED');
    expect(result.changes).toEqual([{ address: 'terraform_data.release', actions: ['update'] }]);
  });

  test('state changed outside Terraform is drift', async () => {
    const original = fs.readFileSync(stateFile, 'utf8');
    try {
      const state = JSON.parse(original);
      const tenant = state.resources.find((resource: { name: string }) => resource.name === 'tenant');
      tenant.instances[0].attributes.input.value.tier = 'BASIC';
      state.serial += 1;
      fs.writeFileSync(stateFile, JSON.stringify(state));

      const result = await plan();
      expect(result.status).toBe('DRIFTED');
      expect(result.changes.map((change) => change.address)).toEqual(['terraform_data.tenant']);
    } finally {
      fs.writeFileSync(stateFile, original);
    }
  });

  test('broken configuration is a failure', async () => {
    const broken = path.join(root, 'broken');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { x: { input: '${var.missing}' } } } }));
    const result = await plan({}, broken);
    expect(result.status).toBe('FAILED');
    expect(result.error).toContain('var.missing');
  });

  test('scratch folder is removed', async () => {
    await plan();
    expect(fs.readdirSync(path.join(root, 'work'))).toEqual([]);
  });
});
