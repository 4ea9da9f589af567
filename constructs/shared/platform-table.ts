/**
 * A DynamoDB table from a `TableSpec`, hardened the same way everywhere: on-demand billing,
 * point-in-time recovery, server-side encryption with the AWS managed KMS key, deletion
 * protection, and every global secondary index projecting all attributes.
 */
import { Construct } from 'constructs';
import type { IResolvable } from 'cdktf';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { attributeDefinitions, TableSpec } from './table-specs';

export interface PlatformTableProps {
  readonly tableName: string;
  readonly spec: TableSpec;
  /**
   * Whether DynamoDB rejects a delete of the table. A Terraform boolean expression may be
   * given as a token, as the tenant template does so offboarding can switch it off first.
   * @default true
   */
  readonly deletionProtection?: boolean | IResolvable;
}

export class PlatformTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: PlatformTableProps) {
    super(scope, id);
    const { spec } = props;

    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: spec.partitionKey.name,
      rangeKey: spec.sortKey?.name,
      attribute: attributeDefinitions(spec).map((key) => ({ name: key.name, type: key.type })),
      globalSecondaryIndex: spec.indexes.map((index) => ({
        name: index.name,
        hashKey: index.partitionKey.name,
        rangeKey: index.sortKey?.name,
        projectionType: 'ALL',
      })),
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? true,
    });
  }

  get name(): string {
    return this.table.name;
  }

  get arn(): string {
    return this.table.arn;
  }

  /** ARNs of the table and all its indexes, for policies that read through an index. */
  get arnsWithIndexes(): string[] {
    return [this.table.arn, `${this.table.arn}/index/*`];
  }
}
