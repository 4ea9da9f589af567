/**
 * Runs the lifecycle state machines end to end in tests. It combines the local engines of
 * `lifecycle-engines.ts` with the local Step Functions runner bound to them. The registry
 * updater (`registry-update`) consumes the result events from the bus, through the control
 * plane's rules. Executions start directly with the event a rule would deliver, so a test
 * controls duplicates and ordering.
 */
import * as path from 'path';
import { controlPlaneRules } from '../../../local/eventbridge/consumer-rules';
import { invokeLocalHandler } from '../../../local/lambda-runtime';
import { LocalStateMachine, LocalStateMachineOptions } from '../../../local/stepfunctions/local-state-machine';
import { LocalDefinitionValues } from '../../../local/stepfunctions/asl-template';
import { LocalTaskBindings } from '../../../local/stepfunctions/task-bindings';
import { BusEvent } from '../../../local/eventbridge/bus-event';
import {
  ACCOUNT_ID,
  APPLICATION_PLANE_SOURCE,
  BUS_NAME,
  CONTROL_PLANE_SOURCE,
  LifecycleEngines,
  PREFIX,
  REGION,
  startLifecycleEngines,
  TABLES,
  TEMPLATE_VERSION_PARAMETER,
} from '../../lambdas/control-plane/lifecycle/support/lifecycle-engines';

export const STATE_MACHINE_DIR = path.resolve(__dirname, '..', '..', '..', 'statemachines');

export type MachineId = 'onboarding' | 'offboarding' | 'activation';

export const DEFINITION_VALUES: LocalDefinitionValues = {
  region: REGION,
  accountId: ACCOUNT_ID,
  prefix: PREFIX,
  placeholders: {
    EventBusName: BUS_NAME,
    ControlPlaneSource: CONTROL_PLANE_SOURCE,
    ApplicationPlaneSource: APPLICATION_PLANE_SOURCE,
    TenantsTable: TABLES.tenants,
    ProvisioningProjectName: `${PREFIX}-provisioning`,
    TemplateVersionParameter: TEMPLATE_VERSION_PARAMETER,
  },
};

export interface LifecycleHarness {
  readonly engines: LifecycleEngines;
  /** Loads a machine with bus and SSM bindings; `options` adds or replaces bindings. */
  machine(id: MachineId, options?: { bindings?: Partial<LocalTaskBindings>; taskTimeoutSeconds?: LocalStateMachineOptions['taskTimeoutSeconds'] }): LocalStateMachine;
  /** Waits until the registry updater has handled every event on the bus. */
  settle(): Promise<void>;
  /** Events of one detail type about one tenant. */
  eventsOf(detailType: string, tenantId: string): BusEvent[];
  stop(): Promise<void>;
}

export async function startLifecycleHarness(): Promise<LifecycleHarness> {
  const engines = await startLifecycleEngines({
    rules: () =>
      controlPlaneRules(PREFIX, { controlPlane: CONTROL_PLANE_SOURCE, applicationPlane: APPLICATION_PLANE_SOURCE }, (target) => ({
        id: target.id,
        // Requests reach the machines through the tests; only the registry updater consumes here.
        deliver: async (event) => {
          if (target.kind === 'function') {
            await invokeLocalHandler(target.id, event);
          }
        },
      })),
  });

  return {
    engines,
    machine: (id, options = {}) =>
      new LocalStateMachine({
        name: `${PREFIX}-${id}`,
        definitionFile: path.join(STATE_MACHINE_DIR, `${id}.asl.json`),
        values: DEFINITION_VALUES,
        bindings: {
          putEvents: (entries) => engines.bus.putEvents(entries),
          // Tests of silo tenants give the local CodeBuild runner; others must not start a build.
          ...(options.bindings?.codeBuild
            ? {}
            : {
                startBuildSync: async () => {
                  throw new Error('this test gave no CodeBuild binding, so a build was not expected');
                },
              }),
          ...options.bindings,
        },
        retryDelayMs: 5,
        taskTimeoutSeconds: options.taskTimeoutSeconds,
      }),
    settle: () => engines.bus.idle(),
    eventsOf: (detailType, tenantId) => engines.events.filter((event) => event['detail-type'] === detailType && event.detail.tenantId === tenantId),
    stop: () => engines.stop(),
  };
}
