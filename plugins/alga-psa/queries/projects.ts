// Alga PSA's projects as its own client portal shows them (client-portal-actions/client-projects.ts
// and client-project-details.ts): every active project (is_inactive false) of the contact's client,
// whatever the contact; the contact must be an active contact of that active client.
//
// State: a project's status is a tenant status (statuses, status_type 'project'); is_closed says
// completed, anything else is active. Alga keeps no "on hold" flag (its portal filters open and
// closed only), so no project is on hold here; the status's own name travels as the label.
//
// Details are gated by projects.client_portal_config as Alga's portal gates them: phases
// (project_phases by order_key) only with show_phases, a phase's completion only with
// show_phase_completion, tasks only with show_tasks and only those on a board column the
// project shows (project_status_mappings.is_visible), a task's due date only when
// visible_task_fields lists it (Alga's default lists it: task_name, due_date, status).
//
// Progress, as Alga computes it for its client portal (the same rows give the same number):
// - a project's: packages/projects src/lib/projectUtils.ts calculateProjectCompletion, which
//   ClientPortalProjectMetrics shows ("{{percent}}% Complete", "{{completed}} of {{total}} tasks
//   completed"): every task of the project's phases, its mapping and status left-joined, done
//   where statuses.is_closed is true (a standard status's column never is), over all of them;
// - a phase's: client-portal-actions/client-project-details.ts getClientProjectPhases: the
//   phase's tasks joined to a mapping (a task with none is not counted), done where the mapping's
//   statuses.is_closed is true;
// each rounded as Alga's Math.round (roundedShareSql). Alga shows 0% where it counts no task; the
// port has no progress there (null) and the portal draws no bar.
import { countUpTo } from '../../shared/count-up-to.ts';
import { type Db, activeClientIds } from './db.ts';
import { activeContacts } from './contacts.ts';
import { DONE_SQL, roundedShareSql } from './tasks.ts';

export interface ProjectRow {
  project_id: string;
  project_number: string | null;
  wbs_code: string;
  project_name: string;
  status_name: string | null;
  closed: boolean;
  start: string | null;
  end: string | null;
  progress: number | null;
}

export interface ProjectDetailRow extends ProjectRow {
  description: string | null;
  config: Record<string, unknown> | null;
}

export interface PhaseRow {
  phase_id: string;
  phase_name: string;
  start: string | null;
  end: string | null;
  progress: number | null;
}

export interface ProjectTaskRow {
  task_id: string;
  phase_id: string;
  task_name: string;
  due: string | null;
  done: boolean;
}

interface Scope {
  tenant: string;
  clientId: string;
  contactId: string;
}

const CLOSED = 'coalesce(st.is_closed, false)';

function visible(db: Db, scope: Scope) {
  return (
    db('projects as p')
      .leftJoin('statuses as st', function joinStatus() {
        this.on('st.tenant', '=', 'p.tenant').andOn('st.status_id', '=', 'p.status');
      })
      .where({ 'p.tenant': scope.tenant, 'p.client_id': scope.clientId })
      .andWhereRaw('coalesce(p.is_inactive, false) = false')
      .whereIn('p.client_id', activeClientIds(db, scope.tenant))
      // The contact must be one of this client's: another client's contact id sees nothing here.
      .whereExists(
        activeContacts(db, scope.tenant).where({ 'c.contact_name_id': scope.contactId, 'c.client_id': scope.clientId }).select(db.raw('1')),
      )
  );
}

/** Closed tasks over all tasks of the project's phases, 0–100, as calculateProjectCompletion; null without tasks. */
const PROGRESS = `(select ${roundedShareSql('count(*) filter (where ps.is_closed)', 'count(*)')}
    from project_tasks t
    join project_phases tph on tph.tenant = t.tenant and tph.phase_id = t.phase_id
    left join project_status_mappings pm on pm.tenant = t.tenant and pm.project_status_mapping_id = t.project_status_mapping_id
    left join statuses ps on ps.tenant = pm.tenant and ps.status_id = pm.status_id
   where t.tenant = p.tenant and tph.project_id = p.project_id)`;

const columns = (db: Db) => [
  'p.project_id',
  'p.project_number',
  'p.wbs_code',
  'p.project_name',
  'st.name as status_name',
  db.raw(`${CLOSED} as closed`),
  db.raw(`to_char(p.start_date at time zone 'UTC', 'YYYY-MM-DD') as start`),
  db.raw(`to_char(p.end_date at time zone 'UTC', 'YYYY-MM-DD') as "end"`),
  db.raw(`${PROGRESS} as progress`),
];

/** Active first, then completed; within each, newest start first, undated last, then by id. */
const RANK = `(case when ${CLOSED} then 2 else 0 end)`;
const START = `coalesce((p.start_date at time zone 'UTC')::date, date '0001-01-01')`;

