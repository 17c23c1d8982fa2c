// Reading EXPLAIN (ANALYZE, FORMAT JSON) plans in tests and benchmarks: how many rows a statement
// took from a table, whether each scan of it started from an index condition rather than walking
// rows, and whether a plan started parallel workers.
import pg from 'pg';
import { type SentStatement, sentStatement } from './sent-statement.ts';

export interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Index Name'?: string;
  /** The planner's estimate of the whole node; the top node's is what PostgreSQL compares with jit_above_cost. */
  'Total Cost'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

export interface Recorded extends SentStatement {
  /** The connection that sent it, to follow what a transaction set for itself. */
  connection: object;
}

/**
 * The statements the process sent while `action` ran, with their values (to run again under
 * EXPLAIN), and what it returned: recorded where pg sends them, so a read made below knex is
 * among them.
 */
export async function recordedDuring<T>(action: () => Promise<T>): Promise<{ result: T; recorded: Recorded[] }> {
  const recorded: Recorded[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const sending = prototype.query;
  prototype.query = function (this: object, ...args: unknown[]) {
    const sent = sentStatement(args);
    if (sent) recorded.push({ ...sent, connection: this });
    return sending.apply(this, args);
  };
  try {
    return { result: await action(), recorded };
  } finally {
    prototype.query = sending;
  }
}

/** Rows a plan took from `table`, the ones its filters threw away included. */
export function rowsRead(node: PlanNode, table: string): number {
  const own =
    node['Relation Name'] === table
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) *
        (node['Actual Loops'] ?? 1)
      : 0;
  // Actual Rows is an average over the loops, rounded: the product is rounded back to whole rows.
  return Math.round(own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0));
}

/**
 * Gather nodes: parallel workers, started for the statement (tens of ms on two cores), each opening
 * the tables again, to read what an index serves. `ran`: only those an analyzed plan ran (not a
 * branch whose one-time filter was false).
 */
export function gathers(node: PlanNode, options: { ran?: boolean } = {}): number {
  const own = /^Gather/.test(node['Node Type'] ?? '') && (!options.ran || (node['Actual Loops'] ?? 0) > 0) ? 1 : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + gathers(child, options), 0);
}

/** The tables a plan reads, each once. */
export function tablesRead(node: PlanNode): Set<string> {
  const tables = new Set<string>(node['Relation Name'] ? [node['Relation Name']] : []);
  for (const child of node.Plans ?? []) for (const table of tablesRead(child)) tables.add(table);
  return tables;
}

/**
 * The index (or the node type, for a scan without one) of each scan of `table` the plan ran: a
 * part of the plan that never ran (a one-time filter's branch that was false) is not among them.
 */
export function scansRun(node: PlanNode, table: string): string[] {
  const own = node['Relation Name'] === table && (node['Actual Loops'] ?? 0) > 0 ? [node['Index Name'] ?? node['Node Type'] ?? '?'] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => scansRun(child, table))];
}

/** Whether every scan of `table` has an index condition that `condition` matches. */
export function everyScanIndexed(node: PlanNode, table: string, condition: RegExp): boolean {
  const own = node['Relation Name'] !== table || condition.test(node['Index Cond'] ?? '');
  return own && (node.Plans ?? []).every((child) => everyScanIndexed(child, table, condition));
}

/**
 * The plan of a recorded statement, run for real in a transaction rolled back after it (a write
 * among them leaves nothing). `generic`: the plan PostgreSQL keeps for a named statement after a
 * few runs (the portal names its reads), made for any values of its parameters, rather than one
 * made for these values; the same values then run it.
 */
export async function analyzed(
  pool: PlanPool,
  statement: Pick<SentStatement, 'sql' | 'bindings'>,
  options: { generic?: boolean } = {},
): Promise<PlanNode> {
  const client = await pool.connect();
  try {
    let prepared = false;
    await client.query('begin');
    try {
      if (!options.generic) return planOf((await client.query(`explain (analyze, format json) ${statement.sql}`, statement.bindings)).rows);
      await client.query('set local plan_cache_mode = force_generic_plan');
      await client.query(`prepare analyzed_generic as ${statement.sql}`);
      prepared = true;
      const values = statement.bindings.map(literal).join(', ');
      return planOf((await client.query(`explain (analyze, format json) execute analyzed_generic${values ? `(${values})` : ''}`)).rows);
    } finally {
      await client.query('rollback');
      // A prepared statement outlives the transaction.
      if (prepared) await client.query('deallocate analyzed_generic');
    }
  } finally {
    client.release();
  }
}

type PlanPool = { connect(): Promise<{ query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>; release(): void }> };

function planOf(rows: unknown[]): PlanNode {
  return (rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]!.Plan;
}

/** A recorded value as SQL text, for EXECUTE (which takes no parameters of its own); its type comes from the statement. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? `{${value.map((v) => JSON.stringify(String(v))).join(',')}}`
        : String(value);
  return `'${text.replace(/'/g, "''")}'`;
}
