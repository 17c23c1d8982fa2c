// Project tasks (llx_projet_task) a client contact sees: tasks of the company's open or closed
// projects (llx_projet.fk_soc, fk_statut 1 or 2; a draft project is still the agency's) that are
// assigned to this contact, or to no external contact at all (then the whole company sees them).
// Assignees are llx_element_contact rows whose type (llx_c_type_contact) is element
// 'project_task', source 'external' (TASKEXECUTIVE, TASKCONTRIBUTOR): contacts of third parties.
//
// Status: Task::create never writes fk_statut, so a live task normally has 0; 1 is validated,
// 3 closed, 4 transferred, 9 canceled. Dolibarr measures completion by progress (its own
// "all tasks done" test is progress >= 100). Done = progress >= 100 or fk_statut 3; transferred
// and canceled tasks are not shown. There is no completion date column: tms (kept by Dolibarr's
// update trigger) stands in for when a done task was completed.
import { countUpTo } from '../../shared/count-up-to.ts';
import { clientCompanyIds, type Db } from './db.ts';

const TASK_CLOSED = 3;
export const SHOWN_STATUSES = [0, 1, TASK_CLOSED];
export const PROJECT_SHOWN_STATUSES = [1, 2];
export const DONE_SQL = `(coalesce(t.progress, 0) >= 100 or t.fk_statut = ${TASK_CLOSED})`;

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

interface Scope {
  entity: number;
  companyId: number;
  contactId: number;
}

const EXTERNAL_ASSIGNEES = `select 1 from llx_element_contact ec
    join llx_c_type_contact tc on tc.rowid = ec.fk_c_type_contact
   where ec.element_id = t.rowid and tc.element = 'project_task' and tc.source = 'external'`;

function visible(db: Db, scope: Scope) {
  return (
    db('llx_projet_task as t')
      .join('llx_projet as j', function joinProject() {
        this.on('j.rowid', '=', 't.fk_projet').andOn('j.entity', '=', 't.entity');
      })
      .where({ 't.entity': scope.entity, 'j.fk_soc': scope.companyId })
      .whereIn('t.fk_statut', SHOWN_STATUSES)
      .whereIn('j.fk_statut', PROJECT_SHOWN_STATUSES)
      .whereExists(clientCompanyIds(db, scope.entity).where('rowid', scope.companyId))
      // The contact must be one of this company's: another company's contact id sees nothing here.
      .whereExists(
        db('llx_socpeople as c')
          .select(db.raw('1'))
          .where({ 'c.rowid': scope.contactId, 'c.fk_soc': scope.companyId, 'c.entity': scope.entity }),
      )
      .andWhereRaw(`(exists (${EXTERNAL_ASSIGNEES} and ec.fk_socpeople = ?) or not exists (${EXTERNAL_ASSIGNEES}))`, [scope.contactId])
  );
}

const columns = (db: Db, contactId: number) => [
  't.rowid',
  't.label',
  't.description',
  db.raw("to_char(t.datee, 'YYYY-MM-DD') as due"),
  db.raw(`${DONE_SQL} as done`),
  't.tms',
  db.raw(`exists (${EXTERNAL_ASSIGNEES} and ec.fk_socpeople = ?) as assigned`, [contactId]),
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
  args: Scope & Search & { after?: { due: string; rowid: number }; limit: number },
): Promise<TaskRow[]> {
  const query = visible(db, args).andWhereRaw(`not ${DONE_SQL}`);
  if (args.matching) query.whereILike('t.label', args.matching);
  if (args.after) query.whereRaw(`(${OPEN_KEY}, t.rowid) > (?::date, ?)`, [args.after.due, args.after.rowid]);
  return query.orderByRaw(`${OPEN_KEY} asc, t.rowid asc`).limit(args.limit).select<TaskRow[]>(columns(db, args.contactId));
}

export async function listDoneTasks(
  db: Db,
  args: Scope & Search & { after?: { at: string; rowid: number }; limit: number },
): Promise<TaskRow[]> {
  const query = visible(db, args).andWhereRaw(DONE_SQL);
  if (args.matching) query.whereILike('t.label', args.matching);
  if (args.after) query.whereRaw('(t.tms, t.rowid) < (?::timestamp, ?)', [args.after.at, args.after.rowid]);
  return query
    .orderByRaw('t.tms desc, t.rowid desc')
    .limit(args.limit)
    .select<TaskRow[]>([...columns(db, args.contactId), db.raw(`to_char(t.tms, 'YYYY-MM-DD"T"HH24:MI:SS.US') as done_key`)]);
}

export async function findTask(db: Db, args: Scope & { rowid: number }): Promise<TaskRow | null> {
  const row = await visible(db, args).where('t.rowid', args.rowid).first<TaskRow | undefined>(columns(db, args.contactId));
  return row ?? null;
}

/**
 * Done: progress 100, as Dolibarr's task card records completion. Reopened: progress 0, and a
 * closed task (fk_statut 3) back to validated (1). Only a task the contact sees changes; false
 * when there is none.
 */
export async function setTaskDone(db: Db, args: Scope & { rowid: number; done: boolean }): Promise<boolean> {
  const ids = visible(db, args).where('t.rowid', args.rowid).select('t.rowid');
  if (args.done) {
    await db('llx_projet_task as t').whereIn('t.rowid', ids).andWhereRaw(`not ${DONE_SQL}`).update({ progress: 100 });
  } else {
    await db('llx_projet_task as t')
      .whereIn('t.rowid', ids)
      .andWhereRaw(DONE_SQL)
      .update({ progress: 0, fk_statut: db.raw('case when fk_statut = ? then 1 else fk_statut end', [TASK_CLOSED]) });
  }
  return Boolean(await visible(db, args).where('t.rowid', args.rowid).first('t.rowid'));
}

/** The open tasks the contact sees, counted up to countLimit: an imported heap of them costs the dashboard what a few do. */
export async function openTaskCount(db: Db, args: Scope & { countLimit: number }): Promise<number> {
  const row = await countUpTo(db, visible(db, args).andWhereRaw(`not ${DONE_SQL}`), args.countLimit).first<{ n: number } | undefined>();
  return Number(row?.n ?? 0);
}