export const rankOf = (closed: boolean) => (closed ? 2 : 0);

export interface ProjectKey {
  rank: number;
  start: string;
  id: string;
}

export async function listProjects(
  db: Db,
  args: Scope & { state: 'active' | 'onHold' | 'completed' | 'all'; matching?: string; after?: ProjectKey; limit: number },
): Promise<ProjectRow[]> {
  if (args.state === 'onHold') return [];
  const query = visible(db, args);
  if (args.state === 'active') query.andWhereRaw(`not ${CLOSED}`);
  if (args.state === 'completed') query.andWhereRaw(CLOSED);
  if (args.matching) {
    const pattern = args.matching;
    query.andWhere((q) =>
      q.whereILike('p.project_name', pattern).orWhereILike('p.wbs_code', pattern).orWhereILike('p.project_number', pattern),
    );
  }
  if (args.after) {
    const { rank, start, id } = args.after;
    query.whereRaw(`(${RANK} > ? or (${RANK} = ? and (${START}, p.project_id) < (?::date, ?::uuid)))`, [rank, rank, start, id]);
  }
  return query.orderByRaw(`${RANK} asc, ${START} desc, p.project_id desc`).limit(args.limit).select<ProjectRow[]>(columns(db));
}

export async function findProject(db: Db, args: Scope & { projectId: string }): Promise<ProjectDetailRow | null> {
  const row = await visible(db, args)
    .where('p.project_id', args.projectId)
    .first<ProjectDetailRow | undefined>([...columns(db), 'p.description', 'p.client_portal_config as config']);
  return row ?? null;
}

/** The active projects the contact sees, counted up to countLimit: an imported heap of them costs the dashboard what a few do. */
export async function countActiveProjects(db: Db, args: Scope & { countLimit: number }): Promise<number> {
  const row = await countUpTo(db, visible(db, args).andWhereRaw(`not ${CLOSED}`), args.countLimit).first<{ n: number } | undefined>();
  return Number(row?.n ?? 0);
}

/**
 * The phases of a project found through findProject, in Alga's order (order_key); with
 * `completion`, each one's closed tasks over its tasks on a board column (null without any).
 */
export async function listProjectPhases(db: Db, args: { tenant: string; projectId: string; completion: boolean }): Promise<PhaseRow[]> {
  // As getClientProjectPhases: only tasks on a mapping count, whether or not the column is visible.
  const progress = args.completion
    ? `(select ${roundedShareSql('count(*) filter (where ps.is_closed)', 'count(*)')}
        from project_tasks t
        join project_status_mappings pm on pm.tenant = t.tenant and pm.project_status_mapping_id = t.project_status_mapping_id
        left join statuses ps on ps.tenant = pm.tenant and ps.status_id = pm.status_id
       where t.tenant = ph.tenant and t.phase_id = ph.phase_id)`
    : 'null::int';
  return db('project_phases as ph')
    .where({ 'ph.tenant': args.tenant, 'ph.project_id': args.projectId })
    .orderByRaw('ph.order_key asc nulls last, ph.order_number asc, ph.phase_id asc')
    .select<PhaseRow[]>([
      'ph.phase_id',
      'ph.phase_name',
      db.raw(`to_char(ph.start_date at time zone 'UTC', 'YYYY-MM-DD') as start`),
      db.raw(`to_char(ph.end_date at time zone 'UTC', 'YYYY-MM-DD') as "end"`),
      db.raw(`${progress} as progress`),
    ]);
}

/**
 * The tasks of a project found through findProject that Alga's portal lists: those on a board
 * column the project shows (is_visible), by phase, then column, then Alga's task order.
 */
export async function listProjectTasks(db: Db, args: { tenant: string; projectId: string }): Promise<ProjectTaskRow[]> {
  return db('project_tasks as t')
    .join('project_phases as ph', function joinPhase() {
      this.on('ph.tenant', '=', 't.tenant').andOn('ph.phase_id', '=', 't.phase_id');
    })
    .join('project_status_mappings as m', function joinMapping() {
      this.on('m.tenant', '=', 't.tenant').andOn('m.project_status_mapping_id', '=', 't.project_status_mapping_id');
    })
    .where({ 't.tenant': args.tenant, 'ph.project_id': args.projectId, 'm.is_visible': true })
    .orderByRaw('ph.order_key asc nulls last, coalesce(m.display_order, 999) asc, t.order_key asc nulls last, t.task_id asc')
    .select<ProjectTaskRow[]>([
      't.task_id',
      't.phase_id',
      't.task_name',
      db.raw(`to_char(t.due_date at time zone 'UTC', 'YYYY-MM-DD') as due`),
      db.raw(`${DONE_SQL} as done`),
    ]);
}
