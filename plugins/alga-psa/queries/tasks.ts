// Alga PSA's project tasks a client contact sees. Alga shows a project's tasks in its own client
// portal only when the project's client_portal_config.show_tasks is true, and only those on a board
// column the project shows (project_status_mappings.is_visible); the same rules hold here.
// A task belongs to a phase (project_phases) of a project (projects.client_id); the project must
// be active (is_inactive false) and its client active.
//
// Assignees: project_tasks.assigned_to is a users.user_id. A task assigned to the contact's own
// client login (users.user_type 'client', contact_id = the contact) is theirs; one assigned to
// another contact's client login is that person's and hidden; one assigned to staff or to nobody
// is the company's, seen by every contact of the client.
//
// Status: a task's column on Alga's board is its project_status_mapping_id; the mapping names a
// tenant status (statuses) or a standard one (standard_statuses). Done is the tenant status's
// is_closed only, as Alga's client portal reads it (client-portal-actions/client-project-details.ts
// getClientProjectTasks and getClientProjectPhases, and packages/projects lib/projectUtils.ts
// calculateProjectCompletion: mappings left-joined to statuses, never to standard_statuses), so a
// task on a standard status's column is open there and here. Alga keeps no completion date, so
// updated_at stands in for when a done task was completed.
import { countUpTo } from '../../shared/count-up-to.ts';
import { activeClientIds, type Db } from './db.ts';
import { activeContacts } from './contacts.ts';

export const DONE_SQL = `coalesce((select s.is_closed
    from project_status_mappings m
    join statuses s on s.tenant = m.tenant and s.status_id = m.status_id
   where m.tenant = t.tenant and m.project_status_mapping_id = t.project_status_mapping_id), false)`;

/**
 * A share in percent as Alga's pages show one: Math.round((closed / total) * 100) in JavaScript's
 * doubles (its client portal's ClientPortalProjectMetrics over calculateProjectCompletion, and
 * getClientProjectPhases), which PostgreSQL's float8 computes alike; floor(x + 0.5) is
 * Math.round's tie upwards (round() on float8 would round a tie to even). Null without tasks.
 */
export const roundedShareSql = (closed: string, total: string) =>
  `case when ${total} = 0 then null else floor((${closed})::float8 / (${total})::float8 * 100 + 0.5)::int end`;

const VISIBLE_COLUMN = `exists (select 1 from project_status_mappings vm
   where vm.tenant = t.tenant and vm.project_status_mapping_id = t.project_status_mapping_id and vm.is_visible)`;

const OWN_LOGIN = `exists (select 1 from users u where u.tenant = t.tenant and u.user_id = t.assigned_to and u.user_type = 'client' and u.contact_id = ?)`;
const OTHERS_LOGIN = `exists (select 1 from users u where u.tenant = t.tenant and u.user_id = t.assigned_to and u.user_type = 'client' and u.contact_id is distinct from ?)`;

export interface TaskRow {
  task_id: string;
  task_name: string;
  description: string | null;
  due: string | null;
  done: boolean;
  updated_at: Date;
  assigned: boolean;
  project_id: string;
  project_number: string;
  project_name: string;
  done_key?: string;
}

interface Scope {
  tenant: string;
  clientId: string;
  contactId: string;
}

function visible(db: Db, scope: Scope) {
  return (
    db('project_tasks as t')
      .join('project_phases as ph', function joinPhase() {
        this.on('ph.tenant', '=', 't.tenant').andOn('ph.phase_id', '=', 't.phase_id');
      })
      .join('projects as p', function joinProject() {
        this.on('p.tenant', '=', 'ph.tenant').andOn('p.project_id', '=', 'ph.project_id');
      })
      .where({ 't.tenant': scope.tenant, 'p.client_id': scope.clientId })
      .andWhereRaw('coalesce(p.is_inactive, false) = false')
      .andWhereRaw("coalesce((p.client_portal_config ->> 'show_tasks')::boolean, false)")
      // Only on a board column the project shows the client, as Alga's portal lists a project's tasks.
      .andWhereRaw(VISIBLE_COLUMN)
      .whereIn('p.client_id', activeClientIds(db, scope.tenant))
      // The contact must be one of this client's: another client's contact id sees nothing here.
      .whereExists(
        activeContacts(db, scope.tenant).where({ 'c.contact_name_id': scope.contactId, 'c.client_id': scope.clientId }).select(db.raw('1')),
      )
      .andWhereRaw(`not ${OTHERS_LOGIN}`, [scope.contactId])
  );
}

