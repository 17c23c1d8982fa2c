// ContractsPort on Alga PSA, as its client billing page computes the figures
// (client-portal-actions/client-billing-metrics.ts, queries/contracts.ts): a contract is a
// client_contracts row (its id the client_contract_id), running while Alga's getClientBucketUsage
// counts it (is_active, started, its end after today; the contract's own status not asked, so a
// draft with such a row runs, and is shown only then); each bucket of a contract line is one line
// of the portal (its id the bucket_id), named as Alga labels it (the pool's name, else "<line> -
// <first member service>", "All services" or "Bucket pool"), with hours allowed (total plus rolled
// over minutes) and used (minutes_used) of today's bucket_usage period, rounded to hundredths of an
// hour as Alga rounds them; a line without a bucket is a line without an allowance. Alga keeps no
// contract number and no quantity on a line.
//
// One rule for the contract page and the line page, Alga's: "today" is the UTC day of the moment
// (Alga's `new Date().toISOString()`), not the reader's, so the portal and Alga's billing page
// agree at every hour; a line has a period under way only on a running contract; and a period
// ends where Alga's does: bucket_usage.period_end is the period's last day as Alga's billing
// writes it (bucketUsageService.ts calculatePeriod) and as its billing page prints it, so the
// port's end, the day after the period, is the day after that (and the work behind a period
// includes its last day).
import type { AllowancePeriod, ContractLineSummary, ContractsPort, ContractState, ContractSummary, HostNewsItem } from '../../src/index.ts';
import { byState } from '../shared/contract-periods.ts';
import { parseUuid } from './ids.ts';
import {
  type AlgaBucketUsageRow,
  type AlgaContractLineRow,
  type AlgaContractRow,
  algaBucketUsageHistory,
  algaBucketUsageToday,
  bucketsNearlyUsed,
  findAlgaClientBucket,
  listAlgaBucketEntries,
  listAlgaClientContracts,
  listAlgaContractLines,
} from './queries/contracts.ts';
import type { Db } from './queries/db.ts';

type TenantOf = (workspaceId: string) => string | null;

/** The day Alga's billing page counts by: its server's UTC day (client-billing-metrics.ts currentDate). */
const algaDay = (now: Date) => now.toISOString().slice(0, 10);

/** The day after a 'YYYY-MM-DD' day. */
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** Minutes as hours, rounded to hundredths as Alga's billing page rounds them. */
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
const number = (value: string | number | null | undefined) => (typeof value === 'number' ? value : Number.parseFloat(value ?? '0') || 0);

/** Alga's label for a bucket (getClientBucketUsage's display_label). */
function bucketLabel(
  row: Pick<AlgaContractLineRow, 'bucket_name' | 'contract_line_name' | 'service_name' | 'covers_all_services'>,
): string {
  if (row.bucket_name) return row.bucket_name;
  const service = row.service_name ? row.service_name : row.covers_all_services ? 'All services' : 'Bucket pool';
  return `${row.contract_line_name} - ${service}`;
}

/** Whether getClientBucketUsage counts the client's contract on `today`: active, started, not ended. */
function countedOn(row: Pick<AlgaContractRow, 'is_active' | 'start_date' | 'end_date'>, today: string): boolean {
  return row.is_active === true && row.start_date <= today && (row.end_date === null || row.end_date > today);
}

/** Running as getClientBucketUsage counts it; otherwise not started yet, or over. */
function stateOf(row: Pick<AlgaContractRow, 'is_active' | 'start_date' | 'end_date'>, today: string): ContractState {
  if (countedOn(row, today)) return 'active';
  return row.start_date > today && row.is_active !== false ? 'upcoming' : 'ended';
}

/** Whether a bucket_usage period is today's as getClientBucketUsage joins it: period_start <= today < period_end. */
const isPeriodOf = (row: AlgaBucketUsageRow, today: string) => row.period_start <= today && today < row.period_end;

/** A period's figures as Alga's history computes them (hours used of total plus rolled over). */
function periodOf(row: AlgaBucketUsageRow, totalMinutes: number): AllowancePeriod {
  return {
    start: row.period_start,
    end: dayAfter(row.period_end),
    total: hours(totalMinutes + number(row.rolled_over_minutes)),
    used: hours(number(row.minutes_used)),
  };
}

function presentLine(row: AlgaContractLineRow, usage: AlgaBucketUsageRow | undefined): ContractLineSummary {
  if (row.bucket_id === null)
    return {
      id: row.contract_line_id,
      name: row.contract_line_name,
      description: row.description,
      quantity: null,
      startsOn: null,
      endsOn: null,
      allowance: null,
    };
  const total = number(row.total_minutes);
  return {
    id: row.bucket_id,
    name: bucketLabel(row),
    description: row.description,
    quantity: null,
    startsOn: null,
    endsOn: null,
    allowance: {
      measure: 'hours',
      unitName: null,
      periodStart: usage?.period_start ?? null,
      periodEnd: usage ? dayAfter(usage.period_end) : null,
      total: hours(total + number(usage?.rolled_over_minutes)),
      used: hours(number(usage?.minutes_used)),
    },
  };
}

/**
 * The port. `now` is the clock whose UTC day counts (Alga's billing page's day); the reader's day
 * the portal passes is not used, so both pages and Alga's agree whatever the reader's time zone.
 */
