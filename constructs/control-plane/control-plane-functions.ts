/**
 * Every control-plane handler of the catalog as a Lambda function, with its least-privilege
 * statements and the environment that `lambdas/shared/environment.ts` names.
 */
import { Construct } from 'constructs';
import { CONTROL_PLANE_HANDLERS, HandlerId } from '../../lambdas/catalog';
import { ENV } from '../../lambdas/shared/environment';
import { NodeFunction } from '../shared/node-function';
import type { PolicyStatement } from '../shared/iam';
import { ControlPlaneResources, controlPlaneStatements } from './control-plane-permissions';

/** Seconds a handler may run, where the default of 10 s is too short. */
const TIMEOUT_SECONDS: Readonly<Record<string, number>> = {
  // HTTP API waits at most 30 s for an integration, so API handlers stay under it.
  'registry-update': 30,
  'lifecycle-provision-pool': 60,
  'lifecycle-create-admin': 60,
  'lifecycle-set-access': 120,
  // Deletes every item of a pooled tenant, a page of 25 writes at a time.
  'lifecycle-deprovision-pool': 900,
  // Reads every silo tenant a page at a time and writes one rollout item per tenant.
  'rollout-plan': 300,
  // Reads every tenant item of a rollout to find the failed ones.
  'rollout-set-status': 60,
};

export interface ControlPlaneFunctionsProps {
  readonly resources: ControlPlaneResources;
  readonly controlPlaneUserPoolId: string;
  /** Extra statements for some handlers, such as sending to a dead-letter queue. */
  readonly extraStatements?: Readonly<Partial<Record<HandlerId, readonly PolicyStatement[]>>>;
}

export class ControlPlaneFunctions extends Construct {
  private readonly functions = new Map<string, NodeFunction>();

  constructor(scope: Construct, id: string, props: ControlPlaneFunctionsProps) {
    super(scope, id);
    const { config, names, tenantsTable, tenantNamesTable } = props.resources;

    const environment: Record<string, string> = {
      [ENV.tenantsTable]: tenantsTable.name,
      [ENV.tenantNamesTable]: tenantNamesTable.name,
      [ENV.eventBusName]: props.resources.eventBusName,
      [ENV.controlPlaneSource]: config.eventSources.controlPlane,
      [ENV.applicationPlaneSource]: config.eventSources.applicationPlane,
      [ENV.tiers]: JSON.stringify(config.tiers.map((tier) => ({ name: tier.name, model: tier.model }))),
      [ENV.controlPlaneUserPoolId]: props.controlPlaneUserPoolId,
      [ENV.applicationPlaneParameterPath]: props.resources.applicationPlaneParameterPath,
      [ENV.platformPrefix]: config.prefix,
      ...(props.resources.rolloutsTable ? { [ENV.rolloutsTable]: props.resources.rolloutsTable.name } : {}),
    };

    for (const handler of CONTROL_PLANE_HANDLERS) {
      const statements = [...controlPlaneStatements(handler.id, props.resources), ...(props.extraStatements?.[handler.id] ?? [])];
      const fn = new NodeFunction(this, handler.id, {
        handler: handler.id,
        functionName: names.of(handler.id),
        serviceName: handler.id,
        metricsNamespace: `${config.prefix}-control-plane`,
        logRetentionDays: config.logRetentionDays,
        statements,
        environment,
        timeoutSeconds: TIMEOUT_SECONDS[handler.id],
      });
      this.functions.set(handler.id, fn);
    }
  }

  /** Returns the function of a catalog handler, or throws when it is not a control-plane handler. */
  get(handlerId: string): NodeFunction {
    const fn = this.functions.get(handlerId);
    if (!fn) {
      throw new Error(`"${handlerId}" is not a control-plane handler; the control plane has ${[...this.functions.keys()].join(', ')}`);
    }
    return fn;
  }

  all(): NodeFunction[] {
    return [...this.functions.values()];
  }
}
