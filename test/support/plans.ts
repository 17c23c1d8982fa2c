// Reading EXPLAIN (ANALYZE, FORMAT JSON) plans in tests: how many rows a statement took from a
// table, and whether each scan of it started from an index condition rather than walking rows.
import type { Knex } from 'knex';

export interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

export interface Recorded {
  sql: string;
  bindings: unknown[];
}

/** The statements knex sent while `action` ran, with their values (to run again under EXPLAIN), and what it returned. */
export async function recordedDuring<T>(db: Knex, action: () => Promise<T>): Promise<{ result: T; recorded: Recorded[] }> {
  const recorded: Recorded[] = [];
  const onQuery = (query: { sql: string; bindings?: unknown[] }) => recorded.push({ sql: query.sql, bindings: query.bindings ?? [] });
  db.on('query', onQuery);
  try {
    return { result: await action(), recorded };
  } finally {
    db.off('query', onQuery);
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

/** The tables a plan reads, each once. */
export function tablesRead(node: PlanNode): Set<string> {
  const tables = new Set<string>(node['Relation Name'] ? [node['Relation Name']] : []);
  for (const child of node.Plans ?? []) for (const table of tablesRead(child)) tables.add(table);
  return tables;
}

/** Whether every scan of `table` has an index condition that `condition` matches. */
export function everyScanIndexed(node: PlanNode, table: string, condition: RegExp): boolean {
  const own = node['Relation Name'] !== table || condition.test(node['Index Cond'] ?? '');
  return own && (node.Plans ?? []).every((child) => everyScanIndexed(child, table, condition));
}

/** The plan of a recorded statement, run for real. */
export async function analyzed(
  pool: { query(sql: string, values: unknown[]): Promise<{ rows: unknown[] }> },
  statement: Recorded,
): Promise<PlanNode> {
  const { rows } = await pool.query(`explain (analyze, format json) ${statement.sql}`, statement.bindings);
  return (rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]!.Plan;
}
