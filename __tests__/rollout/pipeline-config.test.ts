import { buildPlatformConfig, ConfigError } from '../../config/platform-config';

const CONNECTION = { arn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666', repository: 'acme/tenantform' };

function problemsOf(pipeline: unknown): readonly string[] {
  try {
    buildPlatformConfig({ pipeline } as never);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
}

describe('pipeline configuration', () => {
  test('section is optional', () => {
    expect(buildPlatformConfig({}).pipeline).toBeUndefined();
  });

  test('valid section is kept', () => {
    const pipeline = { connection: { ...CONNECTION, branch: 'release/2026' }, rollout: { waves: '10%,100%', concurrency: 40, toleratedFailurePercentage: 5, approveBetweenWaves: true } };
    expect(buildPlatformConfig({ pipeline }).pipeline).toEqual(pipeline);
    expect(buildPlatformConfig({ pipeline: { sourceObjectKey: 'releases/app.zip', enabled: false } }).pipeline?.enabled).toBe(false);
  });

  test.each([
    ['not an object', 'main', 'pipeline must be an object'],
    ['unknown field', { branch: 'main' }, 'pipeline.branch is not a field of pipeline'],
    ['enabled not boolean', { enabled: 'yes' }, 'pipeline.enabled "yes" must be true or false'],
    ['key without .zip', { sourceObjectKey: 'source/app.tar' }, 'must be an S3 key'],
    ['key with leading slash', { sourceObjectKey: '/source/app.zip' }, 'must be an S3 key'],
    ['connection arn', { connection: { ...CONNECTION, arn: 'arn:aws:iam::123456789012:role/x' } }, 'pipeline.connection.arn'],
    ['repository without owner', { connection: { ...CONNECTION, repository: 'tenantform' } }, 'must be owner/name'],
    ['branch with ..', { connection: { ...CONNECTION, branch: 'a..b' } }, 'not a valid Git branch name'],
    ['branch with space', { connection: { ...CONNECTION, branch: 'my branch' } }, 'not a valid Git branch name'],
    ['connection unknown field', { connection: { ...CONNECTION, token: 'x' } }, 'pipeline.connection.token is not a field'],
    ['key with connection', { connection: CONNECTION, sourceObjectKey: 'source/app.zip' }, 'only used with the S3 source'],
    ['rollout waves', { rollout: { waves: '50%' } }, 'pipeline.rollout.waves: wave spec "50%" must end with 100%'],
    ['rollout concurrency', { rollout: { concurrency: 41 } }, 'pipeline.rollout.concurrency 41 must be a whole number from 1 to 40'],
    ['rollout tolerance', { rollout: { toleratedFailurePercentage: 'ten' } }, 'must be a number from 0 to 100'],
    ['rollout approval', { rollout: { approveBetweenWaves: 1 } }, 'pipeline.rollout.approveBetweenWaves 1 must be true or false'],
    ['rollout unknown field', { rollout: { speed: 'fast' } }, 'pipeline.rollout.speed is not a field'],
  ])('%s is rejected', (_case, pipeline, message) => {
    const problems = problemsOf(pipeline);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  test('problems are collected together', () => {
    expect(problemsOf({ enabled: 1, rollout: { concurrency: 0, toleratedFailurePercentage: 101 } })).toHaveLength(3);
  });
});
