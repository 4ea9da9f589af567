/**
 * The control plane's EventBridge rules for the local bus, built from `CONSUMER_RULES` and
 * `consumerRulePattern`, the same source the control-plane stack creates its rules from.
 * Each rule validates the event detail with the catalog's schema before delivery.
 */
import { CONSUMER_RULES, ConsumerRule, consumerRulePattern, DETAIL_SCHEMAS } from '../../lambdas/shared/events';
import type { BusEvent } from './bus-event';
import type { BusRuleDefinition, BusTarget } from './local-bus';

export interface EventSources {
  readonly controlPlane: string;
  readonly applicationPlane: string;
}

/** Returns the bus target of a consumer rule, such as a state machine runner or a handler. */
export type TargetResolver = (target: ConsumerRule['target']) => BusTarget;

export function controlPlaneRules(prefix: string, sources: EventSources, resolveTarget: TargetResolver): BusRuleDefinition[] {
  return CONSUMER_RULES.map((rule) => ({
    name: `${prefix}-${rule.name}`,
    pattern: consumerRulePattern(rule, sources),
    target: resolveTarget(rule.target),
    validate: (event: BusEvent) => detailProblem(event),
  }));
}

/** Returns every schema violation of the event's detail in one line, or undefined when it is valid. */
export function detailProblem(event: BusEvent): string | undefined {
  const schema = DETAIL_SCHEMAS[event['detail-type'] as keyof typeof DETAIL_SCHEMAS];
  if (!schema) {
    return undefined;
  }
  const result = schema.safeParse(event.detail);
  if (result.success) {
    return undefined;
  }
  const problems = result.error.issues.map((issue) => {
    const field = ['detail', ...issue.path.map(String)].join('.');
    return `${field}: ${issue.message}`;
  });
  return `invalid ${event['detail-type']} detail: ${problems.join('; ')}`;
}
