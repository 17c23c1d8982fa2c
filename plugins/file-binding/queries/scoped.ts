// The rows of a concept the portal may see: the file's `where`, in the workspace, of the client.
// Every statement the file binding sends starts here (or, for a statement written whole, with
// inScope), so none reads past a workspace or a client.
import type { Knex } from 'knex';
import type { Value, Where, Join } from '../format.ts';
import { and, raw, Scope, type Sql, sql } from '../sql.ts';

export interface ConceptTable {
  table: string;
  key: string;
  joins?: Join[] | undefined;
  where?: Where | undefined;
}

/** How the binding finds a record's workspace: a table's key, or one fixed workspace. */
export interface WorkspaceRule {
  /** The fixed workspace's id, where there is one. */
  fixedId: string | null;
}

/** A plain column compares as its own type (its index serves); anything else as text. */
export function equals(scope: Scope, value: Value, id: string): Sql {
  const expr = scope.value(value);
  const plain = typeof value === 'string' || 'column' in value;
  return plain ? sql(`${expr.sql} = ?`, [...expr.bindings, id]) : sql(`(${expr.sql})::text = ?`, [...expr.bindings, id]);
}

/** The file's `where`, the workspace and, given `client`, that client, on the scope's rows. */
export function inScope(
  scope: Scope,
  concept: ConceptTable & { workspace?: Value | undefined },
  rule: WorkspaceRule,
  workspaceId: string,
  client?: { value: Value; id: string },
): Sql {
  const parts: Sql[] = [scope.where(concept.where)];
  if (concept.workspace !== undefined) parts.push(equals(scope, concept.workspace, rule.fixedId ?? workspaceId));
  if (client) parts.push(equals(scope, client.value, client.id));
  return and(parts);
}

/**
 * The concept's rows in the workspace (and, given `client`, of that client). `lateFrom`: the caller
 * adds more conditions and then the table (`query.from(raw(db, scope.from(true)))`), with only the
 * joins they name.
 */
export function scopedRows(
  db: Knex,
  concept: ConceptTable & { workspace?: Value | undefined },
  rule: WorkspaceRule,
  workspaceId: string,
  client?: { value: Value; id: string },
  lateFrom = false,
): { query: Knex.QueryBuilder; scope: Scope } {
  const scope = new Scope(concept.table, concept.joins ?? []);
  const query = db.queryBuilder().whereRaw(raw(db, inScope(scope, concept, rule, workspaceId, client)));
  if (!lateFrom) query.from(raw(db, scope.from()));
  return { query, scope };
}

/** The record's key, compared as the key column's own type. */
export function keyEquals(scope: Scope, key: string, id: string): Sql {
  return sql(`${scope.column(key).sql} = ?`, [id]);
}

/** Money as integer cents: a decimal amount (12.50) rounded, or cents as they are. */
export function centsOf(scope: Scope, value: Value | undefined, scale: 'decimal' | 'cents'): Sql {
  if (value === undefined) return sql('0');
  const expr = scope.value(value);
  return scale === 'decimal'
    ? sql(`round(coalesce((${expr.sql})::numeric, 0) * 100)::bigint`, expr.bindings)
    : sql(`round(coalesce((${expr.sql})::numeric, 0))::bigint`, expr.bindings);
}

/** A calendar day 'YYYY-MM-DD' of a date or timestamp value, or null. */
export function dayOf(scope: Scope, value: Value | undefined): Sql {
  if (value === undefined) return sql('null::text');
  const expr = scope.value(value);
  return sql(`to_char((${expr.sql})::date, 'YYYY-MM-DD')`, expr.bindings);
}

/** A moment of a timestamp value, or null. */
export function momentOf(scope: Scope, value: Value | undefined): Sql {
  if (value === undefined) return sql('null::timestamptz');
  const expr = scope.value(value);
  return sql(`(${expr.sql})::timestamptz`, expr.bindings);
}

/** Text of a value, or null (or '' where `empty` is given). */
export function textOf(scope: Scope, value: Value | undefined, empty: string | null = null): Sql {
  if (value === undefined) return sql('?::text', [empty]);
  const expr = scope.text(value);
  return empty === null ? expr : sql(`coalesce(${expr.sql}, ?)`, [...expr.bindings, empty]);
}

/** The portal's state of a row, from the file's status map; null for a value no state holds (a draft). */
export function stateOf(scope: Scope, status: { column: Value; states: Partial<Record<string, Array<string | number | boolean>>> }): Sql {
  const values: Record<string, string> = {};
  for (const [state, hostValues] of Object.entries(status.states)) for (const value of hostValues ?? []) values[String(value)] = state;
  return scope.value({ map: status.column, values });
}

/**
 * The rows whose status is one the file maps to any of `states`, read as the status column's own
 * values (so drafts and unmapped values are never read); no such value: no rows.
 */
export function inStates(
  scope: Scope,
  status: { column: Value; states: Partial<Record<string, Array<string | number | boolean>>> },
  states: readonly string[],
): Sql {
  const values = states.flatMap((state) => status.states[state] ?? []);
  return values.length > 0 ? scope.among(status.column, values) : sql('false');
}

/** `expr as "name"` for a select list. */
export const as = (db: Knex, fragment: Sql, name: string): Knex.Raw =>
  db.raw(`${fragment.sql} as "${name}"`, fragment.bindings as Knex.RawBinding[]);
