// The projects a client's contacts see in the portal: every project of their company (the CRM
// keeps no per-person project access), with progress as done tasks over all of the project's
// tasks. Within a project, a contact sees the tasks the Tasks page shows them (assigned to them or
// to nobody at their company); progress still counts every task, as it is the project's own.
// Every statement is scoped by workspace and client.
import type { Db } from './db.ts';
import { countUpTo } from '../../shared/count-up-to.ts';
import { statusInSql } from './db.ts';
import { PROJECT_STATUSES } from '../migrations/20270102000001_projects.ts';

export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface ClientProjectRow {
  id: number;
  ref: string;
  title: string;
  status: ProjectStatus;
  start_date: string | null;
  end_date: string | null;
  tasks_total: number;
  tasks_done: number;
}

export interface ClientProjectDetailRow extends ClientProjectRow {
  description: string;
}

export interface ProjectPhaseRow {
  id: number;
  name: string;
  start_date: string | null;
  end_date: string | null;
  tasks_total: number;
  tasks_done: number;
}

export interface ProjectTaskRow {
  id: number;
  phase_id: number | null;
  title: string;
  status: 'open' | 'in_progress' | 'done';
  due_date: string | null;
}

interface Scope {
  workspaceId: number;
  clientId: number;
}

/** The list's order: active, on hold, completed; within each, newest start first, undated last. */
const RANK = "(case p.status when 'active' then 0 when 'on_hold' then 1 else 2 end)";
const START = "coalesce(p.start_date, date '0001-01-01')";
/** The key of a row, as the list's cursor carries it. */
export interface ProjectKey {
  rank: number;
  start: string;
  id: number;
}

export function projectRank(status: ProjectStatus): number {
  return PROJECT_STATUSES.indexOf(status);
}

const columns = (db: Db, scope: Scope) => [
  'p.id',
  'p.ref',
  'p.title',
  'p.status',
  db.raw("to_char(p.start_date, 'YYYY-MM-DD') as start_date"),
  db.raw("to_char(p.end_date, 'YYYY-MM-DD') as end_date"),
  taskCounts(db, scope.workspaceId, 't.project_id = p.id'),
];

/**
 * tasks_total and tasks_done of the tasks (aliased t) `ofParent` links to a project or a phase. The
 * workspace by its value, so on Citus the count stays on the project's node.
 */
function taskCounts(db: Db, workspaceId: number, ofParent: 't.project_id = p.id' | 't.phase_id = f.id') {
  return db.raw(
    `(select count(*)::int from tasks t where t.workspace_id = ? and ${ofParent}) as tasks_total,
     (select count(*)::int from tasks t where t.workspace_id = ? and ${ofParent} and t.status = 'done') as tasks_done`,
    [workspaceId, workspaceId],
  );
}

/** `%term%` for ILIKE, with the term's own % _ and \ taken literally. */
function containing(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listClientProjects(
  db: Db,
  args: Scope & { status: ProjectStatus | null; search?: string; after?: ProjectKey; limit: number },
): Promise<ClientProjectRow[]> {
  const query = db('projects as p').where({ 'p.workspace_id': args.workspaceId, 'p.client_id': args.clientId });
  if (args.status) query.whereRaw(statusInSql('p.status', [args.status], PROJECT_STATUSES));
  if (args.search) {
    const pattern = containing(args.search);
    query.andWhere((q) => q.whereILike('p.title', pattern).orWhereILike('p.ref', pattern));
  }
  if (args.after) {
    const { rank, start, id } = args.after;
    query.whereRaw(`(${RANK} > ? or (${RANK} = ? and (${START}, p.id) < (?::date, ?)))`, [rank, rank, start, id]);
  }
  return query.orderByRaw(`${RANK} asc, ${START} desc, p.id desc`).limit(args.limit).select<ClientProjectRow[]>(columns(db, args));
}

export async function findClientProject(db: Db, args: Scope & { projectId: number }): Promise<ClientProjectDetailRow | null> {
  const row = await db('projects as p')
    .where({ 'p.workspace_id': args.workspaceId, 'p.client_id': args.clientId, 'p.id': args.projectId })
    .first<ClientProjectDetailRow | undefined>([...columns(db, args), 'p.description']);
  return row ?? null;
}

/** The phases of a project found through findClientProject, in order, with their progress. */
export async function listProjectPhases(db: Db, args: { workspaceId: number; projectId: number }): Promise<ProjectPhaseRow[]> {
  return db('project_phases as f')
    .where({ 'f.workspace_id': args.workspaceId, 'f.project_id': args.projectId })
    .orderBy('f.position')
    .select<ProjectPhaseRow[]>([
      'f.id',
      'f.name',
      db.raw("to_char(f.start_date, 'YYYY-MM-DD') as start_date"),
      db.raw("to_char(f.end_date, 'YYYY-MM-DD') as end_date"),
      taskCounts(db, args.workspaceId, 't.phase_id = f.id'),
    ]);
}

/** The tasks of a project the contact sees, by due date (undated last). */
export async function listProjectTasks(db: Db, args: Scope & { contactId: number; projectId: number }): Promise<ProjectTaskRow[]> {
  return db('tasks as t')
    .where({ 't.workspace_id': args.workspaceId, 't.client_id': args.clientId, 't.project_id': args.projectId })
    .andWhere((q) => q.where('t.assigned_contact_id', args.contactId).orWhereNull('t.assigned_contact_id'))
    .orderByRaw('t.due_date asc nulls last, t.id asc')
    .select<ProjectTaskRow[]>(['t.id', 't.phase_id', 't.title', 't.status', db.raw("to_char(t.due_date, 'YYYY-MM-DD') as due_date")]);
}

/**
 * The client's active projects, counted up to countLimit (the dashboard's SUMMARY_COUNT_LIMIT and
 * one more): one row, `n`. A client with an imported heap of projects costs what one with a
 * few does.
 */
export function activeProjectsCountQuery(db: Db, args: Scope & { countLimit: number }) {
  const active = db('projects as p')
    .where({ 'p.workspace_id': args.workspaceId, 'p.client_id': args.clientId })
    .whereRaw(statusInSql('p.status', ['active'], PROJECT_STATUSES));
  return countUpTo(db, active, args.countLimit);
}

export async function countActiveClientProjects(db: Db, args: Scope & { countLimit: number }): Promise<number> {
  const row = await activeProjectsCountQuery(db, args).first<{ n: number } | undefined>();
  return row?.n ?? 0;
}

/** Seed and staff: a project by its ref, the natural key within a workspace. */
export async function findProjectByRef(db: Db, args: { workspaceId: number; ref: string }): Promise<{ id: number } | null> {
  const row = await db('projects').where({ workspace_id: args.workspaceId, ref: args.ref }).first<{ id: number } | undefined>('id');
  return row ?? null;
}

export async function insertProject(
  db: Db,
  args: Scope & {
    ref: string;
    title: string;
    description: string;
    status: ProjectStatus;
    startDate: string | null;
    endDate: string | null;
  },
): Promise<number> {
  const [row] = await db('projects')
    .insert({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      ref: args.ref,
      title: args.title,
      description: args.description,
      status: args.status,
      start_date: args.startDate,
      end_date: args.endDate,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function insertProjectPhase(
  db: Db,
  args: { workspaceId: number; projectId: number; name: string; position: number; startDate: string | null; endDate: string | null },
): Promise<number> {
  const [row] = await db('project_phases')
    .insert({
      workspace_id: args.workspaceId,
      project_id: args.projectId,
      name: args.name,
      position: args.position,
      start_date: args.startDate,
      end_date: args.endDate,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}