const columns = (db: Db, contactId: string) => [
  't.task_id',
  't.task_name',
  't.description',
  db.raw(`to_char(t.due_date at time zone 'UTC', 'YYYY-MM-DD') as due`),
  db.raw(`${DONE_SQL} as done`),
  't.updated_at',
  db.raw(`${OWN_LOGIN} as assigned`, [contactId]),
  'p.project_id',
  'p.project_number',
  'p.project_name',
];

const OPEN_KEY = `coalesce((t.due_date at time zone 'UTC')::date, date '9999-12-31')`;

/** What a list asks besides the scope: an ILIKE pattern (the portal's containsPattern) the task's name matches. */
interface Search {
  matching?: string;
}

export async function listOpenTasks(
  db: Db,
  args: Scope & Search & { after?: { due: string; id: string }; limit: number },
): Promise<TaskRow[]> {
  const query = visible(db, args).andWhereRaw(`not ${DONE_SQL}`);
  if (args.matching) query.whereILike('t.task_name', args.matching);
  if (args.after) query.andWhereRaw(`(${OPEN_KEY}, t.task_id) > (?::date, ?::uuid)`, [args.after.due, args.after.id]);
  return query.orderByRaw(`${OPEN_KEY} asc, t.task_id asc`).limit(args.limit).select<TaskRow[]>(columns(db, args.contactId));
}

export async function listDoneTasks(
  db: Db,
  args: Scope & Search & { after?: { at: string; id: string }; limit: number },
): Promise<TaskRow[]> {
  const query = visible(db, args).andWhereRaw(DONE_SQL);
  if (args.matching) query.whereILike('t.task_name', args.matching);
  if (args.after)
    query.andWhereRaw(`(t.updated_at, t.task_id) < ((?::timestamp at time zone 'UTC'), ?::uuid)`, [args.after.at, args.after.id]);
  return query
    .orderByRaw('t.updated_at desc, t.task_id desc')
    .limit(args.limit)
    .select<TaskRow[]>([
      ...columns(db, args.contactId),
      db.raw(`to_char(t.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as done_key`),
    ]);
}

export async function findTask(db: Db, args: Scope & { taskId: string }): Promise<TaskRow | null> {
  return (await visible(db, args).where('t.task_id', args.taskId).first<TaskRow | undefined>(columns(db, args.contactId))) ?? null;
}

/** The open tasks the contact sees, counted up to countLimit: an imported heap of them costs the dashboard what a few do. */
export async function openTaskCount(db: Db, args: Scope & { countLimit: number }): Promise<number> {
  const row = await countUpTo(db, visible(db, args).andWhereRaw(`not ${DONE_SQL}`), args.countLimit).first<{ n: number } | undefined>();
  return Number(row?.n ?? 0);
}

/**
 * Done or reopened, as moving the card on Alga's project board does: project_status_mapping_id
 * becomes the project's first visible column (by display_order) whose status is closed (done) or
 * open (reopened), and updated_at now. Columns of the task's own phase come before the
 * project's. A task already in such a column stays. False when the contact cannot see the task
 * or the project has no such column.
 */
export async function setTaskDone(db: Db, args: Scope & { taskId: string; done: boolean }): Promise<boolean> {
  const task = await visible(db, args)
    .where('t.task_id', args.taskId)
    .first<{ done: boolean; project_id: string; phase_id: string } | undefined>([
      db.raw(`${DONE_SQL} as done`),
      'p.project_id',
      't.phase_id',
    ]);
  if (!task) return false;
  if (task.done === args.done) return true;
  const target = await db('project_status_mappings as m')
    .leftJoin('statuses as s', function joinStatus() {
      this.on('s.tenant', '=', 'm.tenant').andOn('s.status_id', '=', 'm.status_id');
    })
    .where({ 'm.tenant': args.tenant, 'm.project_id': task.project_id })
    .andWhere((q) => q.whereNull('m.phase_id').orWhere('m.phase_id', task.phase_id))
    .andWhereRaw('coalesce(m.is_visible, true)')
    // Closed as DONE_SQL reads it: a standard status's column is never one Alga counts as done.
    .andWhereRaw('coalesce(s.is_closed, false) = ?', [args.done])
    .orderByRaw('(m.phase_id is null) asc, m.display_order asc')
    .first<{ project_status_mapping_id: string } | undefined>('m.project_status_mapping_id');
  if (!target) return false;
  await db('project_tasks')
    .where({ tenant: args.tenant, task_id: args.taskId })
    .update({ project_status_mapping_id: target.project_status_mapping_id, updated_at: db.fn.now() });
  return true;
}