export function algaContracts(db: Db, tenantOf: TenantOf, now: () => Date = () => new Date()): ContractsPort {
  const scope = (workspaceId: string, clientId: string) => {
    const tenant = tenantOf(workspaceId);
    const client = parseUuid(clientId);
    return tenant !== null && client !== null ? { tenant, clientId: client } : null;
  };

  async function read(ids: { tenant: string; clientId: string; clientContractId?: string }, today: string) {
    const contracts = await listAlgaClientContracts(db, { ...ids, today });
    const lines = await listAlgaContractLines(db, { tenant: ids.tenant, contractIds: [...new Set(contracts.map((c) => c.contract_id))] });
    const bucketIds = lines.flatMap((line) => (line.bucket_id ? [line.bucket_id] : []));
    const usage = await algaBucketUsageToday(db, { tenant: ids.tenant, clientId: ids.clientId, bucketIds, today });
    const usageOf = new Map(usage.map((row) => [row.bucket_id, row]));
    const present = (row: AlgaContractRow): ContractSummary & { description: string | null } => {
      const state = stateOf(row, today);
      return {
        id: row.client_contract_id,
        reference: null,
        name: row.contract_name,
        description: row.contract_description,
        state,
        startsOn: row.start_date,
        endsOn: row.end_date,
        // Today's usage counts only for a running contract, as Alga's billing page counts it.
        lines: lines
          .filter((line) => line.contract_id === row.contract_id)
          .map((line) => presentLine(line, state === 'active' && line.bucket_id ? usageOf.get(line.bucket_id) : undefined)),
      };
    };
    return byState(contracts.map(present));
  }

  return {
    async list(workspaceId, clientId) {
      const ids = scope(workspaceId, clientId);
      return ids ? (await read(ids, algaDay(now()))).map(({ description: _description, ...summary }) => summary) : [];
    },
    async find(workspaceId, clientId, contractId) {
      const ids = scope(workspaceId, clientId);
      const id = parseUuid(contractId);
      if (!ids || !id) return null;
      return (await read({ ...ids, clientContractId: id }, algaDay(now())))[0] ?? null;
    },
    async history(workspaceId, clientId, contractId, lineId, _readerDay, limit) {
      const ids = scope(workspaceId, clientId);
      const clientContractId = parseUuid(contractId);
      const bucketId = parseUuid(lineId);
      if (!ids || !clientContractId || !bucketId) return null;
      const today = algaDay(now());
      const row = await findAlgaClientBucket(db, { ...ids, clientContractId, bucketId, today });
      if (!row) return null;
      const periods = await algaBucketUsageHistory(db, { ...ids, bucketId, limit: Math.max(1, Math.min(limit, 120)) });
      // Today's period as the contract page finds it: only on a contract Alga's billing page counts.
      const current = countedOn(row, today) ? periods.find((period) => isPeriodOf(period, today)) : undefined;
      return { line: presentLine(row, current), periods: periods.map((period) => periodOf(period, number(row.total_minutes))) };
    },
    async entries(workspaceId, clientId, contractId, lineId, period) {
      const ids = scope(workspaceId, clientId);
      const clientContractId = parseUuid(contractId);
      const bucketId = parseUuid(lineId);
      if (!ids || !clientContractId || !bucketId) return null;
      const row = await findAlgaClientBucket(db, { ...ids, clientContractId, bucketId, today: algaDay(now()) });
      if (!row) return null;
      const entries = await listAlgaBucketEntries(db, {
        tenant: ids.tenant,
        contractLineId: row.contract_line_id,
        bucketId,
        coversAll: row.covers_all_services === true,
        start: period.start,
        end: period.end,
      });
      return entries.map((entry) => ({
        id: entry.entry_id,
        date: entry.work_date,
        amount: hours(entry.billable_duration),
        description: entry.notes ?? '',
        by: [entry.first_name, entry.last_name].filter(Boolean).join(' ') || null,
      }));
    },
  };
}

/** The shares of an allowance the client is told of, highest first: all used, nearly used. */
const THRESHOLDS = [100, 80] as const;

/**
 * The news of allowances: each bucket of a running contract whose period under way has used 80 %
 * or all of its hours (total plus rolled over), in hours as Alga's billing page rounds them, as a
 * contract `reached` the highest threshold, once per bucket, period and threshold (the portal
 * tells each occurrence once, so reading them again each pass tells no one twice). Named as
 * the contracts page names the line.
 */
export async function allowancesNearlyUsed(db: Db, tenant: string): Promise<HostNewsItem[]> {
  const rows = await bucketsNearlyUsed(db, { tenant, share: 0.79 });
  if (rows.length === 0) return [];
  const lines = await listAlgaContractLines(db, { tenant, contractIds: [...new Set(rows.map((row) => row.contract_id))] });
  const labelOf = new Map(lines.flatMap((line) => (line.bucket_id ? [[line.bucket_id, bucketLabel(line)] as const] : [])));
  return rows.flatMap((row) => {
    const total = hours(number(row.total_minutes) + number(row.rolled_over_minutes));
    const used = hours(number(row.minutes_used));
    // In hundredths of an hour, as the page shows them, so that 8 of 10 is 80 % exactly.
    const threshold = THRESHOLDS.find((percent) => Math.round(used * 100) * 100 >= Math.round(total * 100) * percent);
    if (threshold === undefined) return [];
    return [
      {
        kind: 'contract' as const,
        happened: 'reached' as const,
        id: row.client_contract_id,
        clientId: row.client_id,
        number: String(threshold),
        title: labelOf.get(row.bucket_id) ?? '',
        occurrence: `line:${row.bucket_id}:${row.period_start}:${threshold}`,
      },
    ];
  });
}
