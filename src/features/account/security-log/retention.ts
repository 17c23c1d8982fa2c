// The sign-in and security log keeps an entry for as many days as its workspace's admin chose
// (`securityLogDays`, 365 until changed); on a timer, older ones are deleted. Only the security
// events (SECURITY_EVENTS): the rest of client_activity_logs is the agency's record of what its
// clients did (views, decisions, payments) and is kept. Nothing protects these rows from deletion
// by design: the table has no trigger and no hash chain, every reader pages by id or time and
// tolerates a gap, no foreign key points at it, and it is distributed by workspace on Citus, where
// a statement naming one workspace runs on its one shard.
//   per workspace: the walk visits each workspace with security entries at all (one index step each),
//     reads its setting, and deletes in batches of BATCH rows, oldest first; a workspace with a long
//     backlog gets BATCHES_PER_PASS of them a pass, so one cannot hold up the others.
//   several instances: each runs the pass; two deleting the same batch at once is harmless (the
//     second finds the rows gone and deletes nothing).
import type { Knex } from 'knex';
import { findSettings, onePassAtATime, type PortalLogger } from '../../../core/index.ts';
import { deleteSecurityEntriesBefore, nextWorkspaceWithSecurityEntries } from './queries.ts';

/** How often the pass runs: an entry goes within an hour of its last day. */
export const SECURITY_LOG_RETENTION_EVERY_MS = 60 * 60_000;
/** Rows one statement deletes: short locks and a bounded transaction, however large the backlog. */
const BATCH = 1000;
/** Batches one workspace gets per pass; the rest waits for the next pass. */
const BATCHES_PER_PASS = 50;
const DAY_MS = 86_400_000;

export function createSecurityLogRetention(deps: { db: Knex; now: () => Date; logger: PortalLogger }) {
  const { db, now } = deps;

  async function purgeWorkspace(workspaceId: string, at: Date): Promise<number> {
    const { securityLogDays } = await findSettings(db, workspaceId);
    const before = new Date(at.getTime() - securityLogDays * DAY_MS);
    let deleted = 0;
    for (let batch = 0; batch < BATCHES_PER_PASS; batch += 1) {
      const count = await deleteSecurityEntriesBefore(db, { workspaceId, before, limit: BATCH });
      deleted += count;
      if (count < BATCH) break;
    }
    return deleted;
  }

  /** One pass over every workspace with security entries; answers how many entries were deleted. */
  async function run(): Promise<number> {
    const at = now();
    let deleted = 0;
    let after: string | null = null;
    for (;;) {
      const workspaceId = await nextWorkspaceWithSecurityEntries(db, after);
      if (workspaceId === null) return deleted;
      after = workspaceId;
      try {
        deleted += await purgeWorkspace(workspaceId, at);
      } catch (err) {
        // One workspace's failure (a lock timeout) leaves the others to their pass.
        deps.logger.error(`security log retention of workspace ${workspaceId} failed`, err);
      }
    }
  }

  // The timer's pass, one at a time on this instance.
  return onePassAtATime(run);
}
