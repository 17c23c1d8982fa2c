// A client's tickets as the file maps them: newest activity first (the ticket's own change or its
// newest message, whichever is later), the key breaking ties, a page at a time by keyset; and a
// ticket's thread, oldest first, without the rows the file's messages.where leaves out (the
// agency's internal notes). A status value no state holds is never read.
import type { Knex } from 'knex';
import type { TicketConcept } from '../format.ts';
import { and, raw, Scope, type Sql, sql } from '../sql.ts';
import { as, inStates, keyEquals, momentOf, scopedRows, stateOf, textOf, type WorkspaceRule } from './scoped.ts';

type TicketState = 'open' | 'waiting' | 'closed';

export interface TicketRow {
  id: string;
  ref: string;
  subject: string;
  description: string | null;
  state: TicketState;
  status_label: string | null;
  category: string | null;
  type: string | null;
  priority: string | null;
  opened_by: string | null;
  opened_at: Date;
  activity_at: Date;
  closed_at: Date | null;
  /** The activity as text, exactly as the list compares it: the cursor's sort key. */
  sort_key: string;
}

export interface MessageRow {
  id: string;
  from_client: boolean;
  author_name: string | null;
  body: string | null;
  at: Date;
}

export interface TicketFilter {
  states?: readonly TicketState[];
  /** A containsPattern of the search, matched in the ref and the subject. */
  matching?: string;
  id?: string;
  /** The last row of the page before: its activity (as the row gave it) and key. */
  after?: { sortKey: string; id: string } | null;
}

/** The messages of the ticket `ticketKey` (a fragment of the outer statement), in their own alias. */
function messagesOf(concept: TicketConcept, ticketKey: Sql): { scope: Scope; where: Sql } {
  const scope = new Scope(concept.messages.table, concept.messages.joins ?? [], 'm');
  const parent = scope.column(concept.messages.parent);
  return {
    scope,
    where: and([scope.where(concept.messages.where), sql(`${parent.sql} = ${ticketKey.sql}`, ticketKey.bindings)]),
  };
}

/** The later of the ticket's own change (or opening) and its newest message. */
function activityOf(scope: Scope, concept: TicketConcept): Sql {
  const opened = momentOf(scope, concept.openedAt);
  const changed = concept.updatedAt === undefined ? opened : momentOf(scope, concept.updatedAt);
  const messages = messagesOf(concept, scope.column(concept.key));
  const at = momentOf(messages.scope, concept.messages.at);
  const from = messages.scope.from(true);
  const newest = sql(`(select max(${at.sql}) from ${from.sql} where ${messages.where.sql})`, [
    ...at.bindings,
    ...from.bindings,
    ...messages.where.bindings,
  ]);
  // Every part may be null (a host's empty column): the ticket then counts from its opening.
  return sql(`coalesce(greatest(${changed.sql}, ${opened.sql}, ${newest.sql}), '-infinity'::timestamptz)`, [
    ...changed.bindings,
    ...opened.bindings,
    ...newest.bindings,
  ]);
}

export function ticketQuery(
  db: Knex,
  concept: TicketConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  filter: TicketFilter,
  limit: number,
): Knex.QueryBuilder {
  const { query, scope } = scopedRows(db, concept, rule, workspaceId, { value: concept.client, id: clientId });
  const ref = concept.ref === undefined ? scope.text(concept.key) : textOf(scope, concept.ref, '');
  const parts: Sql[] = [inStates(scope, concept.status, filter.states ?? ['open', 'waiting', 'closed'])];
  if (filter.id !== undefined) parts.push(keyEquals(scope, concept.key, filter.id));
  if (filter.matching !== undefined) {
    const subject = scope.text(concept.subject);
    parts.push(
      sql(`((${ref.sql}) ilike ? or (${subject.sql}) ilike ?)`, [...ref.bindings, filter.matching, ...subject.bindings, filter.matching]),
    );
  }
  const activity = activityOf(scope, concept);
  const key = scope.column(concept.key);
  if (filter.after)
    parts.push(sql(`(${activity.sql}, ${key.sql}) < (?::timestamptz, ?)`, [...activity.bindings, filter.after.sortKey, filter.after.id]));
  const choice = (choices: TicketConcept['category']) =>
    choices === undefined ? sql('null::text') : scope.value({ map: choices.column, values: choices.values });
  return query
    .whereRaw(raw(db, and(parts)))
    .orderByRaw(`${activity.sql} desc, ${key.sql} desc`, activity.bindings as Knex.RawBinding[])
    .limit(limit)
    .select(
      as(db, scope.text(concept.key), 'id'),
      as(db, ref, 'ref'),
      as(db, textOf(scope, concept.subject, ''), 'subject'),
      as(db, textOf(scope, concept.description), 'description'),
      as(db, stateOf(scope, concept.status), 'state'),
      as(db, textOf(scope, concept.statusLabel), 'status_label'),
      as(db, choice(concept.category), 'category'),
      as(db, choice(concept.type), 'type'),
      as(db, choice(concept.priority), 'priority'),
      as(db, textOf(scope, concept.openedBy), 'opened_by'),
      as(db, momentOf(scope, concept.openedAt), 'opened_at'),
      as(db, activity, 'activity_at'),
      as(db, momentOf(scope, concept.closedAt), 'closed_at'),
      as(db, sql(`(${activity.sql})::text`, activity.bindings), 'sort_key'),
    );
}

/** How many of the client's tickets are in these states, up to `countLimit`. */
export function ticketCount(
  db: Knex,
  concept: TicketConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  states: readonly TicketState[],
  countLimit: number,
): Knex.QueryBuilder {
  const { query, scope } = scopedRows(db, concept, rule, workspaceId, { value: concept.client, id: clientId });
  const rows = query
    .whereRaw(raw(db, inStates(scope, concept.status, states)))
    .limit(countLimit)
    .select(db.raw('1'));
  return db.from(rows.as('counted')).select(db.raw('count(*)::int as n'));
}

/** The thread of a ticket already found in the client's scope (its key as the host keeps it), oldest first. */
export function messageQuery(db: Knex, concept: TicketConcept, ticketKey: string, limit: number): Knex.QueryBuilder {
  const messages = messagesOf(concept, sql('?', [ticketKey]));
  const { scope } = messages;
  const at = momentOf(scope, concept.messages.at);
  const key = scope.column(concept.messages.key);
  const fromClient = scope.condition(concept.messages.fromClient);
  const select = [
    as(db, scope.text(concept.messages.key), 'id'),
    as(db, sql(`coalesce(${fromClient.sql}, false)`, fromClient.bindings), 'from_client'),
    as(db, textOf(scope, concept.messages.authorName), 'author_name'),
    as(db, textOf(scope, concept.messages.body), 'body'),
    as(db, at, 'at'),
  ];
  // The select names the joins it reads; the table and those joins are added after.
  return db
    .queryBuilder()
    .select(select)
    .from(raw(db, scope.from(true)))
    .whereRaw(raw(db, messages.where))
    .orderByRaw(`${at.sql} asc, ${key.sql} asc`, at.bindings as Knex.RawBinding[])
    .limit(limit);
}
