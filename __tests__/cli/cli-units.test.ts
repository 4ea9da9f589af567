import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { readOnboardingFile, toEntries } from '../../cli/onboarding/tenant-file';
import { findResource, parsePlanJson, parseStateFile } from '../../cli/state/terraform-state';
import { formatDuration, Output, renderFields, renderTable } from '../../cli/output';
import { buildApiEvent } from '../../cli/control-plane-client';
import { CONTROL_PLANE_ROUTES } from '../../constructs/control-plane/control-plane-routes';
import { main } from '../../cli/main';
import { BatchProgress, describeOutcome } from '../../cli/onboarding/progress';
import { registrationDifferences } from '../../cli/onboarding/onboard-tenant';
import type { OnboardingOutcome } from '../../cli/onboarding/onboard-tenant';
import type { TenantRecord } from '../../lambdas/shared/tenant';
import { temporaryDirectory, removeTemporaryDirectories } from './support/run-cli';
import { renderExecutionTable } from '../../cli/commands/executions';
import { readTenantNames, tenantLabel } from '../../cli/render/tenant-names';
import { renderResource } from '../../cli/commands/state';
import { renderTenant } from '../../cli/render/tenants';

afterAll(removeTemporaryDirectories);

describe('onboarding file', () => {
  function write(text: string): string {
    const file = path.join(temporaryDirectory('tenantform-file-'), 'tenants.json');
    fs.writeFileSync(file, text);
    return file;
  }

  test('missing file names the file', () => {
    expect(() => readOnboardingFile('/nonexistent/tenants.json')).toThrow('onboarding file /nonexistent/tenants.json does not exist');
  });

  test('invalid JSON is reported', () => {
    expect(() => readOnboardingFile(write('[{'))).toThrow('is not valid JSON');
    expect(() => readOnboardingFile(write('not json\n'))).toThrow(/is not valid JSON: [^\n]*"not json " is not valid JSON$/);
  });

  test('object instead of array is reported', () => {
    expect(() => readOnboardingFile(write('{"tenantName": "x"}'))).toThrow('must contain a JSON array');
  });

  test('entries keep their position', () => {
    const entries = toEntries([{ tenantName: 'A' }, 42, null, { tenantName: 'B' }]);

    expect(entries.map((entry) => entry.index)).toEqual([1, 2, 3, 4]);
    expect(entries[1].problem).toBe('entry 2 must be an object with tenantName, email and tier, got 42');
    expect(entries[2].problem).toContain('got null');
    expect(entries[3].problem).toBeUndefined();
  });

  test('repeated names ignore case and spaces', () => {
    const entries = toEntries([{ tenantName: 'Acme' }, { tenantName: '  ACME ' }, { tenantName: 'Acme Two' }]);

    expect(entries[1].problem).toContain('repeats the name of entry 1');
    expect(entries[2].problem).toBeUndefined();
  });
});

describe('terraform plan view', () => {
  const plan = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: {
      outputs: { api_url: { sensitive: false }, password: { sensitive: true, value: 'p' } },
      root_module: {
        resources: [
          { address: 'aws_iam_role.service', mode: 'managed', type: 'aws_iam_role', name: 'service', values: { name: 'role-a', tags: { Tier: 'PLATINUM' } }, sensitive_values: {} },
        ],
        child_modules: [
          {
            address: 'module.users',
            resources: [
              {
                address: 'module.users.aws_cognito_user_pool_client.client',
                mode: 'managed',
                type: 'aws_cognito_user_pool_client',
                name: 'client',
                values: { name: 'app', client_secret: 's3cret' },
                sensitive_values: { client_secret: true },
              },
            ],
          },
        ],
      },
    },
    resource_changes: [
      { address: 'aws_iam_role.service', change: { actions: ['create'], after_unknown: { arn: true, id: true } } },
      { address: 'module.users.aws_cognito_user_pool_client.client', change: { actions: ['create'], after_unknown: {} } },
    ],
  };

  test('lists resources of nested modules', () => {
    const view = parsePlanJson(JSON.stringify(plan), 'tenant.tfplan');

    expect(view.kind).toBe('plan');
    expect(view.resources.map((resource) => resource.address)).toEqual(['aws_iam_role.service', 'module.users.aws_cognito_user_pool_client.client']);
    expect(view.resources[0].actions).toEqual(['create']);
  });

  test('marks unknown and sensitive values', () => {
    const view = parsePlanJson(JSON.stringify(plan), 'tenant.tfplan');

    expect(findResource(view, 'aws_iam_role.service')?.attributes.arn).toBe('(known after apply)');
    expect(findResource(view, 'aws_iam_role.service')?.attributes.tags).toEqual({ Tier: 'PLATINUM' });
    expect(findResource(view, 'module.users.aws_cognito_user_pool_client.client')?.attributes.client_secret).toBe('(sensitive value)');
    expect(view.outputs).toEqual({ api_url: '(known after apply)', password: '(sensitive value)' });
  });

  test('rejects a file that is not a plan', () => {
    expect(() => parsePlanJson('{"version": 4}', 'x.json')).toThrow('x.json is not the JSON of a Terraform plan');
    expect(() => parseStateFile('{"format_version": "1.2"}', 'y.tfstate')).toThrow('y.tfstate is not a Terraform state file of format version 4');
    expect(() => parseStateFile('nope', 'z.tfstate')).toThrow('z.tfstate is not valid JSON');
  });
});

