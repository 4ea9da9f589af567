/**
 * Default platform settings. The tiers match the usage plans of the AWS serverless SaaS
 * reference solution: three pooled tiers and one silo tier.
 */
import type { PlatformConfig, TierConfig } from './platform-config';

export const DEFAULT_TIERS: readonly TierConfig[] = [
  { name: 'BASIC', model: 'pool', rateLimit: 50, burstLimit: 50, dailyQuota: 1000, lambdaMemoryMb: 256 },
  { name: 'STANDARD', model: 'pool', rateLimit: 75, burstLimit: 100, dailyQuota: 3000, lambdaMemoryMb: 256 },
  { name: 'PREMIUM', model: 'pool', rateLimit: 100, burstLimit: 200, dailyQuota: 5000, lambdaMemoryMb: 512 },
  {
    name: 'PLATINUM',
    model: 'silo',
    rateLimit: 300,
    burstLimit: 300,
    dailyQuota: 10000,
    lambdaMemoryMb: 1024,
    reservedConcurrency: 20,
  },
];

export const DEFAULT_PLATFORM: Omit<PlatformConfig, 'tiers'> = {
  prefix: 'tenantform',
  region: 'us-east-1',
  // The documentation placeholder account. Set your own before a real deployment.
  accountId: '123456789012',
  environment: 'dev',
  logRetentionDays: 30,
  tags: {},
  terraformVersion: '1.11.4',
  eventSources: {
    controlPlane: 'sbt.control.plane',
    applicationPlane: 'sbt.application.plane',
  },
  jobTimeoutMinutes: 60,
  // A locally served admin console; set the deployed console's URL before a real deployment.
  adminCallbackUrls: ['http://localhost:8080/callback'],
};
