// Alga PSA's contracts and bucket usage as its client billing page reads them
// (packages/client-portal/src/actions/client-portal-actions/client-billing-metrics.ts):
// a client's contracts are client_contracts rows of the tenant and client, each naming a contract
// (contracts, never a template) whose contract_lines are its lines; an allowance is a bucket of a
// line (contract_line_buckets: total_minutes per billing period, over its member services,
// contract_line_bucket_services, or over all of them), and its use per period is bucket_usage
// (minutes_used and rolled_over_minutes, per client and period). The contracts Alga's billing page
// counts on a day are getClientBucketUsage's: the client_contracts row active, started on or
// before the day, ended after it or never, whatever the contract's own status, so a draft counts
// while its row does and is shown only then. Today's period is the bucket_usage row with
// period_start <= today < period_end, both as UTC days (getClientBucketUsage compares them with
// the UTC day of Alga's server); the history every bucket_usage row of the client's bucket, newest
// first (getClientBucketUsageHistory). The time behind a period: the client's time_entries on the
// bucket's contract line with a billable duration, of a service the bucket covers, done within it.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

export interface AlgaContractRow {
  client_contract_id: string;
  contract_id: string;
  contract_name: string;
  contract_description: string | null;
  is_active: boolean | null;
  start_date: string;
  end_date: string | null;
}

export interface AlgaContractLineRow {
  contract_id: string;
  contract_line_id: string;
  contract_line_name: string;
  description: string | null;
  bucket_id: string | null;
  bucket_name: string | null;
  covers_all_services: boolean | null;
  total_minutes: number | null;
  service_name: string | null;
}

export interface AlgaBucketUsageRow {
  bucket_id: string;
  period_start: string;
  period_end: string;
  minutes_used: string;
  rolled_over_minutes: string;
}

export interface AlgaTimeEntryRow {
  entry_id: string;
  work_date: string;
  billable_duration: number;
  notes: string | null;
  first_name: string | null;
  last_name: string | null;
}

const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;
/** A timestamp's day as Alga prints it (toISOString().split('T')[0]: the UTC day). */
const utcDay = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;

/** Whether Alga's billing page counts the client_contracts row `cc` on `today` (getClientBucketUsage's conditions). */
const countedOn = (today: string) =>
  ['cc.is_active = true and cc.start_date <= ?::date and (cc.end_date is null or cc.end_date > ?::date)', [today, today]] as const;

/** A contract that is not a draft, or a draft while Alga's billing page counts its client_contracts row. */
function shownOn(query: Knex.QueryBuilder, today: string) {
  const [counted, bindings] = countedOn(today);
  return query.andWhere((q) => q.whereNot('c.status', 'draft').orWhereRaw(counted, [...bindings]));
}

/**
 * The bucket's name where its pool has none: its first member service's (first_member, as
 * getClientBucketUsage joins it), on a query of contract_line_buckets aliased clb.
 */
function withBucketName(db: Db, query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .leftJoin('contract_line_bucket_services as first_member', (j) =>
      j
        .on('first_member.tenant', 'clb.tenant')
        .andOn('first_member.bucket_id', 'clb.bucket_id')
        .andOn(
          'first_member.service_id',
          '=',
          db.raw(
            '(SELECT ms.service_id FROM contract_line_bucket_services ms WHERE ms.tenant = first_member.tenant AND ms.bucket_id = first_member.bucket_id ORDER BY ms.service_id ASC LIMIT 1)',
          ),
        ),
    )
    .leftJoin('service_catalog as sc', (j) => j.on('sc.tenant', 'first_member.tenant').andOn('sc.service_id', 'first_member.service_id'));
}

/** An AlgaContractLineRow's columns, from contract_lines cl, its bucket clb and withBucketName's sc. */
const LINE_COLUMNS = [
  'cl.contract_id',
  'cl.contract_line_id',
  'cl.contract_line_name',
  'cl.description',
  'clb.bucket_id',
  'clb.bucket_name',
  'clb.covers_all_services',
  'clb.total_minutes',
  'sc.service_name',
];

/** An AlgaBucketUsageRow's columns of bucket_usage aliased bu, its period as UTC days. */
function usageColumns(db: Db) {
  return [
    'bu.bucket_id',
    db.raw(`${utcDay('bu.period_start')} as period_start`),
    db.raw(`${utcDay('bu.period_end')} as period_end`),
    'bu.minutes_used',
    'bu.rolled_over_minutes',
  ];
}

