/** The product and order tables of the application services, from `SERVICE_TABLES`. */
import { Construct } from 'constructs';
import type { IResolvable } from 'cdktf';
import { SERVICE_TABLES } from '../shared/table-specs';
import { PlatformTable } from '../shared/platform-table';
import type { ServiceNaming } from './service-naming';

export interface ServiceTablesProps {
  readonly naming: ServiceNaming;
  /** Boolean or Terraform expression; see `PlatformTableProps.deletionProtection`. */
  readonly deletionProtection: boolean | IResolvable;
}

export class ServiceTables extends Construct {
  readonly products: PlatformTable;
  readonly orders: PlatformTable;

  constructor(scope: Construct, id: string, props: ServiceTablesProps) {
    super(scope, id);
    this.products = new PlatformTable(this, 'products', {
      tableName: props.naming.of(SERVICE_TABLES.products.suffix),
      spec: SERVICE_TABLES.products,
      deletionProtection: props.deletionProtection,
    });
    this.orders = new PlatformTable(this, 'orders', {
      tableName: props.naming.of(SERVICE_TABLES.orders.suffix),
      spec: SERVICE_TABLES.orders,
      deletionProtection: props.deletionProtection,
    });
  }

  get all(): PlatformTable[] {
    return [this.products, this.orders];
  }
}