describe('text output', () => {
  test('table pads columns', () => {
    const text = renderTable([{ a: 'x', b: 'long value' }, { a: 'longer', b: 'y' }], [
      { header: 'A', value: (row) => row.a },
      { header: 'B', value: (row) => row.b },
    ]);

    expect(text.split('\n')).toEqual(['A       B', 'x       long value', 'longer  y']);
  });

  test('fields indent continuation lines', () => {
    expect(renderFields([['Status', 'FAILED'], ['Reason', 'line one\nline two'], ['Empty', undefined]])).toBe('Status: FAILED\nReason: line one\n        line two');
  });

  test('durations read naturally', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
  });

  test('json mode writes one document to stdout', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const output = new Output(true, { stdout, stderr });

    output.progress('working');
    output.result({ ok: true }, () => 'not used');

    expect(JSON.parse(stdout.read().toString())).toEqual({ ok: true });
    expect(stderr.read().toString()).toBe('working\n');
  });
});

describe('batch progress', () => {
  const tenant = { tenantId: 'abcd1234', tenantName: 'Acme', tier: 'BASIC', model: 'pool', status: 'ACTIVE' } as TenantRecord;
  const done: OnboardingOutcome = { index: 1, request: { tenantName: 'Acme' }, result: 'created', tenant, durationMs: 1200 };
  const rejected: OnboardingOutcome = { index: 2, request: { tenantName: 'Gold' }, result: 'invalid', message: 'tier "GOLD" is not one of BASIC', durationMs: 3 };

  function capture(isTTY: boolean) {
    const stderr = Object.assign(new PassThrough(), { isTTY });
    const output = new Output(false, { stdout: new PassThrough(), stderr });
    const progress = new BatchProgress(output, 2, (outcome) => outcome.result !== 'invalid');
    return { stderr, progress };
  }

  test('plain lines when stderr is not a terminal', () => {
    const { stderr, progress } = capture(false);

    progress.start();
    progress.entryStarted();
    progress.entryFinished(done);
    progress.entryStarted();
    progress.entryFinished(rejected);
    progress.done();

    expect(stderr.read().toString()).toBe('[1/2] Acme (BASIC, pool): ACTIVE in 1.2 s (created)\n[2/2] Gold: invalid: tier "GOLD" is not one of BASIC\n');
  });

  test('bar redraws in place on a terminal', () => {
    const { stderr, progress } = capture(true);

    progress.start();
    progress.entryStarted();
    progress.entryFinished(done);
    progress.done();
    const text = stderr.read().toString();

    expect(text).toContain('\r\x1b[K[------------------------] 0/2  ok 0  failed 0  running 1');
    expect(text).toContain('\r\x1b[K[1/2] Acme (BASIC, pool): ACTIVE in 1.2 s (created)\n');
    expect(text).toContain('[############------------] 1/2  ok 1  failed 0  running 0');
    expect(text.endsWith('\r\x1b[K')).toBe(true);
  });

  test('long reasons are shortened to one line', () => {
    const line = describeOutcome({ ...rejected, message: `first\n${'x'.repeat(400)}` });

    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(300);
    expect(line.endsWith('...')).toBe(true);
  });
});

