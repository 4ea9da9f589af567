import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import {
  buildPlatformConfig,
  ConfigError,
  findTier,
  loadPlatformConfig,
  platformTags,
  PlatformConfigInput,
  poolTiers,
  siloTiers,
} from '../../config/platform-config';
import { DEFAULT_TIERS } from '../../config/defaults';
import { maxPrefixLength } from '../../config/naming';

/** Returns the problems `buildPlatformConfig` reports for `input`, or fails when it accepts it. */
function problemsOf(input: unknown): readonly string[] {
  try {
    buildPlatformConfig(input as PlatformConfigInput);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`configuration ${JSON.stringify(input)} was accepted`);
}

function tiersWith(index: number, change: Record<string, unknown>): Record<string, unknown>[] {
  return DEFAULT_TIERS.map((tier, position) => (position === index ? { ...tier, ...change } : { ...tier }));
}

describe('default configuration', () => {
  const config = buildPlatformConfig({});

  it.each([
    ['BASIC', 'pool', 50, 50, 1000],
    ['STANDARD', 'pool', 75, 100, 3000],
    ['PREMIUM', 'pool', 100, 200, 5000],
    ['PLATINUM', 'silo', 300, 300, 10000],
  ])('tier %s is %s with rate %d, burst %d, quota %d', (name, model, rate, burst, quota) => {
    const tier = findTier(config, name);
    expect(tier.model).toBe(model);
    expect(tier.rateLimit).toBe(rate);
    expect(tier.burstLimit).toBe(burst);
    expect(tier.dailyQuota).toBe(quota);
  });

  it('has exactly the four default tiers', () => {
    expect(config.tiers.map((tier) => tier.name)).toEqual(['BASIC', 'STANDARD', 'PREMIUM', 'PLATINUM']);
    expect(poolTiers(config).map((tier) => tier.name)).toEqual(['BASIC', 'STANDARD', 'PREMIUM']);
    expect(siloTiers(config).map((tier) => tier.name)).toEqual(['PLATINUM']);
  });

  it('uses the SBT-AWS event sources', () => {
    expect(config.eventSources).toEqual({ controlPlane: 'sbt.control.plane', applicationPlane: 'sbt.application.plane' });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('tags resources with platform, environment and owner', () => {
    expect(platformTags(config)).toEqual({ Platform: 'tenantform', Environment: 'dev', ManagedBy: 'tenantform' });
  });

  it('merges user tags over the platform tags', () => {
    const tagged = buildPlatformConfig({ tags: { CostCenter: 'saas-42' } });
    expect(platformTags(tagged)).toMatchObject({ Platform: 'tenantform', CostCenter: 'saas-42' });
  });
});

describe('tier validation', () => {
  it('rejects model "shared" and names the field', () => {
    const problems = problemsOf({ tiers: tiersWith(0, { model: 'shared' }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[0].model "shared" is not one of pool, silo'));
  });

  it('rejects a negative rate and names the value', () => {
    const problems = problemsOf({ tiers: tiersWith(1, { rateLimit: -5 }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[1].rateLimit -5 must be a number greater than 0'));
  });

  it('rejects a fractional quota', () => {
    const problems = problemsOf({ tiers: tiersWith(2, { dailyQuota: 10.5 }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[2].dailyQuota 10.5 must be a whole number'));
  });

  it('rejects a burst below the rate', () => {
    const problems = problemsOf({ tiers: tiersWith(0, { rateLimit: 80, burstLimit: 40 }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[0].burstLimit 40 is below tiers[0].rateLimit 80'));
  });

  it('rejects two tiers with one name', () => {
    const problems = problemsOf({ tiers: tiersWith(1, { name: 'BASIC' }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[1].name "BASIC" is used by two tiers'));
  });

  it('rejects a lowercase tier name', () => {
    const problems = problemsOf({ tiers: tiersWith(0, { name: 'gold' }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[0].name "gold"'));
  });

  it('rejects a configuration without a silo tier', () => {
    const problems = problemsOf({ tiers: DEFAULT_TIERS.filter((tier) => tier.model === 'pool') });
    expect(problems).toContainEqual(expect.stringContaining('tiers has no tier with model "silo"'));
  });

  it('rejects a configuration without a pool tier', () => {
    const problems = problemsOf({ tiers: DEFAULT_TIERS.filter((tier) => tier.model === 'silo') });
    expect(problems).toContainEqual(expect.stringContaining('tiers has no tier with model "pool"'));
  });

  it('rejects an empty tier list', () => {
    expect(problemsOf({ tiers: [] })).toContainEqual(expect.stringContaining('tiers must list at least one pool tier'));
  });

  it('rejects tiers that are not a list', () => {
    const problems = problemsOf({ tiers: { BASIC: {} } });
    expect(problems).toContainEqual(expect.stringContaining('tiers must be a JSON array of tier objects, got {"BASIC":{}}'));
    expect(problems).toHaveLength(1);
  });

  it('rejects an unknown tier field', () => {
    const problems = problemsOf({ tiers: tiersWith(3, { rate: 10 }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[3].rate is not a tier field'));
  });

  it('rejects memory outside the Lambda range', () => {
    const problems = problemsOf({ tiers: tiersWith(0, { lambdaMemoryMb: 64 }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[0].lambdaMemoryMb 64 must be a whole number of MB from 128 to 10240'));
  });

  it('rejects a reserved concurrency of zero', () => {
    const problems = problemsOf({ tiers: tiersWith(3, { reservedConcurrency: 0 }) });
    expect(problems).toContainEqual(expect.stringContaining('tiers[3].reservedConcurrency 0'));
  });

  it('collects every problem before it throws', () => {
    const problems = problemsOf({ region: 'mars', accountId: '12', tiers: tiersWith(0, { model: 'shared' }) });
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe('prefix validation', () => {
  it.each([
    ['uppercase', 'Tenantform'],
    ['underscore', 'tenant_form'],
    ['dot', 'tenant.form'],
    ['space', 'tenant form'],
    ['double hyphen', 'tenant--form'],
    ['leading digit', '1tenant'],
    ['trailing hyphen', 'tenant-'],
  ])('rejects a prefix with a %s', (_case, prefix) => {
    const problems = problemsOf({ prefix });
    expect(problems).toContainEqual(expect.stringContaining(`prefix "${prefix}" must start with a lowercase letter`));
  });

  it.each(['aws', 'amazon', 'cognito'])('rejects a prefix that contains "%s"', (word) => {
    const prefix = `my${word}saas`;
    const problems = problemsOf({ prefix });
    expect(problems).toContainEqual(expect.stringContaining(`prefix "${prefix}" contains "${word}"`));
  });

  it('rejects a prefix that S3 reserves', () => {
    const problems = problemsOf({ prefix: 'sthree-saas' });
    expect(problems).toContainEqual(expect.stringContaining('prefix "sthree-saas" starts with "sthree-"'));
  });

  it('rejects a prefix whose derived names pass an AWS limit', () => {
    const prefix = 'a'.repeat(maxPrefixLength() + 1);
    const problems = problemsOf({ prefix });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toContain(`prefix "${prefix}" (${prefix.length} characters) is too long`);
    expect(problems[0]).toContain(`use at most ${maxPrefixLength()} characters`);
  });

  it('accepts a prefix of the maximum length', () => {
    const prefix = 'a'.repeat(maxPrefixLength());
    expect(buildPlatformConfig({ prefix }).prefix).toBe(prefix);
  });
});

describe('platform field validation', () => {
  it.each(['mars', 'US-EAST-1', 'us-east', 'useast1'])('rejects region "%s"', (region) => {
    expect(problemsOf({ region })).toContainEqual(expect.stringContaining(`region "${region}" is not an AWS region name`));
  });

  it.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'ap-southeast-4'])('accepts region "%s"', (region) => {
    expect(buildPlatformConfig({ region }).region).toBe(region);
  });

  it.each(['12345', '1234567890123', 'abcdefghijkl'])('rejects account id "%s"', (accountId) => {
    expect(problemsOf({ accountId })).toContainEqual(expect.stringContaining(`accountId "${accountId}" must be the twelve-digit AWS account id`));
  });

  it('rejects an account id given as a number', () => {
    expect(problemsOf({ accountId: 123456789012 })).toContainEqual(expect.stringContaining('accountId "123456789012"'));
  });

  it.each([0, 2, -1, 10000])('rejects retention %d', (logRetentionDays) => {
    expect(problemsOf({ logRetentionDays })).toContainEqual(expect.stringContaining(`logRetentionDays ${logRetentionDays} is not one of 1, 3, 5`));
  });

  it('rejects a job timeout above the CodeBuild maximum', () => {
    expect(problemsOf({ jobTimeoutMinutes: 600 })).toContainEqual(expect.stringContaining('jobTimeoutMinutes 600 must be a whole number from 5 to 480'));
  });

  it('rejects a Terraform version range', () => {
    expect(problemsOf({ terraformVersion: '~> 1.11' })).toContainEqual(expect.stringContaining('terraformVersion "~> 1.11" must be an exact version'));
  });

  it.each(['1.9.8', '0.15.5'])('rejects Terraform %s without the S3 lock file', (terraformVersion) => {
    expect(problemsOf({ terraformVersion })).toContainEqual(expect.stringContaining(`terraformVersion "${terraformVersion}" is older than 1.10.0`));
  });

  it.each(['1.10.0', '1.11.4', '2.0.0'])('accepts Terraform %s', (terraformVersion) => {
    expect(buildPlatformConfig({ terraformVersion }).terraformVersion).toBe(terraformVersion);
  });

  it('rejects an event source in the aws. namespace', () => {
    const problems = problemsOf({ eventSources: { controlPlane: 'aws.states' } });
    expect(problems).toContainEqual(expect.stringContaining('eventSources.controlPlane "aws.states"'));
  });

  it('rejects an unknown event source field', () => {
    const problems = problemsOf({ eventSources: { billing: 'sbt.billing' } });
    expect(problems).toContainEqual(expect.stringContaining('eventSources.billing is not an event source field'));
  });

  it('rejects a tag key in the aws: namespace', () => {
    expect(problemsOf({ tags: { 'aws:owner': 'me' } })).toContainEqual(expect.stringContaining('tags key "aws:owner"'));
  });

  it('rejects tags that are not an object', () => {
    expect(problemsOf({ tags: ['Owner'] })).toContainEqual(expect.stringContaining('tags must be a JSON object of strings, got ["Owner"]'));
  });

  it('rejects an unknown field and lists the known ones', () => {
    const problems = problemsOf({ regoin: 'us-east-1' });
    expect(problems).toContainEqual(expect.stringContaining('field "regoin" is not a configuration field'));
    expect(problems[0]).toContain('region');
  });
});

describe('loadPlatformConfig', () => {
  let folder: string;

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-config-'));
  });

  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('returns the defaults when the default file is missing', () => {
    const config = loadPlatformConfig(undefined, folder);
    expect(config.prefix).toBe('tenantform');
  });

  it('reads tenantform.config.json from the folder', () => {
    fs.writeFileSync(path.join(folder, 'tenantform.config.json'), JSON.stringify({ prefix: 'acme', region: 'eu-west-1' }));
    const config = loadPlatformConfig(undefined, folder);
    expect(config.prefix).toBe('acme');
    expect(config.region).toBe('eu-west-1');
  });

  it('rejects a missing explicit file', () => {
    expect(() => loadPlatformConfig('missing.json', folder)).toThrow(/configuration file ".*missing\.json" does not exist/);
  });

  it('rejects a file that is not JSON', () => {
    const file = path.join(folder, 'broken.json');
    fs.writeFileSync(file, 'prefix = "acme"');
    expect(() => loadPlatformConfig(file, folder)).toThrow(/broken\.json" is not valid JSON/);
  });

  it('rejects a JSON file that holds a list', () => {
    const file = path.join(folder, 'list.json');
    fs.writeFileSync(file, '[]');
    expect(() => loadPlatformConfig(file, folder)).toThrow(/list\.json" must contain a JSON object/);
  });

  it('reports the problems of a file', () => {
    const file = path.join(folder, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ accountId: 'none' }));
    expect(() => loadPlatformConfig(file, folder)).toThrow(/accountId "none" must be the twelve-digit AWS account id/);
  });

  it('makes synth print the problems without a stack trace', () => {
    const file = path.join(folder, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ prefix: 'Bad_Prefix' }));
    const root = path.resolve(__dirname, '..', '..');

    // The command cdktf.json gives cdktf synth.
    const synth = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'main.ts'], {
      cwd: root,
      env: { ...process.env, TENANTFORM_CONFIG: file, CDKTF_OUTDIR: path.join(folder, 'out') },
      encoding: 'utf8',
    });

    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain('invalid platform configuration:\n  - prefix "Bad_Prefix" must start with a lowercase letter');
    expect(synth.stderr).not.toContain('    at ');
    expect(fs.existsSync(path.join(folder, 'out'))).toBe(false);
  });
});

describe('admin callback URLs', () => {
  it('defaults to a localhost console', () => {
    expect(buildPlatformConfig({}).adminCallbackUrls).toEqual(['http://localhost:8080/callback']);
  });

  it('accepts an https URL', () => {
    const config = buildPlatformConfig({ adminCallbackUrls: ['https://admin.example.com/callback'] });
    expect(config.adminCallbackUrls).toEqual(['https://admin.example.com/callback']);
  });

  it.each(['http://admin.example.com/callback', 'https://admin.example.com/#callback', 'not a url'])('rejects "%s"', (url) => {
    const problems = problemsOf({ adminCallbackUrls: [url] });
    expect(problems).toContainEqual(expect.stringContaining(`adminCallbackUrls[0] ${JSON.stringify(url)} must be an https URL`));
  });

  it('rejects an empty list', () => {
    expect(problemsOf({ adminCallbackUrls: [] })).toContainEqual(expect.stringContaining('adminCallbackUrls [] must be a non-empty list'));
  });
});
