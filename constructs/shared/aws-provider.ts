/**
 * The AWS provider of every stack, pinned to the version the bindings were generated for.
 * With TENANTFORM_OFFLINE_PLAN=1 it is configured for `terraform plan` without an AWS
 * account; without it, it is configured as for a real deployment.
 */
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { PlatformConfig } from '../../config/platform-config';

/** Version constraint written to `required_providers`; the bindings target exactly this. */
export const AWS_PROVIDER_VERSION = '5.100.0';

export const OFFLINE_PLAN_ENV = 'TENANTFORM_OFFLINE_PLAN';

export function offlinePlanRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[OFFLINE_PLAN_ENV] === '1';
}

export function createAwsProvider(scope: Construct, config: PlatformConfig, region: string = config.region): AwsProvider {
  const provider = new AwsProvider(scope, 'aws', { region });
  if (offlinePlanRequested()) {
    // Dummy credentials and skipped checks let the provider plan without reaching STS, IAM
    // or the instance metadata service. Only tests and the local sandbox set the variable.
    provider.accessKey = 'offline-plan';
    provider.secretKey = 'offline-plan';
    provider.skipCredentialsValidation = true;
    provider.skipRequestingAccountId = true;
    provider.skipMetadataApiCheck = 'true';
    provider.skipRegionValidation = true;
  }
  return provider;
}
