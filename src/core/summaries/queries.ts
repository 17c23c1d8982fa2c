// SQL for the kept dashboards (migration 20270601000001): the client's generation, bumped by every
// change to its records the portal makes or hears of, and each person's kept reads, always by key.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES } from '../db/distribution.ts';

type Db = Knex | Knex.Transaction;

const GENERATIONS = 'portal_client_summary_generations';
const SUMMARIES = 'portal_client_summaries';

/**
 * The statement that counts one change to a client's records, for a CTE of the statement that logs
 * the change (activity/queries.ts) or on its own: `?` the workspace, `?` the client.
 */
export const BUMP_GENERATION_SQL = `insert into ${GENERATIONS} (workspace_id, client_id, generation) values (?, ?, 1)
  on conflict (workspace_id, client_id) do update set generation = ${GENERATIONS}.generation + 1`;

/** One more change to the client's records: its people's kept dashboards are read from the host again. */
export async function bumpSummaryGeneration(db: Db, workspaceId: string, clientId: string): Promise<void> {
  await db.raw(BUMP_GENERATION_SQL, [workspaceId, clientId]);
}

export interface KeptSummaryRow {
  /** The client's generation now (0 before its first change). */
  generation: number;
  /**
   * What the person's dashboard last read, if it was kept. `version` names this write of the row
   * (the writing transaction's id); `data` is null when it is the version the caller said it holds.
   */
  kept: { ask: string; generation: number; version: string; data: Buffer | null; freshUntil: Date } | null;
}

/**
 * The client's generation and the person's kept row, in one statement by their keys. The row's
 * bytes are left out when it is still `held`, the version the caller has decoded already.
 */
export async function readKeptSummary(
  db: Db,
  key: { workspaceId: string; clientId: string; contactId: string },
  held: string | null = null,
): Promise<KeptSummaryRow> {
  const result = await db.raw<{
    rows: Array<{
      generation: string | null;
      ask: string | null;
      kept_generation: string | null;
      version: string | null;
      data: Buffer | null;
      fresh_until: Date | null;
    }>;
  }>(
    `select (select generation from ${GENERATIONS} where workspace_id = :workspaceId and client_id = :clientId) as generation,
            s.ask, s.generation as kept_generation, s.xmin::text as version,
            case when s.xmin::text = :held then null else s.data end as data, s.fresh_until
       from (select 1) k
       left join ${SUMMARIES} s on s.workspace_id = :workspaceId and s.client_id = :clientId and s.contact_id = :contactId`,
    { ...key, held },
  );
  const row = result.rows[0]!;
  return {
    generation: Number(row.generation ?? 0),
    kept:
      row.ask !== null && row.version !== null && row.fresh_until !== null && (row.data !== null || row.version === held)
        ? { ask: row.ask, generation: Number(row.kept_generation), version: row.version, data: row.data, freshUntil: row.fresh_until }
        : null,
  };
}

/**
 * Keeps what the person's dashboard read at `generation`. A row already kept from a later
 * generation (another request that read after a change) is left as it is.
 */
export async function storeKeptSummary(
  db: Db,
  row: { workspaceId: string; clientId: string; contactId: string; ask: string; generation: number; data: Buffer; freshUntil: Date },
): Promise<void> {
  await db.raw(
    `insert into ${SUMMARIES} (workspace_id, client_id, contact_id, ask, generation, data, fresh_until, read_at)
     values (:workspaceId, :clientId, :contactId, :ask, :generation, :data, :freshUntil, now())
     on conflict (workspace_id, client_id, contact_id) do update
       set ask = excluded.ask, generation = excluded.generation, data = excluded.data,
           fresh_until = excluded.fresh_until, read_at = excluded.read_at
     where ${SUMMARIES}.generation <= excluded.generation`,
    row,
  );
}

/**
 * The kept dashboards of a person's company (their erasure): any of them may name the person (an
 * upload, a task's assignee), and no row of it should outlast the erasure even while stale.
 */
export function deleteClientSummaries(db: Db, workspaceId: string, clientId: string): Promise<number> {
  return db(SUMMARIES).where({ workspace_id: workspaceId, client_id: clientId }).delete();
}

/**
 * Housekeeping: rows past their fresh_until are read afresh at the next view anyway, so only the
 * dashboards of people active in the last minutes stay; the table holds no more than those.
 */
export async function deleteKeptSummariesBefore(db: Db, before: Date): Promise<number> {
  const result = await db.raw(
    `/* ${ACROSS_WORKSPACES}: housekeeping of every workspace's expired kept dashboards */ delete from ${SUMMARIES} where fresh_until < ?`,
    [before],
  );
  return result.rowCount ?? 0;
}