describe('control-plane API events', () => {
  test('event carries the route and its scope', () => {
    const route = CONTROL_PLANE_ROUTES.find((candidate) => candidate.handler === 'tenants-deactivate')!;
    const event = buildApiEvent(route, { pathParameters: { tenantId: 'abc123' } }, '123456789012') as {
      routeKey: string;
      rawPath: string;
      requestContext: { authorizer: { jwt: { scopes: string[]; claims: Record<string, string> } }; http: { method: string } };
    };

    expect(event.routeKey).toBe('POST /tenants/{tenantId}/deactivate');
    expect(event.rawPath).toBe('/tenants/abc123/deactivate');
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.requestContext.authorizer.jwt.scopes).toEqual(['tenant/tenant_write']);
    expect(event.requestContext.authorizer.jwt.claims['custom:userRole']).toBe('SystemAdmin');
  });

  test('query values are encoded', () => {
    const route = CONTROL_PLANE_ROUTES.find((candidate) => candidate.handler === 'tenants-list')!;
    const event = buildApiEvent(route, { query: { status: 'ACTIVE', tier: undefined, cursor: 'a+b/c' } }, '123456789012') as {
      rawQueryString: string;
      queryStringParameters: Record<string, string>;
    };

    expect(event.queryStringParameters).toEqual({ status: 'ACTIVE', cursor: 'a+b/c' });
    expect(event.rawQueryString).toBe('status=ACTIVE&cursor=a%2Bb%2Fc');
  });
});

