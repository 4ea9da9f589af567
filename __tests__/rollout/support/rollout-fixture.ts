/**
 * A dynalite registry with silo tenants and a fake CodeBuild that records when each build
 * ran, for the rollout tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LocalDynamoDb, ensureTable, startLocalDynamoDb } from '../../../local/dynamodb';
import { CONTROL_PLANE_TABLES } from '../../../constructs/shared/table-specs';
import type { RolloutBuild, RolloutBuildRequest } from '../../../local/rollout/local-rollout-runner';

export const PREFIX = 'rt';
export const TABLES = { tenants: `${PREFIX}-tenants`, tenantNames: `${PREFIX}-tenant-names`, rollouts: `${PREFIX}-rollouts` };
export const TIERS = [
  { name: 'BASIC', model: 'pool' },
  { name: 'PLATINUM', model: 'silo' },
  { name: 'DIAMOND', model: 'silo' },
];

export interface RolloutFixture {
  readonly db: LocalDynamoDb;
  readonly documents: DynamoDBDocumentClient;
  readonly stateDir: string;
  stop(): Promise<void>;
}

/** Starts dynalite, creates the tables and points the handlers' environment at them. */
export async function startRolloutFixture(): Promise<RolloutFixture> {
  const db = await startLocalDynamoDb();
  await ensureTable(db.client, TABLES.tenants, CONTROL_PLANE_TABLES.tenants);
  await ensureTable(db.client, TABLES.tenantNames, CONTROL_PLANE_TABLES.tenantNames);
  await ensureTable(db.client, TABLES.rollouts, CONTROL_PLANE_TABLES.rollouts);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
  process.env.TENANTS_TABLE = TABLES.tenants;
  process.env.TENANT_NAMES_TABLE = TABLES.tenantNames;
  process.env.ROLLOUTS_TABLE = TABLES.rollouts;
  process.env.TIERS = JSON.stringify(TIERS);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-test-'));
  const documents = DynamoDBDocumentClient.from(db.client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    documents,
    stateDir,
    stop: async () => {
      await db.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Deletes every tenant, so each test's rollout sees only the tenants it seeded. */
export async function clearTenants(fixture: RolloutFixture): Promise<void> {
  const page = await fixture.documents.send(new ScanCommand({ TableName: TABLES.tenants }));
  for (const item of page.Items ?? []) {
    await fixture.documents.send(new DeleteCommand({ TableName: TABLES.tenants, Key: { tenantId: item.tenantId } }));
  }
}

let sequence = 0;

/** Writes `count` ACTIVE silo tenants at `version`, with ids that sort in creation order. */
export async function seedSiloTenants(
  fixture: RolloutFixture,
  count: number,
  options: { version?: string; tier?: string; idPrefix?: string; extra?: (index: number) => Record<string, unknown> } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    sequence += 1;
    const tenantId = `${options.idPrefix ?? 'silo'}${String(index).padStart(3, '0')}`;
    const createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString();
    await fixture.documents.send(
      new PutCommand({
        TableName: TABLES.tenants,
        Item: {
          tenantId,
          tenantName: `Tenant ${tenantId}`,
          tenantNameKey: `tenant ${tenantId}`,
          email: `admin@${tenantId}.example.com`,
          tier: options.tier ?? 'PLATINUM',
          model: 'silo',
          status: 'ACTIVE',
          tenantRegistrationId: `reg-${tenantId}`,
          listPartition: 'TENANT',
          createdAt,
          updatedAt: createdAt,
          templateVersion: options.version ?? '1.0.0',
          ...(options.extra?.(index) ?? {}),
        },
      }),
    );
    ids.push(tenantId);
  }
  return ids;
}

export async function readTenant(fixture: RolloutFixture, tenantId: string): Promise<Record<string, any>> {
  const result = await fixture.documents.send(new GetCommand({ TableName: TABLES.tenants, Key: { tenantId } }));
  return result.Item as Record<string, any>;
}

export async function readRollout(fixture: RolloutFixture, rolloutId: string): Promise<{ header: Record<string, any>; tenants: Record<string, Record<string, any>> }> {
  const result = await fixture.documents.send(
    new QueryCommand({ TableName: TABLES.rollouts, KeyConditionExpression: 'rolloutId = :id', ExpressionAttributeValues: { ':id': rolloutId } }),
  );
  const items = (result.Items ?? []) as Record<string, any>[];
  const header = items.find((item) => item.itemKey === 'ROLLOUT') as Record<string, any>;
  const tenants = Object.fromEntries(items.filter((item) => item.itemKey !== 'ROLLOUT').map((item) => [item.tenantId, item]));
  return { header, tenants };
}

export interface BuildRecord {
  readonly tenantId: string;
  readonly version: string;
  readonly action: string;
  readonly startedAt: number;
  endedAt?: number;
}

/**
 * A CodeBuild stand-in: each build waits `durationMs`, fails for the tenants in `failFor`,
 * and is recorded with its start and end times so tests can check concurrency and order.
 */
export class FakeCodeBuild {
  readonly builds: BuildRecord[] = [];
  private running = 0;
  maxRunning = 0;

  constructor(
    private readonly durationMs = 40,
    readonly failFor = new Set<string>(),
  ) {}

  readonly startBuild = async (request: RolloutBuildRequest): Promise<RolloutBuild> => {
    const env = Object.fromEntries(request.EnvironmentVariablesOverride.map((variable) => [variable.Name, variable.Value]));
    const record: BuildRecord = { tenantId: env.TENANT_ID, version: env.TEMPLATE_VERSION, action: env.JOB_ACTION, startedAt: Date.now() };
    this.builds.push(record);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((resolve) => setTimeout(resolve, this.durationMs));
    this.running -= 1;
    record.endedAt = Date.now();

    const id = `${request.ProjectName}:${env.TENANT_ID}-${this.builds.length}`;
    if (this.failFor.has(env.TENANT_ID)) {
      const build = {
        Id: id,
        BuildStatus: 'FAILED',
        Phases: [{ PhaseType: 'BUILD', PhaseStatus: 'FAILED', Contexts: [{ StatusCode: 'COMMAND_EXECUTION_ERROR', Message: 'terraform apply exited with 1' }] }],
      };
      throw Object.assign(new Error(`build ${id} failed`), { build });
    }
    return { Id: id, BuildStatus: 'SUCCEEDED' };
  };

  buildsFor(tenantIds: readonly string[]): BuildRecord[] {
    return this.builds.filter((build) => tenantIds.includes(build.tenantId));
  }
}
