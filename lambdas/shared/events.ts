/**
 * The event catalog of the bus. Detail types and sources follow SBT-AWS, so an SBT
 * application plane can consume this control plane's events and the other way round.
 * Every detail carries `tenantId`.
 */
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../../config/naming';

export const DETAIL_TYPES = {
  onboardingRequest: 'sbt_aws_onboardingRequest',
  offboardingRequest: 'sbt_aws_offboardingRequest',
  activateRequest: 'sbt_aws_activateRequest',
  deactivateRequest: 'sbt_aws_deactivateRequest',
  provisionSuccess: 'sbt_aws_provisionSuccess',
  provisionFailure: 'sbt_aws_provisionFailure',
  deprovisionSuccess: 'sbt_aws_deprovisionSuccess',
  deprovisionFailure: 'sbt_aws_deprovisionFailure',
  activateSuccess: 'sbt_aws_activateSuccess',
  activateFailure: 'sbt_aws_activateFailure',
  deactivateSuccess: 'sbt_aws_deactivateSuccess',
  deactivateFailure: 'sbt_aws_deactivateFailure',
  tenantUserCreated: 'sbt_aws_tenantUserCreated',
  tenantUserDeleted: 'sbt_aws_tenantUserDeleted',
  ingestUsage: 'sbt_aws_ingestUsage',
} as const;

export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** Plane that emits each detail type. The plane's source comes from configuration. */
export const EMITTING_PLANE: Readonly<Record<DetailType, 'controlPlane' | 'applicationPlane'>> = {
  sbt_aws_onboardingRequest: 'controlPlane',
  sbt_aws_offboardingRequest: 'controlPlane',
  sbt_aws_activateRequest: 'controlPlane',
  sbt_aws_deactivateRequest: 'controlPlane',
  sbt_aws_tenantUserCreated: 'controlPlane',
  sbt_aws_tenantUserDeleted: 'controlPlane',
  sbt_aws_provisionSuccess: 'applicationPlane',
  sbt_aws_provisionFailure: 'applicationPlane',
  sbt_aws_deprovisionSuccess: 'applicationPlane',
  sbt_aws_deprovisionFailure: 'applicationPlane',
  sbt_aws_activateSuccess: 'applicationPlane',
  sbt_aws_activateFailure: 'applicationPlane',
  sbt_aws_deactivateSuccess: 'applicationPlane',
  sbt_aws_deactivateFailure: 'applicationPlane',
  sbt_aws_ingestUsage: 'applicationPlane',
};

const tenantId = z.string().regex(TENANT_ID_PATTERN, 'must be 4 to 20 lowercase letters or digits');
const reason = z.string().min(1).max(4000);

export const onboardingRequestDetail = z.object({
  tenantId,
  tenantRegistrationId: z.string().min(1).max(64),
  tenantName: z.string().min(1).max(64),
  email: z.string().email(),
  tier: z.string().min(1).max(32),
});

export const lifecycleRequestDetail = z.object({
  tenantId,
  tier: z.string().min(1).max(32).optional(),
});

/** ARN of the execution that did the work; the registry stores it as `lastExecutionArn`. */
const executionArn = z.string().min(1).max(2048).optional();

export const successDetail = z.object({
  tenantId,
  tenantRegistrationId: z.string().optional(),
  executionArn,
  /** Outputs of the job or steps that did the work, such as the tenant's API URL. */
  jobOutput: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])).optional(),
});

export const failureDetail = z.object({
  tenantId,
  tenantRegistrationId: z.string().optional(),
  executionArn,
  reason,
});

export const tenantUserDetail = z.object({
  tenantId,
  userName: z.string().min(1),
  userRole: z.string().optional(),
});

/** Schema of the detail of each consumed detail type. */
export const DETAIL_SCHEMAS = {
  sbt_aws_onboardingRequest: onboardingRequestDetail,
  sbt_aws_offboardingRequest: lifecycleRequestDetail,
  sbt_aws_activateRequest: lifecycleRequestDetail,
  sbt_aws_deactivateRequest: lifecycleRequestDetail,
  sbt_aws_provisionSuccess: successDetail,
  sbt_aws_provisionFailure: failureDetail,
  sbt_aws_deprovisionSuccess: successDetail,
  sbt_aws_deprovisionFailure: failureDetail,
  sbt_aws_activateSuccess: successDetail,
  sbt_aws_activateFailure: failureDetail,
  sbt_aws_deactivateSuccess: successDetail,
  sbt_aws_deactivateFailure: failureDetail,
  sbt_aws_tenantUserCreated: tenantUserDetail,
  sbt_aws_tenantUserDeleted: tenantUserDetail,
} as const;

export type OnboardingRequestDetail = z.infer<typeof onboardingRequestDetail>;
export type SuccessDetail = z.infer<typeof successDetail>;
export type FailureDetail = z.infer<typeof failureDetail>;

/**
 * The EventBridge rules of the control plane: which detail types each consumer receives.
 * The stack creates one rule per entry, and the local bus matches the same patterns.
 */
export interface ConsumerRule {
  /** Rule name suffix, such as `onboarding-request`. */
  readonly name: string;
  readonly detailType: DetailType;
  readonly emittedBy: 'controlPlane' | 'applicationPlane';
  /** State machine id or handler id that receives matching events. */
  readonly target: { readonly kind: 'stateMachine'; readonly id: 'onboarding' | 'offboarding' | 'activation' } | { readonly kind: 'function'; readonly id: 'registry-update' };
}

export const CONSUMER_RULES: readonly ConsumerRule[] = [
  { name: 'onboarding-request', detailType: 'sbt_aws_onboardingRequest', emittedBy: 'controlPlane', target: { kind: 'stateMachine', id: 'onboarding' } },
  { name: 'offboarding-request', detailType: 'sbt_aws_offboardingRequest', emittedBy: 'controlPlane', target: { kind: 'stateMachine', id: 'offboarding' } },
  { name: 'activate-request', detailType: 'sbt_aws_activateRequest', emittedBy: 'controlPlane', target: { kind: 'stateMachine', id: 'activation' } },
  { name: 'deactivate-request', detailType: 'sbt_aws_deactivateRequest', emittedBy: 'controlPlane', target: { kind: 'stateMachine', id: 'activation' } },
  { name: 'provision-success', detailType: 'sbt_aws_provisionSuccess', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'provision-failure', detailType: 'sbt_aws_provisionFailure', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'deprovision-success', detailType: 'sbt_aws_deprovisionSuccess', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'deprovision-failure', detailType: 'sbt_aws_deprovisionFailure', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'activate-success', detailType: 'sbt_aws_activateSuccess', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'activate-failure', detailType: 'sbt_aws_activateFailure', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'deactivate-success', detailType: 'sbt_aws_deactivateSuccess', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
  { name: 'deactivate-failure', detailType: 'sbt_aws_deactivateFailure', emittedBy: 'applicationPlane', target: { kind: 'function', id: 'registry-update' } },
];

/** Builds the EventBridge event pattern of a consumer rule for the given plane sources. */
export function consumerRulePattern(
  rule: ConsumerRule,
  sources: { readonly controlPlane: string; readonly applicationPlane: string },
): { source: string[]; 'detail-type': string[] } {
  return { source: [sources[rule.emittedBy]], 'detail-type': [rule.detailType] };
}