describe('CLI exit codes in process', () => {
  function streams() {
    return { stdout: new PassThrough(), stderr: new PassThrough() };
  }

  test.each([['--version'], ['-V']])('version flag %s exits 0', async (flag) => {
    const io = streams();
    expect(await main([flag], io)).toBe(0);
    expect(io.stdout.read().toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('rollout start --version is the template version', async () => {
    const io = streams();
    // A version the parser rejects proves the value reached the rollout option, not the
    // program's version flag.
    expect(await main(['rollout', 'start', '--version', '../x'], io)).toBe(2);
    expect(io.stderr.read().toString()).toContain('is not a template version');
  });

  test.each([
    [['help'], 'Usage: tenantform [options] [command]'],
    [['help', 'tenants', 'onboard'], 'Usage: tenantform tenants onboard [options]'],
    [['help', 'rollout', 'start'], 'Usage: tenantform rollout start [options]'],
  ])('%j prints its help', async (args, usage) => {
    const io = streams();
    expect(await main(args, io)).toBe(0);
    expect(io.stdout.read().toString()).toContain(usage);
  });

  test('help of unknown command exits 2', async () => {
    const io = streams();
    expect(await main(['help', 'deploy'], io)).toBe(2);
    expect(io.stderr.read().toString()).toContain("unknown command 'deploy'");
  });

  test('unknown command exits 2', async () => {
    const io = streams();
    expect(await main(['deploy'], io)).toBe(2);
    expect(io.stderr.read().toString()).toContain("unknown command 'deploy'");
  });

  test('invalid execution status exits 1', async () => {
    const io = streams();
    expect(await main(['--state-dir', temporaryDirectory('tenantform-units-'), 'executions', 'list', '--status', 'DONE'], io)).toBe(1);
    expect(io.stderr.read().toString()).toContain('status "DONE" is not one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED');
  });
});

describe('renderExecutionTable', () => {
  test('shows the event that started each execution', () => {
    const base = { stateMachine: 'activation', status: 'SUCCEEDED' as const, startDate: '2026-12-04T10:00:00.000Z', tenantId: 'abcd1234' };
    const table = renderExecutionTable([
      { ...base, executionArn: 'arn:1', name: 'first', detailType: 'sbt_aws_deactivateRequest' },
      { ...base, executionArn: 'arn:2', name: 'second', detailType: 'sbt_aws_activateRequest' },
    ]);
    const lines = table.split('\n');

    expect(lines[0]).toMatch(/STATE MACHINE\s+EVENT\s+TENANT/);
    expect(lines[1]).toMatch(/first\s+activation\s+deactivateRequest\s+abcd1234/);
    expect(lines[2]).toMatch(/second\s+activation\s+activateRequest\s+abcd1234/);
  });

  test('shows the tenant name with the id', () => {
    const table = renderExecutionTable([
      { executionArn: 'arn:1', name: 'first', stateMachine: 'onboarding', status: 'SUCCEEDED', startDate: '2026-12-04T10:00:00.000Z', tenantId: 'abcd1234', tenantName: 'Acme Corp' },
    ]);
    expect(table.split('\n')[1]).toMatch(/first\s+onboarding\s+Acme Corp \(abcd1234\)\s+SUCCEEDED/);
  });
});

describe('tenant names', () => {
  const registry: Record<string, TenantRecord> = {
    abcd1234: { tenantId: 'abcd1234', tenantName: 'Acme Corp' } as TenantRecord,
    efgh5678: { tenantId: 'efgh5678', tenantName: 'Harbor Health' } as TenantRecord,
  };

  test('reads each distinct id once', async () => {
    const reads: string[] = [];
    const target = {
      getTenant: async (tenantId: string) => {
        reads.push(tenantId);
        return registry[tenantId];
      },
    };

    const names = await readTenantNames(target, ['abcd1234', undefined, 'efgh5678', 'abcd1234', '', 'gone0000']);

    expect([...names.entries()].sort()).toEqual([
      ['abcd1234', 'Acme Corp'],
      ['efgh5678', 'Harbor Health'],
    ]);
    expect(reads.sort()).toEqual(['abcd1234', 'efgh5678', 'gone0000']);
  });

  test('reads nothing for no ids', async () => {
    const target = { getTenant: jest.fn() };
    expect((await readTenantNames(target, [])).size).toBe(0);
    expect(target.getTenant).not.toHaveBeenCalled();
  });

  test('passes a registry failure on', async () => {
    const target = { getTenant: async () => Promise.reject(new Error('ResourceNotFoundException: table tenantform-tenants not found')) };
    await expect(readTenantNames(target, ['abcd1234'])).rejects.toThrow('table tenantform-tenants not found');
  });

  test.each([
    ['abcd1234', 'Acme Corp', 'Acme Corp (abcd1234)'],
    ['abcd1234', undefined, 'abcd1234'],
    [undefined, undefined, ''],
  ])('labels %s with name %s', (tenantId, tenantName, label) => {
    expect(tenantLabel(tenantId, tenantName)).toBe(label);
  });
});

describe('renderTenant', () => {
  const tenant = {
    tenantId: 'abcd1234',
    tenantName: 'Acme',
    tenantNameKey: 'acme',
    email: 'ops@acme.example',
    tier: 'PLATINUM',
    model: 'silo',
    status: 'ACTIVE',
    tenantRegistrationId: 'registration-1',
    listPartition: 'TENANT',
    createdAt: '2026-12-04T10:00:00.000Z',
    updatedAt: '2026-12-04T10:00:00.000Z',
    outputs: { apiUrl: 'https://api.example/prod', planned: true },
  } as TenantRecord;

  test('marks planned outputs of a silo tenant', () => {
    expect(renderTenant(tenant)).toContain('Outputs:\n  apiUrl: https://api.example/prod');
    expect(renderTenant(tenant)).toContain('nothing was deployed');
  });

  test('marks outputs of a deleted tenant as removed', () => {
    const rendered = renderTenant({ ...tenant, status: 'DELETED' });
    expect(rendered).toContain('Outputs before offboarding (these resources were removed):');
    expect(rendered).not.toContain('nothing was deployed');
  });
});

describe('renderResource', () => {
  test('renders values in Terraform syntax', () => {
    const text = renderResource({
      address: 'aws_dynamodb_table.products',
      mode: 'managed',
      type: 'aws_dynamodb_table',
      name: 'products',
      attributes: {
        name: 'tenantform-acme1234-products',
        arn: '(known after apply)',
        deletion_protection_enabled: true,
        read_capacity: 0,
        tags: { Tenant: 'acme1234', 'tenantform:tier': 'PLATINUM' },
        attribute: [{ name: 'tenantId', type: 'S' }],
        global_secondary_index: [],
        ttl: null,
      },
    });

    expect(text.split('\n')).toEqual([
      '# aws_dynamodb_table.products:',
      'resource "aws_dynamodb_table" "products" {',
      '    arn                         = (known after apply)',
      '    attribute                   = [',
      '        {',
      '            "name" = "tenantId"',
      '            "type" = "S"',
      '        },',
      '    ]',
      '    deletion_protection_enabled = true',
      '    global_secondary_index      = []',
      '    name                        = "tenantform-acme1234-products"',
      '    read_capacity               = 0',
      '    tags                        = {',
      '        "Tenant"          = "acme1234"',
      '        "tenantform:tier" = "PLATINUM"',
      '    }',
      '}',
    ]);
  });
});

describe('registrationDifferences', () => {
  const existing = { tenantId: 'abcd1234', tenantName: 'Acme', email: 'ops@acme.example', tier: 'BASIC' } as TenantRecord;

  test('names each differing field', () => {
    expect(registrationDifferences(existing, { email: 'new@acme.example', tier: 'STANDARD' })).toEqual([
      'email is "ops@acme.example", not "new@acme.example"',
      'tier is "BASIC", not "STANDARD"',
    ]);
  });

  test('skips matching and missing fields', () => {
    expect(registrationDifferences(existing, { email: 'ops@acme.example' })).toEqual([]);
  });
});
