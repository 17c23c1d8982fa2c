// A person's dashboard reads (the host's summary and first rows, and the contracts' hours left),
// kept between views: read by key while nothing they sum up has changed, so the page a client opens
// most costs neither the host's counts and balances nor its first rows.
//
// Kept until one of these, whichever comes first:
// - a change to the client's records: every portal write logs its activity, which bumps the client's
//   generation in the same statement (src/core/summaries), and so does every change the host
//   reports (CustomerPortal.hostRecordChanged, its news pass). The generation is read before the
//   host is, so a change that commits while the host is read leaves the kept row behind at once;
// - HOST_NEWS_INTERVAL_MS: a change the host makes without telling the portal is seen as soon as
//   the news pass would have seen one;
// - the next UTC day (what is overdue counts from overdueFrom(), today in UTC), or the start of the
//   first upcoming appointment kept (it is no longer upcoming then);
// - another set of sections to read (the workspace's switches, the person's access), another day
//   in the reader's zone for the contracts' hours left, or another shape of the reads (KEPT_SHAPE,
//   raised with DashboardData or ContractSummary).
//
// Each process also holds the latest viewers' rows decoded (DECODED_HELD), by the row's version:
// a view of a row not written since reads its key and version, not its bytes.
import type { Knex } from 'knex';
import v8 from 'node:v8';
import { type HostAdapter, HOST_NEWS_INTERVAL_MS, type PortalLogger, readKeptSummary, storeKeptSummary } from '../../core/index.ts';
import type { ContractSummary } from '../contracts/index.ts';
import type { DashboardAsk, DashboardData } from './port.ts';
import { loadDashboard } from './widgets.ts';

/** Raised when DashboardData or ContractSummary changes shape: rows kept in another shape are read afresh. */
const KEPT_SHAPE = 2;

/** What the dashboard reads of the host. */
export interface KeptReads {
  dashboard: DashboardData;
  /** The client's contracts with today's hours left (ContractsPort.list), when the section is shown. */
  contracts: ContractSummary[] | null;
}

export interface KeptDashboards {
  /** `contractsOn`: the reader's day the contracts' hours left are read for, or null to read none. */
  load(
    ids: { workspaceId: string; clientId: string; contactId: string },
    ask: DashboardAsk,
    contractsOn: string | null,
  ): Promise<KeptReads>;
}

/**
 * How many people's kept reads a process holds decoded, the latest views': a view of one of them
 * whose row has not been written since costs neither the row's bytes nor decoding them (some 0.15
 * to 0.25 ms of a view's 3 ms of CPU). A few kilobytes each.
 */
const DECODED_HELD = 2000;

export function keptDashboards(deps: { db: Knex; adapter: HostAdapter; now: () => Date; logger: PortalLogger }): KeptDashboards {
  const { adapter } = deps;
  // By person, in the order last viewed (a Map keeps insertion order): the version of the row
  // decoded and what it held, frozen, as every view of it is handed the same objects.
  const decoded = new Map<string, { version: string; reads: KeptReads }>();
  return {
    async load(ids, ask, contractsOn) {
      const askKey = JSON.stringify({ shape: KEPT_SHAPE, ...ask, contractsOn });
      const person = `${ids.workspaceId}/${ids.clientId}/${ids.contactId}`;
      const held = decoded.get(person);
      const state = await readKeptSummary(deps.db, ids, held?.version ?? null);
      const { kept } = state;
      if (kept && kept.ask === askKey && kept.generation === state.generation && kept.freshUntil > deps.now()) {
        const reads = kept.data === null && held ? held.reads : deepFreeze(v8.deserialize(kept.data!) as KeptReads);
        decoded.delete(person);
        decoded.set(person, { version: kept.version, reads });
        if (decoded.size > DECODED_HELD) decoded.delete(decoded.keys().next().value!);
        return reads;
      }
      decoded.delete(person);
      const [dashboard, contracts] = await Promise.all([
        loadDashboard(adapter, ids, ask),
        contractsOn !== null && adapter.contracts ? adapter.contracts.list(ids.workspaceId, ids.clientId, contractsOn) : null,
      ]);
      const reads: KeptReads = { dashboard, contracts };
      // A failure to keep it is logged, not shown: the next view reads the host again.
      await storeKeptSummary(deps.db, {
        ...ids,
        ask: askKey,
        generation: state.generation,
        data: v8.serialize(reads),
        freshUntil: freshUntil(deps.now(), dashboard),
      }).catch((err: unknown) => deps.logger.error('could not keep a client’s dashboard', err));
      return reads;
    },
  };
}

/** Freezes a value and everything it holds, so a view that changed what it was handed fails instead of changing the next one's. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The first moment the reads may be wrong without any record changing. */
export function freshUntil(now: Date, data: DashboardData): Date {
  const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const firstStart = Math.min(...(data.appointments ?? []).map((a) => a.startsAt.getTime()).filter((t) => t > now.getTime()));
  return new Date(Math.min(now.getTime() + HOST_NEWS_INTERVAL_MS, nextDay, firstStart));
}
