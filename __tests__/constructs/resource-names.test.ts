import { maxPrefixLength, TENANT_ID_MAX_LENGTH } from '../../config/naming';
import { STACK_IDS } from '../../main';
import { synthesizeApp, SynthesizedApp } from '../support/synthesized-app';

/** AWS name limits of the resource types whose names derive from the prefix. */
const NAME_LIMITS: Readonly<Record<string, { attribute: string; limit: number }>> = {
  aws_s3_bucket: { attribute: 'bucket', limit: 63 },
  aws_iam_role: { attribute: 'name', limit: 64 },
  aws_lambda_function: { attribute: 'function_name', limit: 64 },
  aws_cloudwatch_event_archive: { attribute: 'name', limit: 48 },
  aws_cloudwatch_event_rule: { attribute: 'name', limit: 64 },
  aws_sqs_queue: { attribute: 'name', limit: 80 },
  aws_sfn_state_machine: { attribute: 'name', limit: 80 },
  aws_api_gateway_usage_plan: { attribute: 'name', limit: 128 },
  aws_cognito_user_pool_domain: { attribute: 'domain', limit: 63 },
  aws_cognito_user_pool: { attribute: 'name', limit: 128 },
  aws_dynamodb_table: { attribute: 'name', limit: 255 },
  aws_codebuild_project: { attribute: 'name', limit: 150 },
  aws_cloudwatch_log_group: { attribute: 'name', limit: 512 },
};

let app: SynthesizedApp;

beforeAll(() => {
  // A 12-digit account and the longest prefix validation accepts, with the longest tenant id.
  app = synthesizeApp({ prefix: 'p'.repeat(maxPrefixLength()), accountId: '999999999999' });
});

afterAll(() => app.remove());

describe('resource names at the longest prefix', () => {
  it.each(STACK_IDS.map((id) => [id]))('every name in %s fits its AWS limit', (id) => {
    let checked = 0;
    for (const [type, { attribute, limit }] of Object.entries(NAME_LIMITS)) {
      for (const resource of Object.values(app.stacks[id].resource?.[type] ?? {})) {
        const value = resource[attribute];
        if (typeof value !== 'string' || value.startsWith('${aws_')) {
          continue;
        }
        const name = value.replace(/\$\{var\.tenant_id\}/g, 't'.repeat(TENANT_ID_MAX_LENGTH)).replace(/\$\{var\.tier\}/g, 'PLATINUM');
        expect(`${type} ${name} (${name.length})`).toBe(`${type} ${name} (${Math.min(name.length, limit)})`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
