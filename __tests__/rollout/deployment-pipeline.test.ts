import * as fs from 'fs';
import * as path from 'path';
import { runPolicyChecks } from '../../constructs/shared/policy-checks';
import { RESOURCE_TYPE_GROUPS } from '../../constructs/control-plane/pipeline/deploy-permissions';
import { platformTags } from '../../config/platform-config';
import { findResource, listOf, statementsOf, synthesizeApp, SynthesizedApp } from '../support/synthesized-app';

const CONNECTION_ARN = 'arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666';

let app: SynthesizedApp;
let withConnection: SynthesizedApp;

beforeAll(() => {
  app = synthesizeApp({ pipeline: { rollout: { waves: 'canary:2,50%,100%', concurrency: 4, approveBetweenWaves: true } } });
  withConnection = synthesizeApp({ pipeline: { connection: { arn: CONNECTION_ARN, repository: 'acme/tenantform', branch: 'release' } } });
});

afterAll(() => {
  app.remove();
  withConnection.remove();
});

function pipelineOf(synth: SynthesizedApp) {
  return findResource(synth.stacks['control-plane'], 'aws_codepipeline', 'name', 'tenantform-deployment');
}

function roleStatements(synth: SynthesizedApp, roleName: string) {
  const stack = synth.stacks['control-plane'];
  const roles = stack.resource?.aws_iam_role as Record<string, { name: string }>;
  const [roleKey] = Object.entries(roles).find(([, role]) => role.name === roleName) ?? [];
  expect(roleKey).toBeDefined();
  const policies = listOf(stack, 'aws_iam_role_policy').filter((policy) => policy.role === `\${aws_iam_role.${roleKey}.id}`);
  return policies.flatMap((policy) => statementsOf(policy.policy));
}

