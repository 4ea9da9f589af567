/**
 * The control plane's DynamoDB tables, one per entry of `CONTROL_PLANE_TABLES`: the tenants
 * table with its listing indexes and the tenant-name reservations, plus any table a later
 * spec adds there.
 */
import { Construct } from 'constructs';
import { CONTROL_PLANE_TABLES } from '../shared/table-specs';
import { PlatformTable } from '../shared/platform-table';
import type { ResourceNames } from '../../config/naming';

export type ControlPlaneTableKey = keyof typeof CONTROL_PLANE_TABLES;

export class ControlPlaneTables extends Construct {
  readonly tables: Readonly<Record<ControlPlaneTableKey, PlatformTable>>;

  constructor(scope: Construct, id: string, names: ResourceNames) {
    super(scope, id);
    const tables: Partial<Record<ControlPlaneTableKey, PlatformTable>> = {};
    for (const [key, spec] of Object.entries(CONTROL_PLANE_TABLES) as [ControlPlaneTableKey, (typeof CONTROL_PLANE_TABLES)[ControlPlaneTableKey]][]) {
      tables[key] = new PlatformTable(this, spec.suffix, { tableName: names.of(spec.suffix), spec });
    }
    this.tables = tables as Record<ControlPlaneTableKey, PlatformTable>;
  }

  get tenants(): PlatformTable {
    return this.tables.tenants;
  }

  get tenantNames(): PlatformTable {
    return this.tables.tenantNames;
  }

  /** The rollouts table, when the table specs define one. */
  get rollouts(): PlatformTable | undefined {
    return (this.tables as Partial<Record<string, PlatformTable>>).rollouts;
  }
}
