// Project tasks (llx_projet_task) a client contact sees (visibility.ts, tasksSeenBy: every task of
// a project the contact sees, whoever is assigned to it, as Dolibarr's own pages list them) and
// marks done. `assigned` says whether one is assigned to this contact.
//
// Status: 0 draft, 1 validated, 2 in progress, 3 closed, 4 transferred, 9 canceled. Dolibarr
// measures completion by progress (its own "all tasks done" test is progress >= 100). Done =
// progress >= 100 or fk_statut 3; transferred and canceled tasks are not shown. There is no completion date column: tms (kept by Dolibarr's
// update trigger) stands in for when a done task was completed.
import { countUpTo } from '../../shared/count-up-to.ts';
import type { Db } from './db.ts';
import { type ContactScope, TASK_CLOSED, TASK_DONE_SQL, taskAssignedToSql, tasksSeenBy } from './visibility.ts';

export interface TaskRow {
  rowid: number;
  label: string;
  description: string | null;
  due: string | null;
  done: boolean;
  tms: Date;
  assigned: boolean;
  fk_projet: number;
  project_ref: string | null;
  project_title: string;
  /** The keyset position, on done-list rows only. */
  done_key?: string;
}

const columns = (db: Db, contactId: number) => [
  't.rowid',
  't.label',
  't.description',
  db.raw("to_char(t.datee, 'YYYY-MM-DD') as due"),
  db.raw(`${TASK_DONE_SQL} as done`),
  't.tms',
  db.raw(`${taskAssignedToSql('t', '?')} as assigned`, [contactId]),
  't.fk_projet',
  'j.ref as project_ref',
  'j.title as project_title',
];

const OPEN_KEY = "coalesce(t.datee::date, date '9999-12-31')";

/** What a list asks besides the scope: an ILIKE pattern (the portal's containsPattern) the label (the title shown) matches. */
interface Search {
  matching?: string;
}

export async function listOpenTasks(
  db: Db,
  args: ContactScope & Search & { after?: { due: string; rowid: number }; limit: number },
): Promise<TaskRow[]> {
  const query = tasksSeenBy(db, args).andWhereRaw(`not ${TASK_DONE_SQL}`);
  if (args.matching) query.whereILike('t.label', args.matching);
  if (args.after) query.whereRaw(`(${OPEN_KEY}, t.rowid) > (?::date, ?)`, [args.after.due, args.after.rowid]);
  return query.orderByRaw(`${OPEN_KEY} asc, t.rowid asc`).limit(args.limit).select<TaskRow[]>(columns(db, args.contactId));
}

export async function listDoneTasks(
  db: Db,
  args: ContactScope & Search & { after?: { at: string; rowid: number }; limit: number },
): Promise<TaskRow[]> {
  const query = tasksSeenBy(db, args).andWhereRaw(TASK_DONE_SQL);
  if (args.matching) query.whereILike('t.label', args.matching);
  if (args.after) query.whereRaw('(t.tms, t.rowid) < (?::timestamp, ?)', [args.after.at, args.after.rowid]);
  return query
    .orderByRaw('t.tms desc, t.rowid desc')
    .limit(args.limit)
    .select<TaskRow[]>([...columns(db, args.contactId), db.raw(`to_char(t.tms, 'YYYY-MM-DD"T"HH24:MI:SS.US') as done_key`)]);
}

export async function findTask(db: Db, args: ContactScope & { rowid: number }): Promise<TaskRow | null> {
  const row = await tasksSeenBy(db, args).where('t.rowid', args.rowid).first<TaskRow | undefined>(columns(db, args.contactId));
  return row ?? null;
}

/**
 * Done: progress 100, as Dolibarr's task card records completion. Reopened: progress 0, and a
 * closed task (fk_statut 3) back to validated (1). Only a task the contact sees changes; false
 * when there is none.
 */
export async function setTaskDone(db: Db, args: ContactScope & { rowid: number; done: boolean }): Promise<boolean> {
  const ids = tasksSeenBy(db, args).where('t.rowid', args.rowid).select('t.rowid');
  if (args.done) {
    await db('llx_projet_task as t').whereIn('t.rowid', ids).andWhereRaw(`not ${TASK_DONE_SQL}`).update({ progress: 100 });
  } else {
    await db('llx_projet_task as t')
      .whereIn('t.rowid', ids)
      .andWhereRaw(TASK_DONE_SQL)
      .update({ progress: 0, fk_statut: db.raw('case when fk_statut = ? then 1 else fk_statut end', [TASK_CLOSED]) });
  }
  return Boolean(await tasksSeenBy(db, args).where('t.rowid', args.rowid).first('t.rowid'));
}

/** The open tasks the contact sees, counted up to countLimit: an imported heap of them costs the dashboard what a few do. */
export async function openTaskCount(db: Db, args: ContactScope & { countLimit: number }): Promise<number> {
  const row = await countUpTo(db, tasksSeenBy(db, args).andWhereRaw(`not ${TASK_DONE_SQL}`), args.countLimit).first<
    { n: number } | undefined
  >();
  return Number(row?.n ?? 0);
}
