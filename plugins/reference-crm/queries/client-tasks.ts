// The tasks a client contact sees in the portal: assigned to them, or to nobody at their company
// (the whole company's). Scoped by workspace, client and contact in every statement, so a task
// reassigned to another contact or deleted drops out of every read and write at once.
import type { Db } from './db.ts';
import { recordLabelSql } from './shared-documents.ts';

export interface ClientTaskRow {
  id: number;
  title: string;
  description: string;
  due_date: string | null;
  status: 'open' | 'in_progress' | 'done';
  completed_at: Date | null;
  /** On done-list rows: the sort key in UTC with its microseconds, exact across the round trip (a Date keeps milliseconds). */
  completed_key?: string;
  assigned_contact_id: number | null;
  record_type: 'proposal' | 'quotation' | 'invoice' | null;
  record_id: number | null;
  record_label: string | null;
}

interface Scope {
  workspaceId: number;
  clientId: number;
  contactId: number;
}

/** What a list asks besides the scope: an ILIKE pattern (the portal's containsPattern) the title matches. */
interface Search {
  matching?: string;
}

function visible(db: Db, scope: Scope) {
  return db('tasks as x')
    .where({ 'x.workspace_id': scope.workspaceId, 'x.client_id': scope.clientId })
    .andWhere((q) => q.where('x.assigned_contact_id', scope.contactId).orWhereNull('x.assigned_contact_id'));
}

const columns = (db: Db, scope: Scope) => [
  'x.id',
  'x.title',
  'x.description',
  db.raw("to_char(x.due_date, 'YYYY-MM-DD') as due_date"),
  'x.status',
  'x.completed_at',
  'x.assigned_contact_id',
  'x.record_type',
  'x.record_id',
  recordLabelSql(db, scope),
];

// Open tasks sort by due date with undated ones last; the sentinel date keeps the keyset simple.
const OPEN_KEY = "coalesce(x.due_date, date '9999-12-31')";

export async function listOpenTasks(
  db: Db,
  args: Scope & Search & { after?: { due: string; id: number }; limit: number },
): Promise<ClientTaskRow[]> {
  return openTasksQuery(db, args);
}

/** The same as a query: run it, or read it with others (the dashboard). */
export function openTasksQuery(db: Db, args: Scope & Search & { after?: { due: string; id: number }; limit: number }) {
  const query = visible(db, args).whereNot('x.status', 'done');
  if (args.matching) query.whereILike('x.title', args.matching);
  if (args.after) query.whereRaw(`(${OPEN_KEY}, x.id) > (?::date, ?)`, [args.after.due, args.after.id]);
  return query.orderByRaw(`${OPEN_KEY} asc, x.id asc`).limit(args.limit).select<ClientTaskRow[]>(columns(db, args));
}

export async function listDoneTasks(
  db: Db,
  args: Scope & Search & { after?: { completedAt: string; id: number }; limit: number },
): Promise<ClientTaskRow[]> {
  const query = visible(db, args).where('x.status', 'done');
  if (args.matching) query.whereILike('x.title', args.matching);
  // completed_at is set whenever a task is done; the epoch stands in for rows that predate that.
  const key = "coalesce(x.completed_at, timestamptz '1970-01-01')";
  if (args.after) query.whereRaw(`(${key}, x.id) < (?::timestamptz, ?)`, [args.after.completedAt, args.after.id]);
  return query
    .orderByRaw(`${key} desc, x.id desc`)
    .limit(args.limit)
    .select<ClientTaskRow[]>([
      ...columns(db, args),
      db.raw(`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as completed_key`),
    ]);
}

export async function findClientTask(db: Db, args: Scope & { taskId: number }): Promise<ClientTaskRow | null> {
  const row = await visible(db, args).where('x.id', args.taskId).first<ClientTaskRow | undefined>(columns(db, args));
  return row ?? null;
}

/** Marks done or reopens (back to open) a task the contact sees; false when they do not see it. */
export async function setClientTaskStatus(db: Db, args: Scope & { taskId: number; done: boolean }): Promise<boolean> {
  const query = visible(db, args).where('x.id', args.taskId);
  const updated = args.done
    ? await query.whereNot('x.status', 'done').update({ status: 'done', completed_at: db.fn.now() })
    : await query.where('x.status', 'done').update({ status: 'open', completed_at: null });
  if (updated > 0) return true;
  // Already in the asked-for state: still visible, nothing to change.
  return Boolean(await visible(db, args).where('x.id', args.taskId).first('x.id'));
}
