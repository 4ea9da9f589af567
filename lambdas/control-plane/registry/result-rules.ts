/**
 * Rules of the registry updater for each lifecycle result event: the status it moves the
 * tenant to and from, and the attributes it writes. Failures of activation and
 * deactivation keep the status and only store the reason.
 */
import type { DetailType } from '../../shared/events';
import { trimStatusReason } from '../../shared/registry';
import { TenantStatus } from '../../shared/tenant';

/** A result that moves the tenant to another status. */
export interface TransitionRule {
  readonly kind: 'transition';
  readonly to: TenantStatus;
  readonly from: readonly TenantStatus[];
  /** Attributes written with the transition, from the event detail and the time it is applied. */
  set(detail: ResultDetail, now: string): Record<string, unknown>;
  readonly remove: readonly string[];
}

/** A failed activation or deactivation: the status stays, and the reason is stored. */
export interface ReasonRule {
  readonly kind: 'reason';
  /** The status the tenant has while the failed operation left it unchanged. */
  readonly whenStatus: readonly TenantStatus[];
}

export type ResultRule = TransitionRule | ReasonRule;

export interface ResultDetail {
  readonly tenantId: string;
  readonly reason?: string;
  readonly jobOutput?: Readonly<Record<string, string | number | boolean>>;
  /** Execution that did the work, stored as the tenant's `lastExecutionArn`. */
  readonly executionArn?: string;
}

const reasonOf = (detail: ResultDetail) => ({ statusReason: trimStatusReason(detail.reason ?? 'no reason given') });

export const RESULT_RULES: Readonly<Partial<Record<DetailType, ResultRule>>> = {
  sbt_aws_provisionSuccess: {
    kind: 'transition',
    to: 'ACTIVE',
    from: ['PROVISIONING'],
    set: (detail, now) => ({ outputs: outputsOf(detail), provisionedAt: now, ...templateVersionOf(detail, now) }),
    remove: ['statusReason'],
  },
  sbt_aws_provisionFailure: {
    kind: 'transition',
    to: 'PROVISION_FAILED',
    from: ['PENDING', 'PROVISIONING'],
    set: reasonOf,
    remove: [],
  },
  sbt_aws_deprovisionSuccess: {
    kind: 'transition',
    to: 'DELETED',
    from: ['DEPROVISIONING'],
    set: (_detail, now) => ({ deletedAt: now }),
    remove: ['statusReason'],
  },
  sbt_aws_deprovisionFailure: {
    kind: 'transition',
    to: 'DEPROVISION_FAILED',
    from: ['DEPROVISIONING'],
    set: reasonOf,
    remove: [],
  },
  sbt_aws_deactivateSuccess: { kind: 'transition', to: 'INACTIVE', from: ['ACTIVE'], set: () => ({}), remove: ['statusReason'] },
  sbt_aws_activateSuccess: { kind: 'transition', to: 'ACTIVE', from: ['INACTIVE'], set: () => ({}), remove: ['statusReason'] },
  sbt_aws_deactivateFailure: { kind: 'reason', whenStatus: ['ACTIVE'] },
  sbt_aws_activateFailure: { kind: 'reason', whenStatus: ['INACTIVE'] },
};

/**
 * Returns the job's outputs without `templateVersion`, which the record keeps at its top
 * level, where rollouts update it. A copy in `outputs` would go stale after the first rollout.
 */
function outputsOf(detail: ResultDetail): Record<string, string | number | boolean> {
  const { templateVersion: _templateVersion, ...outputs } = detail.jobOutput ?? {};
  return outputs;
}

/** A silo job reports the tenant-template version it applied as `jobOutput.templateVersion`. */
function templateVersionOf(detail: ResultDetail, now: string): Record<string, string> {
  const version = detail.jobOutput?.templateVersion;
  return typeof version === 'string' && version.length > 0 ? { templateVersion: version, templateDeployedAt: now } : {};
}

/**
 * The rule applied when a lifecycle state machine execution fails, times out or is
 * aborted, by the detail type of the request event that started it. Each one moves a
 * tenant only out of the in-progress statuses of that operation.
 */
export const EXECUTION_FAILURE_RULES: Readonly<Partial<Record<DetailType, ResultRule>>> = {
  sbt_aws_onboardingRequest: RESULT_RULES.sbt_aws_provisionFailure,
  sbt_aws_offboardingRequest: RESULT_RULES.sbt_aws_deprovisionFailure,
  sbt_aws_activateRequest: RESULT_RULES.sbt_aws_activateFailure,
  sbt_aws_deactivateRequest: RESULT_RULES.sbt_aws_deactivateFailure,
};
