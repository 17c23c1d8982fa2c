// A client's projects as the file maps them: by state (active, on hold, completed), then newest
// start first (undated last), the key breaking ties, a page at a time by keyset. A status value no
// state holds is never read.
import type { Knex } from 'knex';
import type { ProjectConcept } from '../format.ts';
import { and, raw, type Sql, sql } from '../sql.ts';
import { as, dayOf, inStates, keyEquals, scopedRows, stateOf, textOf, type WorkspaceRule } from './scoped.ts';

const PROJECT_STATES = ['active', 'onHold', 'completed'] as const;

export interface ProjectRow {
  id: string;
  ref: string | null;
  title: string;
  description: string | null;
  state: (typeof PROJECT_STATES)[number];
  status_label: string | null;
  progress: string | null;
  start_date: string | null;
  end_date: string | null;
  rank: number;
  start_key: string;
}

export interface ProjectFilter {
  state?: (typeof PROJECT_STATES)[number];
  /** A containsPattern of the search, matched in the title and the ref. */
  matching?: string;
  id?: string;
  /** The last row of the page before: its state's rank, its start day (as the row gave them) and key. */
  after?: { rank: number; start: string; id: string } | null;
}

export function projectQuery(
  db: Knex,
  concept: ProjectConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  filter: ProjectFilter,
  limit: number,
): Knex.QueryBuilder {
  const { query, scope } = scopedRows(db, concept, rule, workspaceId, { value: concept.client, id: clientId });
  const state = stateOf(scope, concept.status);
  const rank = sql(`array_position(array['active', 'onHold', 'completed'], (${state.sql}))`, state.bindings);
  const startValue = concept.start === undefined ? sql('null::date') : scope.value(concept.start);
  const start = sql(`coalesce((${startValue.sql})::date, date '0001-01-01')`, startValue.bindings);
  const key = scope.column(concept.key);
  const parts: Sql[] = [inStates(scope, concept.status, filter.state ? [filter.state] : PROJECT_STATES)];
  if (filter.id !== undefined) parts.push(keyEquals(scope, concept.key, filter.id));
  if (filter.matching !== undefined) {
    const texts = [concept.title, ...(concept.ref ? [concept.ref] : [])].map((value) => {
      const text = scope.text(value);
      return sql(`(${text.sql}) ilike ?`, [...text.bindings, filter.matching]);
    });
    parts.push(
      sql(
        `(${texts.map((t) => t.sql).join(' or ')})`,
        texts.flatMap((t) => t.bindings),
      ),
    );
  }
  if (filter.after) {
    const { rank: r, start: d, id } = filter.after;
    parts.push(
      sql(`((${rank.sql}) > ? or ((${rank.sql}) = ? and (${start.sql}, ${key.sql}) < (?::date, ?)))`, [
        ...rank.bindings,
        r,
        ...rank.bindings,
        r,
        ...start.bindings,
        d,
        id,
      ]),
    );
  }
  return query
    .whereRaw(raw(db, and(parts)))
    .orderByRaw(`${rank.sql}, ${start.sql} desc, ${key.sql} desc`, [...rank.bindings, ...start.bindings] as Knex.RawBinding[])
    .limit(limit)
    .select(
      as(db, scope.text(concept.key), 'id'),
      as(db, textOf(scope, concept.ref), 'ref'),
      as(db, textOf(scope, concept.title, ''), 'title'),
      as(db, filter.id !== undefined ? textOf(scope, concept.description) : sql('null::text'), 'description'),
      as(db, state, 'state'),
      as(db, textOf(scope, concept.statusLabel), 'status_label'),
      as(db, textOf(scope, concept.progress), 'progress'),
      as(db, dayOf(scope, concept.start), 'start_date'),
      as(db, dayOf(scope, concept.end), 'end_date'),
      as(db, rank, 'rank'),
      as(db, sql(`to_char(${start.sql}, 'YYYY-MM-DD')`, start.bindings), 'start_key'),
    );
}

/** How many active projects a client has, up to `countLimit`. */
export function activeProjectCount(
  db: Knex,
  concept: ProjectConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  countLimit: number,
): Knex.QueryBuilder {
  const rows = projectQuery(db, concept, rule, workspaceId, clientId, { state: 'active' }, countLimit)
    .clearSelect()
    .clearOrder()
    .select(db.raw('1'));
  return db.from(rows.as('counted')).select(db.raw('count(*)::int as n'));
}
