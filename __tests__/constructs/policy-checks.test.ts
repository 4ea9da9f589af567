import { runPolicyChecks, POLICY_RULES } from '../../constructs/shared/policy-checks';
import { platformTags } from '../../config/platform-config';
import { STACK_IDS } from '../../main';
import { synthesizeApp, SynthesizedApp } from '../support/synthesized-app';

let app: SynthesizedApp;

beforeAll(() => {
  app = synthesizeApp({ tags: { CostCenter: 'saas' } });
});

afterAll(() => app.remove());

describe('policy checks on the synthesised stacks', () => {
  it.each(STACK_IDS.map((id) => [id]))('%s has no findings', (id) => {
    const requiredTags: Record<string, string> = { ...platformTags(app.config) };
    if (id === 'tenant-template') {
      requiredTags.TenantId = '${var.tenant_id}';
      requiredTags.Tier = '${var.tier}';
    }
    const findings = runPolicyChecks({ name: id, json: app.stacks[id] }, { requiredTags });
    expect(findings).toEqual([]);
  });

  it('runs every rule', () => {
    expect(POLICY_RULES.map((rule) => rule.id)).toEqual([
      'iam-no-wildcard-actions',
      'iam-wildcard-resources-allow-listed',
      'dynamodb-table-protected',
      's3-bucket-hardened',
      'log-group-retention',
      'lambda-traced-with-own-log-group',
      'resources-tagged',
    ]);
  });

  it('finds a planted violation in a real stack', () => {
    const json = JSON.parse(JSON.stringify(app.stacks['control-plane']));
    const [tableName] = Object.keys(json.resource.aws_dynamodb_table);
    delete json.resource.aws_dynamodb_table[tableName].point_in_time_recovery;
    const findings = runPolicyChecks({ name: 'control-plane', json }, { requiredTags: platformTags(app.config) });
    expect(findings).toEqual([
      { rule: 'dynamodb-table-protected', address: `aws_dynamodb_table.${tableName}`, message: expect.stringContaining('point_in_time_recovery') },
    ]);
  });
});
