// A client's tasks as the file maps them: those of the whole company, and a contact's own where the
// host assigns tasks to contacts; open ones soonest due first (undated last), done ones latest done
// first, the key breaking ties, a page at a time by keyset. A status value no state holds is never read.
import type { Knex } from 'knex';
import type { TaskConcept } from '../format.ts';
import { and, raw, type Sql, sql } from '../sql.ts';
import { as, dayOf, equals, inStates, keyEquals, momentOf, scopedRows, stateOf, textOf, type WorkspaceRule } from './scoped.ts';

export interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  due_date: string | null;
  state: 'open' | 'done';
  completed_at: Date | null;
  assigned: boolean;
  sort_key: string;
}

export interface TaskFilter {
  state?: 'open' | 'done';
  /** A containsPattern of the search, matched in the title. */
  matching?: string;
  id?: string;
  /** A project's tasks only (the file's tasks.project), whatever their state. */
  project?: string;
  /** The last row of the page before: its sort key (as the row gave it) and key. */
  after?: { sortKey: string; id: string } | null;
}

/** The sort of open tasks (due day, undated last) and of done ones (latest done first), as SQL. */
function sortOf(
  scope: ReturnType<typeof scopedRows>['scope'],
  concept: TaskConcept,
  state: 'open' | 'done' | undefined,
): { expr: Sql; direction: 'asc' | 'desc'; cast: string } {
  if (state === 'done') {
    const done = momentOf(scope, concept.completedAt);
    return { expr: sql(`coalesce(${done.sql}, '-infinity'::timestamptz)`, done.bindings), direction: 'desc', cast: 'timestamptz' };
  }
  const due = concept.due === undefined ? sql('null::date') : scope.value(concept.due);
  return { expr: sql(`coalesce((${due.sql})::date, date '9999-12-31')`, due.bindings), direction: 'asc', cast: 'date' };
}

export function taskQuery(
  db: Knex,
  concept: TaskConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  contactId: string,
  filter: TaskFilter,
  limit: number,
): Knex.QueryBuilder {
  const { query, scope } = scopedRows(db, concept, rule, workspaceId, { value: concept.client, id: clientId });
  const parts: Sql[] = [inStates(scope, concept.status, filter.state ? [filter.state] : ['open', 'done'])];
  let assigned = sql('false');
  if (concept.contact !== undefined) {
    // The contact's own tasks and those assigned to no contact (the whole company's).
    const contact = scope.value(concept.contact);
    const theirs = equals(scope, concept.contact, contactId);
    assigned = sql(`coalesce(${theirs.sql}, false)`, theirs.bindings);
    parts.push(sql(`(${assigned.sql} or (${contact.sql}) is null)`, [...assigned.bindings, ...contact.bindings]));
  }
  if (filter.id !== undefined) parts.push(keyEquals(scope, concept.key, filter.id));
  if (filter.project !== undefined) parts.push(concept.project ? equals(scope, concept.project, filter.project) : sql('false'));
  if (filter.matching !== undefined) {
    const title = scope.text(concept.title);
    parts.push(sql(`(${title.sql}) ilike ?`, [...title.bindings, filter.matching]));
  }
  const sort = sortOf(scope, concept, filter.state);
  const key = scope.column(concept.key);
  if (filter.after) {
    const compare = sort.direction === 'asc' ? '>' : '<';
    parts.push(
      sql(`(${sort.expr.sql}, ${key.sql}) ${compare} (?::${sort.cast}, ?)`, [...sort.expr.bindings, filter.after.sortKey, filter.after.id]),
    );
  }
  const state = stateOf(scope, concept.status);
  return query
    .whereRaw(raw(db, and(parts)))
    .orderByRaw(`${sort.expr.sql} ${sort.direction}, ${key.sql} ${sort.direction}`, sort.expr.bindings as Knex.RawBinding[])
    .limit(limit)
    .select(
      as(db, scope.text(concept.key), 'id'),
      as(db, textOf(scope, concept.title, ''), 'title'),
      as(db, textOf(scope, concept.description), 'description'),
      as(db, dayOf(scope, concept.due), 'due_date'),
      as(db, state, 'state'),
      as(db, momentOf(scope, concept.completedAt), 'completed_at'),
      as(db, assigned, 'assigned'),
      as(db, sql(`(${sort.expr.sql})::text`, sort.expr.bindings), 'sort_key'),
    );
}

/** How many open tasks a contact sees, up to `countLimit`. */
export function openTaskCount(
  db: Knex,
  concept: TaskConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  contactId: string,
  countLimit: number,
): Knex.QueryBuilder {
  const rows = taskQuery(db, concept, rule, workspaceId, clientId, contactId, { state: 'open' }, countLimit)
    .clearSelect()
    .clearOrder()
    .select(db.raw('1'));
  return db.from(rows.as('counted')).select(db.raw('count(*)::int as n'));
}
