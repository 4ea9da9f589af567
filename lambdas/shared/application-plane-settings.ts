/**
 * Settings the application-plane stack publishes as SSM parameters under
 * APPLICATION_PLANE_PARAMETER_PATH (`/<prefix>/application-plane/`): `user-pool-id`,
 * `user-pool-client-id`, `api-url`, `products-table`, `orders-table` and one
 * `usage-plan-id/<TIER>` per pooled tier. Control-plane handlers read them with
 * GetParametersByPath, because the stacks share no Terraform references, and cache them
 * per execution environment for `SETTINGS_CACHE_MS`.
 */
import { GetParametersByPathCommand, GetParametersByPathCommandOutput } from '@aws-sdk/client-ssm';
import { ssmClient } from './aws-clients';
import { ENV, requireEnv } from './environment';

export interface ApplicationPlaneSettings {
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  readonly apiUrl?: string;
  readonly productsTable?: string;
  readonly ordersTable?: string;
  /** Usage-plan id of each pooled tier, by tier name. */
  readonly usagePlanIds: Readonly<Record<string, string>>;
}

/** How long a read of the settings is reused, in milliseconds. */
export const SETTINGS_CACHE_MS = 5 * 60 * 1000;

const SETTING_NAMES: Readonly<Record<string, keyof Omit<ApplicationPlaneSettings, 'usagePlanIds'>>> = {
  'user-pool-id': 'userPoolId',
  'user-pool-client-id': 'userPoolClientId',
  'api-url': 'apiUrl',
  'products-table': 'productsTable',
  'orders-table': 'ordersTable',
};

const USAGE_PLAN_PREFIX = 'usage-plan-id/';

let cached: { path: string; readAt: number; settings: ApplicationPlaneSettings } | undefined;

/**
 * Reads every parameter under the configured path, following `NextToken`, and returns the
 * known settings. Parameters with other names are ignored. `refresh` skips the cache.
 */
export async function readApplicationPlaneSettings(options: { refresh?: boolean } = {}): Promise<ApplicationPlaneSettings> {
  const path = normalisePath(requireEnv(ENV.applicationPlaneParameterPath));
  if (!options.refresh && cached && cached.path === path && Date.now() - cached.readAt < SETTINGS_CACHE_MS) {
    return cached.settings;
  }

  const values: Record<string, string> = {};
  const usagePlanIds: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page: GetParametersByPathCommandOutput = await ssmClient().send(
      new GetParametersByPathCommand({ Path: path.replace(/\/$/, ''), Recursive: true, NextToken: nextToken }),
    );
    for (const parameter of page.Parameters ?? []) {
      if (!parameter.Name || parameter.Value === undefined || !parameter.Name.startsWith(path)) {
        continue;
      }
      const relative = parameter.Name.slice(path.length);
      if (relative.startsWith(USAGE_PLAN_PREFIX)) {
        usagePlanIds[relative.slice(USAGE_PLAN_PREFIX.length)] = parameter.Value;
      } else if (relative in SETTING_NAMES) {
        values[SETTING_NAMES[relative]] = parameter.Value;
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);

  const settings: ApplicationPlaneSettings = { ...values, usagePlanIds };
  cached = { path, readAt: Date.now(), settings };
  return settings;
}

/** Drops the cached settings, so the next read goes to SSM. */
export function clearApplicationPlaneSettingsCache(): void {
  cached = undefined;
}

/** Adds the leading and trailing slash that parameter names under the path start with. */
function normalisePath(path: string): string {
  const withLeading = path.startsWith('/') ? path : `/${path}`;
  return withLeading.endsWith('/') ? withLeading : `${withLeading}/`;
}