/** The client's contracts (one where `clientContractId` is given): never a template; a draft only while counted. */
export function listAlgaClientContracts(
  db: Db,
  scope: { tenant: string; clientId: string; today: string; clientContractId?: string },
): Promise<AlgaContractRow[]> {
  const query = db('client_contracts as cc')
    .join('contracts as c', (j) => j.on('c.tenant', 'cc.tenant').andOn('c.contract_id', 'cc.contract_id'))
    .where({ 'cc.tenant': scope.tenant, 'cc.client_id': scope.clientId, 'c.is_template': false })
    .orderBy([{ column: 'cc.start_date', order: 'desc' }, { column: 'cc.client_contract_id' }])
    .select(
      'cc.client_contract_id',
      'c.contract_id',
      'c.contract_name',
      'c.contract_description',
      'cc.is_active',
      db.raw(`${day('cc.start_date')} as start_date`),
      db.raw(`${day('cc.end_date')} as end_date`),
    );
  shownOn(query, scope.today);
  if (scope.clientContractId) query.andWhere('cc.client_contract_id', scope.clientContractId);
  return query;
}

/**
 * The lines of these contracts, one row per bucket (a line with no bucket once, without one), each
 * bucket named as Alga names it: its pool name, else its first member service's name
 * (first_member, as getClientBucketUsage joins it).
 */
export function listAlgaContractLines(db: Db, scope: { tenant: string; contractIds: readonly string[] }): Promise<AlgaContractLineRow[]> {
  if (scope.contractIds.length === 0) return Promise.resolve([]);
  return withBucketName(
    db,
    db('contract_lines as cl').leftJoin('contract_line_buckets as clb', (j) =>
      j.on('clb.tenant', 'cl.tenant').andOn('clb.contract_line_id', 'cl.contract_line_id'),
    ),
  )
    .where('cl.tenant', scope.tenant)
    .whereIn('cl.contract_id', scope.contractIds)
    .orderBy([
      { column: 'cl.contract_id' },
      { column: 'cl.display_order' },
      { column: 'cl.contract_line_name' },
      { column: 'clb.bucket_id' },
    ])
    .select(LINE_COLUMNS);
}

/**
 * The client's usage of these buckets in the period holding `today` (as getClientBucketUsage joins
 * it), its bounds compared as UTC days, as the line page compares them (isAlgaPeriodOf).
 */
export function algaBucketUsageToday(
  db: Db,
  scope: { tenant: string; clientId: string; bucketIds: readonly string[]; today: string },
): Promise<AlgaBucketUsageRow[]> {
  if (scope.bucketIds.length === 0) return Promise.resolve([]);
  return db('bucket_usage as bu')
    .where({ 'bu.tenant': scope.tenant, 'bu.client_id': scope.clientId })
    .whereIn('bu.bucket_id', scope.bucketIds)
    .andWhereRaw(`${utcDay('bu.period_start')} <= ?`, [scope.today])
    .andWhereRaw(`${utcDay('bu.period_end')} > ?`, [scope.today])
    .select(usageColumns(db));
}

/**
 * One bucket of one of the client's contracts, with its line and the contract's row; undefined when
 * it is not theirs, or is a template's, or a draft's Alga's billing page does not count `today`.
 */
export function findAlgaClientBucket(
  db: Db,
  scope: { tenant: string; clientId: string; clientContractId: string; bucketId: string; today: string },
): Promise<(AlgaContractLineRow & Pick<AlgaContractRow, 'is_active' | 'start_date' | 'end_date'>) | undefined> {
  const query = withBucketName(
    db,
    db('client_contracts as cc')
      .join('contracts as c', (j) => j.on('c.tenant', 'cc.tenant').andOn('c.contract_id', 'cc.contract_id'))
      .join('contract_lines as cl', (j) => j.on('cl.tenant', 'cc.tenant').andOn('cl.contract_id', 'cc.contract_id'))
      .join('contract_line_buckets as clb', (j) => j.on('clb.tenant', 'cl.tenant').andOn('clb.contract_line_id', 'cl.contract_line_id')),
  )
    .where({
      'cc.tenant': scope.tenant,
      'cc.client_id': scope.clientId,
      'cc.client_contract_id': scope.clientContractId,
      'clb.bucket_id': scope.bucketId,
      'c.is_template': false,
    })
    .first(
      // cl.contract_id is the contract's: the line is joined on it.
      ...LINE_COLUMNS,
      'cc.is_active',
      db.raw(`${day('cc.start_date')} as start_date`),
      db.raw(`${day('cc.end_date')} as end_date`),
    );
  shownOn(query, scope.today);
  return query;
}

