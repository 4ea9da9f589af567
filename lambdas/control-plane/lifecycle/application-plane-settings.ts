/**
 * Settings that the application-plane stack publishes as SSM parameters under
 * APPLICATION_PLANE_PARAMETER_PATH (such as `/tenantform/application-plane/`): the pooled
 * user pool, its app client, the API URL, the pooled tables and one usage plan per pooled
 * tier. They are read with GetParametersByPath and cached per execution environment for
 * `CACHE_TTL_MS`, so a redeployed application plane is seen within a minute.
 */
import { GetParametersByPathCommand, GetParametersByPathCommandOutput } from '@aws-sdk/client-ssm';
import { ssmClient } from '../../shared/aws-clients';
import { ENV, requireEnv } from '../../shared/environment';
import { MissingSettingError } from './lifecycle-handler';

export interface ApplicationPlaneSettings {
  readonly parameterPath: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly apiUrl: string;
  readonly productsTable: string;
  readonly ordersTable: string;
  /** Usage plan id of each pooled tier, by tier name. */
  readonly usagePlanIds: Readonly<Record<string, string>>;
}

const CACHE_TTL_MS = 60_000;

let cached: { path: string; readAt: number; settings: ApplicationPlaneSettings } | undefined;

/** Reads (or returns the cached) application-plane settings. */
export async function applicationPlaneSettings(): Promise<ApplicationPlaneSettings> {
  const path = normalisePath(requireEnv(ENV.applicationPlaneParameterPath));
  if (cached && cached.path === path && Date.now() - cached.readAt < CACHE_TTL_MS) {
    return cached.settings;
  }

  const values = await readParametersByPath(path);
  const required = (name: string): string => {
    const value = values.get(name);
    if (!value) {
      throw new MissingSettingError(
        `SSM parameter ${path}${name} is missing; deploy the application-plane stack, which publishes it`,
      );
    }
    return value;
  };

  const usagePlanIds: Record<string, string> = {};
  for (const [name, value] of values) {
    if (name.startsWith('usage-plan-id/')) {
      usagePlanIds[name.slice('usage-plan-id/'.length)] = value;
    }
  }

  const settings: ApplicationPlaneSettings = {
    parameterPath: path,
    userPoolId: required('user-pool-id'),
    userPoolClientId: required('user-pool-client-id'),
    apiUrl: required('api-url'),
    productsTable: required('products-table'),
    ordersTable: required('orders-table'),
    usagePlanIds,
  };
  cached = { path, readAt: Date.now(), settings };
  return settings;
}

/** Returns the usage plan id of a pooled tier, or throws naming the missing parameter. */
export function usagePlanIdOf(settings: ApplicationPlaneSettings, tier: string): string {
  const id = settings.usagePlanIds[tier];
  if (!id) {
    const known = Object.keys(settings.usagePlanIds).sort();
    throw new MissingSettingError(
      `SSM parameter ${settings.parameterPath}usage-plan-id/${tier} is missing, so tier ${tier} has no usage plan; ` +
        `pooled tiers with a plan are ${known.length > 0 ? known.join(', ') : 'none'}. Deploy the application-plane stack with this tier`,
    );
  }
  return id;
}

/** Forgets the cached settings, so the next call reads SSM again. */
export function clearApplicationPlaneSettingsCache(): void {
  cached = undefined;
}

function normalisePath(path: string): string {
  const withLeading = path.startsWith('/') ? path : `/${path}`;
  return withLeading.endsWith('/') ? withLeading : `${withLeading}/`;
}

async function readParametersByPath(path: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page: GetParametersByPathCommandOutput = await ssmClient().send(
      // The path goes without its trailing slash, the form the SSM documentation uses.
      new GetParametersByPathCommand({ Path: path.slice(0, -1), Recursive: true, WithDecryption: true, NextToken: nextToken }),
    );
    for (const parameter of page.Parameters ?? []) {
      if (parameter.Name && parameter.Value !== undefined && parameter.Name.startsWith(path)) {
        values.set(parameter.Name.slice(path.length), parameter.Value);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return values;
}
