/**
 * Turns the CodeBuild `Build` that `startBuild.sync` returns into tenant outputs. The
 * provisioning job exports each Terraform output of the tenant template as a variable
 * named in `jobs/buildspec.yml`, such as `TENANT_API_URL`. This handler maps them to the
 * registry's output names and checks that a deployed silo stack returned what a tenant
 * needs. A job of the local sandbox stops at `terraform plan` and exports
 * `TENANT_PLANNED=true`, and its outputs that stay unknown until apply keep that mark.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '../../shared/powertools';
import { executionIdSchema, JobOutputsError, parseLifecycleInput, startInvocation } from './lifecycle-handler';

const HANDLER_ID = 'lifecycle-job-outputs';

/** Exported variable of the job to output name in the registry. */
export const JOB_OUTPUT_VARIABLES = {
  TENANT_API_URL: 'apiUrl',
  TENANT_USER_POOL_ID: 'userPoolId',
  TENANT_USER_POOL_CLIENT_ID: 'userPoolClientId',
  TENANT_PRODUCTS_TABLE_NAME: 'productsTableName',
  TENANT_ORDERS_TABLE_NAME: 'ordersTableName',
  TENANT_API_KEY_ID: 'apiKeyId',
  TENANT_TEMPLATE_VERSION: 'templateVersion',
} as const;

/** Outputs a deployed silo stack must return. */
const REQUIRED_OUTPUTS = ['apiUrl', 'userPoolId', 'userPoolClientId'] as const;

/** Value the local job writes for an output that stays unknown until apply. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

const inputSchema = z.object({
  build: z.looseObject({
    Id: z.string().optional(),
    BuildStatus: z.string().optional(),
    ExportedEnvironmentVariables: z.array(z.object({ Name: z.string().optional(), Value: z.string().optional() })).optional(),
  }),
  request: z.object({ tenantId: z.string().min(1), tier: z.string().optional() }),
  templateVersion: z.string().min(1),
  executionId: executionIdSchema,
});

export type SiloTenantOutputs = Record<string, string | boolean>;

export const handler = async (input: unknown, context?: Context): Promise<SiloTenantOutputs> => {
  const { build, request, templateVersion, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  startInvocation(context, { tenantId: request.tenantId, tier: request.tier, executionId });

  if (build.BuildStatus !== undefined && build.BuildStatus !== 'SUCCEEDED') {
    throw new JobOutputsError(`provisioning job ${build.Id ?? '(no id)'} ended with status ${build.BuildStatus}, so it has no outputs`);
  }

  const exported = new Map<string, string>();
  for (const variable of build.ExportedEnvironmentVariables ?? []) {
    if (variable.Name && variable.Value !== undefined && variable.Value !== '') {
      exported.set(variable.Name, variable.Value);
    }
  }

  const outputs: SiloTenantOutputs = { templateVersion };
  for (const [variable, output] of Object.entries(JOB_OUTPUT_VARIABLES)) {
    const value = exported.get(variable);
    if (value !== undefined) {
      outputs[output] = value;
    }
  }
  const planned = exported.get('TENANT_PLANNED') === 'true';
  if (planned) {
    outputs.planned = true;
  }
  if (build.Id) {
    outputs.buildId = build.Id;
  }

  const missing = REQUIRED_OUTPUTS.filter((name) => outputs[name] === undefined);
  if (missing.length > 0) {
    const variables = Object.entries(JOB_OUTPUT_VARIABLES)
      .filter(([, output]) => (missing as readonly string[]).includes(output))
      .map(([variable]) => variable);
    const problem =
      `provisioning job ${build.Id ?? '(no id)'} exported no ${variables.join(', ')}; ` +
      'the tenant template must define the outputs api_url, user_pool_id and user_pool_client_id';
    if (!planned) {
      throw new JobOutputsError(problem);
    }
    // NOTE: a planned stack cannot be used anyway, so the local sandbox goes on and only
    // logs the template's missing outputs. A deployed stack fails here.
    logger.warn('planned tenant stack lacks outputs', { problem });
  }
  if (!planned) {
    const unknown = REQUIRED_OUTPUTS.filter((name) => outputs[name] === KNOWN_AFTER_APPLY);
    if (unknown.length > 0) {
      throw new JobOutputsError(`provisioning job ${build.Id ?? '(no id)'} was applied but left ${unknown.join(', ')} unknown`);
    }
  }

  logger.info('job outputs collected', { buildId: build.Id, planned, outputs: Object.keys(outputs) });
  return outputs;
};