describe('deployment pipeline', () => {
  test('stages run in order', () => {
    const pipeline = pipelineOf(app);
    expect(pipeline.pipeline_type).toBe('V2');
    expect(pipeline.execution_mode).toBe('QUEUED');
    expect(pipeline.stage.map((stage: { name: string }) => stage.name)).toEqual(['Source', 'Build', 'Deploy', 'Rollout']);
  });

  test('S3 source watches the source key', () => {
    const [source] = pipelineOf(app).stage[0].action;
    expect(source.provider).toBe('S3');
    expect(source.configuration.S3ObjectKey).toBe('source/tenantform.zip');
    expect(source.configuration.PollForSourceChanges).toBe('false');

    const rule = findResource(app.stacks['control-plane'], 'aws_cloudwatch_event_rule', 'name', 'tenantform-deployment-source');
    expect(JSON.parse(rule.event_pattern).detail.object.key).toEqual(['source/tenantform.zip']);
    const notification = listOf(app.stacks['control-plane'], 'aws_s3_bucket_notification');
    expect(notification.map((entry) => entry.eventbridge)).toEqual([true]);
  });

  test('deploy stage applies both platform stacks', () => {
    const actions = pipelineOf(app).stage[2].action;
    expect(actions.map((action: { configuration: { EnvironmentVariables: string } }) => JSON.parse(action.configuration.EnvironmentVariables)[0].value)).toEqual([
      'control-plane',
      'application-plane',
    ]);
    expect(actions.map((action: { run_order: number }) => action.run_order)).toEqual([1, 2]);
  });

  test('rollout action passes version and settings', () => {
    const [rollout] = pipelineOf(app).stage[3].action;
    expect(rollout.provider).toBe('StepFunctions');
    expect(JSON.parse(rollout.configuration.Input)).toEqual({
      targetVersion: '#{BuildVariables.TEMPLATE_VERSION}',
      startedBy: 'pipeline',
      waves: 'canary:2,50%,100%',
      concurrency: 4,
      approveBetweenWaves: true,
    });
    const build = pipelineOf(app).stage[1].action[0];
    expect(build.namespace).toBe('BuildVariables');
  });

  test('rollout state machine can invoke the approval gate', () => {
    const machine = findResource(app.stacks['control-plane'], 'aws_sfn_state_machine', 'name', 'tenantform-rollout');
    expect(machine.definition).toContain('lambda:invoke.waitForTaskToken');
    const statements = roleStatements(app, 'tenantform-rollout-sfn-role');
    const invoke = statements.find((statement) => statement.Action === 'lambda:InvokeFunction' || (Array.isArray(statement.Action) && statement.Action.includes('lambda:InvokeFunction')));
    expect(JSON.stringify(invoke?.Resource)).toContain('rollout-request-approval_function');
    const codebuild = statements.find((statement) => Array.isArray(statement.Action) && statement.Action.includes('codebuild:StartBuild'));
    expect(codebuild).toBeDefined();
  });

  test('artifact bucket is hardened', () => {
    const stack = app.stacks['control-plane'];
    const bucket = findResource(stack, 'aws_s3_bucket', 'bucket', 'tenantform-pipeline-123456789012');
    expect(bucket).toBeDefined();
    const findings = runPolicyChecks({ name: 'control-plane', json: stack }, { requiredTags: platformTags(app.config) });
    expect(findings).toEqual([]);
  });

  test('roles grant no wildcard actions', () => {
    for (const roleName of ['tenantform-deployment-pipeline-role', 'tenantform-pipeline-build-role', 'tenantform-pipeline-deploy-role']) {
      const statements = roleStatements(app, roleName);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
      }
    }
  });

  test('build role publishes only under the template prefix', () => {
    const statements = roleStatements(app, 'tenantform-pipeline-build-role');
    const publish = statements.find((statement) => statement.Sid === 'PublishTemplates');
    expect(JSON.stringify(publish?.Resource)).toContain('/tenant-template/*');
    const parameter = statements.find((statement) => statement.Sid === 'SetTemplateVersion');
    expect(parameter?.Resource).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/tenantform/control-plane/tenant-template-version');
  });

  test('deploy role covers every resource type', () => {
    const types = new Set<string>();
    for (const stack of [app.stacks['control-plane'], app.stacks['application-plane'], withConnection.stacks['control-plane']]) {
      for (const type of Object.keys(stack.resource ?? {})) {
        types.add(type);
      }
    }
    const uncovered = [...types].filter((type) => !(type in RESOURCE_TYPE_GROUPS));
    expect(uncovered).toEqual([]);
  });

  test('connection source with branch trigger', () => {
    const pipeline = pipelineOf(withConnection);
    const [source] = pipeline.stage[0].action;
    expect(source.provider).toBe('CodeStarSourceConnection');
    expect(source.configuration).toMatchObject({ ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'acme/tenantform', BranchName: 'release' });
    expect(pipeline.trigger[0].git_configuration.push[0].branches.includes).toEqual(['release']);
    expect(listOf(withConnection.stacks['control-plane'], 'aws_s3_bucket_notification')).toEqual([]);

    const statements = roleStatements(withConnection, 'tenantform-deployment-pipeline-role');
    expect(statements.find((statement) => statement.Sid === 'UseSourceConnection')?.Resource).toBe(CONNECTION_ARN);
  });

  test('disabled pipeline is left out', () => {
    const disabled = synthesizeApp({ pipeline: { enabled: false } });
    try {
      expect(listOf(disabled.stacks['control-plane'], 'aws_codepipeline')).toEqual([]);
      expect(listOf(disabled.stacks['control-plane'], 'aws_sfn_state_machine').map((machine) => machine.name)).toContain('tenantform-rollout');
    } finally {
      disabled.remove();
    }
  });

  test('buildspecs name the files they run', () => {
    // yaml 2 is installed with asl-validator.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require('yaml') as { parse: (text: string) => any };
    const root = path.join(__dirname, '..', '..', 'jobs', 'pipeline');
    const build = yaml.parse(fs.readFileSync(path.join(root, 'build.yml'), 'utf8'));
    const deploy = yaml.parse(fs.readFileSync(path.join(root, 'deploy.yml'), 'utf8'));
    expect(build.env['exported-variables']).toEqual(['TEMPLATE_VERSION']);
    expect(build.artifacts.files).toEqual(['cdktf.out/**/*', 'jobs/pipeline/**/*']);
    expect(build.phases.pre_build.commands).toEqual(['npm test']);
    expect(deploy.phases.build.commands.join('\n')).toContain('key=platform/${STACK}.tfstate');
    expect(deploy.phases.build.commands.join('\n')).toContain('use_lockfile=true');
    const project = findResource(app.stacks['control-plane'], 'aws_codebuild_project', 'name', 'tenantform-pipeline-build');
    expect(project.source.buildspec).toBe('jobs/pipeline/build.yml');
    expect(pipelineOf(app).stage[1].action[0].configuration.ProjectName).toMatch(/^\$\{aws_codebuild_project\.deployment-pipeline_build_project_\w+\.name\}$/);
  });
});
