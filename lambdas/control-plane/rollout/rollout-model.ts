/**
 * The rollout record and the input of the rollout state machine.
 *
 * The rollouts table (`<prefix>-rollouts`, name in ROLLOUTS_TABLE) has partition key
 * `rolloutId` and sort key `itemKey`. Each rollout is one header item (`itemKey` =
 * `ROLLOUT`) plus one item per tenant (`TENANT#<tenantId>`), so a rollout over hundreds
 * of tenants never approaches DynamoDB's 400 KB item limit. Only header items carry
 * `listPartition`, so the `by-created` index lists rollouts and nothing else.
 */
import { z } from 'zod';
import { DEFAULT_WAVE_SPEC } from './wave-spec';

export const ROLLOUT_STATUSES = ['RUNNING', 'WAITING_FOR_APPROVAL', 'SUCCEEDED', 'HALTED', 'REJECTED', 'ROLLED_BACK'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

/** Statuses after which the state machine no longer runs for the rollout. */
export const FINISHED_ROLLOUT_STATUSES: readonly RolloutStatus[] = ['SUCCEEDED', 'HALTED', 'REJECTED', 'ROLLED_BACK'];

export const TENANT_RESULTS = ['PENDING', 'UPDATING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
export type TenantResult = (typeof TENANT_RESULTS)[number];

export const ROLLOUT_SCHEMA = {
  partitionKey: 'rolloutId',
  sortKey: 'itemKey',
  headerItemKey: 'ROLLOUT',
  tenantItemPrefix: 'TENANT#',
  listIndex: { name: 'by-created', partitionKey: 'listPartition', sortKey: 'createdAt' },
  listPartition: 'ROLLOUT',
} as const;

/** Rollout ids double as Step Functions execution names, which allow 1 to 80 of these characters. */
export const ROLLOUT_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Template versions name an archive `<version>.zip` in the template bucket; the provisioning
 * job accepts the same pattern.
 */
export const TEMPLATE_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Step Functions runs at most 40 iterations of an inline Map state at a time. */
export const MAX_ROLLOUT_CONCURRENCY = 40;

export const DEFAULT_ROLLOUT_CONCURRENCY = 5;

/** Time an approval gate waits before the rollout is rejected, in seconds (7 days); the definition's TimeoutSeconds. */
export const APPROVAL_TIMEOUT_SECONDS = 7 * 86400;

/** Error names the state machine matches in Catch and Fail states. */
export const ROLLOUT_ERRORS = {
  invalidInput: 'Rollout.InvalidInput',
  rejected: 'Rollout.Rejected',
  notFound: 'Rollout.NotFound',
} as const;

/** Input of the rollout state machine, as an operator or the pipeline gives it. */
export const rolloutInputSchema = z
  .object({
    mode: z.enum(['deploy', 'rollback']).default('deploy'),
    rolloutId: z.string().regex(ROLLOUT_ID_PATTERN, 'must be 1 to 80 letters, digits, hyphens or underscores').optional(),
    /** Version to deploy; the state machine reads the template-version parameter when it is left out. */
    targetVersion: z.string().regex(TEMPLATE_VERSION_PATTERN, 'must be 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit').optional(),
    waves: z.string().default(DEFAULT_WAVE_SPEC),
    concurrency: z.number().int().min(1).max(MAX_ROLLOUT_CONCURRENCY).default(DEFAULT_ROLLOUT_CONCURRENCY),
    toleratedFailurePercentage: z.number().min(0).max(100).optional(),
    approveBetweenWaves: z.boolean().default(false),
    /** Rollout whose tenants a rollback returns to their previous versions. */
    rollbackOf: z.string().regex(ROLLOUT_ID_PATTERN, 'must be the id of an earlier rollout').optional(),
    /** Starter of the rollout, such as `pipeline`, `cli` or an operator's name. */
    startedBy: z.string().min(1).max(128).optional(),
  })
  .strict();

export type RolloutInput = z.infer<typeof rolloutInputSchema>;

/** One tenant of a wave, as the Map state receives it. */
export interface WaveItem {
  readonly tenantId: string;
  readonly targetVersion: string;
  /** Version the tenant must be at for a rollback to touch it; unset for a deploy. */
  readonly expectedVersion?: string;
}

export interface PlannedWave {
  /** 1-based wave number. */
  readonly number: number;
  readonly items: readonly WaveItem[];
}

/** State of the state machine between waves; every Lambda of the rollout reads parts of it. */
export interface RolloutState {
  readonly rolloutId: string;
  readonly mode: 'deploy' | 'rollback';
  readonly targetVersion: string;
  readonly waves: readonly PlannedWave[];
  readonly waveCount: number;
  readonly waveIndex: number;
  readonly concurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly approveBetweenWaves: boolean;
}

export interface WaveSummary {
  readonly number: number;
  readonly tenants: readonly string[];
  readonly status: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly succeeded?: number;
  readonly failed?: number;
  readonly skipped?: number;
  readonly failurePercentage?: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface RolloutHeader {
  readonly rolloutId: string;
  readonly itemKey: typeof ROLLOUT_SCHEMA.headerItemKey;
  readonly listPartition: typeof ROLLOUT_SCHEMA.listPartition;
  readonly mode: 'deploy' | 'rollback';
  readonly status: RolloutStatus;
  readonly targetVersion: string;
  readonly waveSpec: string;
  readonly concurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly approveBetweenWaves: boolean;
  readonly waves: readonly WaveSummary[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly startedBy?: string;
  readonly rollbackOf?: string;
  readonly rolledBackBy?: string;
  /** Reason the rollout halted or was rejected. */
  readonly statusReason?: string;
  readonly failedTenants?: readonly string[];
  /** Task token of the approval gate while the status is WAITING_FOR_APPROVAL. */
  readonly approvalTaskToken?: string;
  /** Wave that starts once the gate is approved. */
  readonly approvalForWave?: number;
}

export interface RolloutTenantItem {
  readonly rolloutId: string;
  readonly itemKey: string;
  readonly tenantId: string;
  readonly wave: number;
  readonly targetVersion: string;
  readonly result: TenantResult;
  /** Version the tenant ran before this rollout changed it; a rollback returns it there. */
  readonly previousVersion?: string;
  readonly deployedAt?: string;
  readonly reason?: string;
  readonly buildId?: string;
  readonly updatedAt: string;
}

export function tenantItemKey(tenantId: string): string {
  return `${ROLLOUT_SCHEMA.tenantItemPrefix}${tenantId}`;
}