/** Every period of the client's use of a bucket, newest first (getClientBucketUsageHistory). */
export function algaBucketUsageHistory(
  db: Db,
  scope: { tenant: string; clientId: string; bucketId: string; limit: number },
): Promise<AlgaBucketUsageRow[]> {
  return db('bucket_usage as bu')
    .where({ 'bu.tenant': scope.tenant, 'bu.client_id': scope.clientId, 'bu.bucket_id': scope.bucketId })
    .orderBy('bu.period_start', 'desc')
    .limit(scope.limit)
    .select(usageColumns(db));
}

/** The billable time on a bucket's line within a period, of a service the bucket covers, by day. */
export function listAlgaBucketEntries(
  db: Db,
  scope: { tenant: string; contractLineId: string; bucketId: string; coversAll: boolean; start: string; end: string },
): Promise<AlgaTimeEntryRow[]> {
  const query = db('time_entries as te')
    .leftJoin('users as u', (j) => j.on('u.tenant', 'te.tenant').andOn('u.user_id', 'te.user_id'))
    .where({ 'te.tenant': scope.tenant, 'te.contract_line_id': scope.contractLineId })
    .andWhere('te.billable_duration', '>', 0)
    .andWhere('te.work_date', '>=', scope.start)
    .andWhere('te.work_date', '<', scope.end)
    .orderBy([{ column: 'te.work_date' }, { column: 'te.start_time' }, { column: 'te.entry_id' }])
    .select(
      'te.entry_id',
      db.raw(`${day('te.work_date')} as work_date`),
      'te.billable_duration',
      'te.notes',
      'u.first_name',
      'u.last_name',
    );
  if (!scope.coversAll)
    query.whereIn(
      'te.service_id',
      db('contract_line_bucket_services').where({ tenant: scope.tenant, bucket_id: scope.bucketId }).select('service_id'),
    );
  return query;
}

export interface BucketNearlyUsedRow {
  client_id: string;
  client_contract_id: string;
  contract_id: string;
  bucket_id: string;
  period_start: string;
  minutes_used: string;
  rolled_over_minutes: string;
  total_minutes: number;
}

/**
 * The tenant's buckets whose period under way (UTC today, as Alga's billing keeps periods) has used
 * at least `share` of the bucket's minutes with what rolled over, on the client's running contracts
 * as getClientBucketUsage counts them (active, started, not ended, a draft too; never a template).
 * Alga keeps no moment a period's usage moved, so the news pass reads them all each time: one row
 * per client bucket with a period under way, through bucket_usage's (tenant, bucket, period) index.
 */
export function bucketsNearlyUsed(db: Db, scope: { tenant: string; share: number }): Promise<BucketNearlyUsedRow[]> {
  const today = "(now() at time zone 'UTC')::date";
  return db('bucket_usage as bu')
    .join('contract_line_buckets as clb', (j) => j.on('clb.tenant', 'bu.tenant').andOn('clb.bucket_id', 'bu.bucket_id'))
    .join('contract_lines as cl', (j) => j.on('cl.tenant', 'clb.tenant').andOn('cl.contract_line_id', 'clb.contract_line_id'))
    .join('client_contracts as cc', (j) =>
      j.on('cc.tenant', 'cl.tenant').andOn('cc.contract_id', 'cl.contract_id').andOn('cc.client_id', 'bu.client_id'),
    )
    .join('contracts as c', (j) => j.on('c.tenant', 'cc.tenant').andOn('c.contract_id', 'cc.contract_id'))
    .where({ 'bu.tenant': scope.tenant, 'cc.is_active': true, 'c.is_template': false })
    .andWhereRaw(`cc.start_date <= ${today} and (cc.end_date is null or cc.end_date > ${today})`)
    .andWhereRaw(`(bu.period_start at time zone 'UTC')::date <= ${today} and (bu.period_end at time zone 'UTC')::date > ${today}`)
    .andWhereRaw('clb.total_minutes + bu.rolled_over_minutes > 0')
    .andWhereRaw('bu.minutes_used >= ? * (clb.total_minutes + bu.rolled_over_minutes)', [scope.share])
    .select(
      'bu.client_id',
      'cc.client_contract_id',
      'cc.contract_id',
      'bu.bucket_id',
      db.raw(`${utcDay('bu.period_start')} as period_start`),
      'bu.minutes_used',
      'bu.rolled_over_minutes',
      'clb.total_minutes',
    );
}
