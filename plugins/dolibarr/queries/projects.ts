// The projects (llx_projet) a client contact sees, as Dolibarr's own pages would let them
// (visibility.ts, projectsSeenBy: the company's validated or closed projects, public or with this
// contact linked to them as an external contact).
//
// Dolibarr has no "on hold" status: open is active, closed is completed. opp_percent is the
// opportunity's probability, not progress. Progress is the tasks' declared progress (a task's
// progress column, 0-100) weighted by their planned workload, as Dolibarr's project overview
// totals it; a project whose tasks plan no workload averages them; without tasks there is none.
// The tasks it counts are those the project's page lists (visibility.ts, taskShownSql: every task
// of the project Dolibarr shows, whoever is assigned to it), so the figure and the list agree.
//
// Phases: Dolibarr has none. fk_task_parent nests tasks under tasks, and its project Tasks tab
// shows that tree as one list, each parent a task with its own progress and dates; so does the
// portal, in Dolibarr's order (rang, then start), parents before their children.
import { countUpTo } from '../../shared/count-up-to.ts';
import type { Db } from './db.ts';
import {
  type ContactScope,
  PROJECT_CLOSED,
  PROJECT_OPEN,
  projectsSeenBy,
  projectTasksSeenBy,
  TASK_DONE_SQL,
  taskShownSql,
} from './visibility.ts';

export interface ProjectRow {
  rowid: number;
  ref: string | null;
  title: string;
  fk_statut: number;
  start: string | null;
  end: string | null;
  progress: number | null;
}

export interface ProjectDetailRow extends ProjectRow {
  description: string | null;
}

export interface ProjectTaskRow {
  rowid: number;
  fk_task_parent: number;
  label: string;
  due: string | null;
  progress: number | null;
  done: boolean;
}

/** Weighted by planned workload where the tasks plan any, else their plain average. */
const PROGRESS = `(select case
      when count(*) = 0 then null
      when sum(coalesce(k.planned_workload, 0)) > 0
        then round(sum(coalesce(k.progress, 0) * coalesce(k.planned_workload, 0)) / sum(coalesce(k.planned_workload, 0)))::int
      else round(avg(coalesce(k.progress, 0)))::int
    end
  from llx_projet_task k where k.fk_projet = j.rowid and k.entity = j.entity and ${taskShownSql('k')})`;

const columns = (db: Db) => [
  'j.rowid',
  'j.ref',
  'j.title',
  'j.fk_statut',
  db.raw("to_char(j.dateo, 'YYYY-MM-DD') as start"),
  db.raw("to_char(j.datee, 'YYYY-MM-DD') as end"),
  db.raw(`${PROGRESS} as progress`),
];

/** Open (active) first, then closed (completed); within each, newest start first, undated last. */
const RANK = `(case j.fk_statut when ${PROJECT_OPEN} then 0 else 2 end)`;
const START = "coalesce(j.dateo, date '0001-01-01')";

export interface ProjectKey {
  rank: number;
  start: string;
  rowid: number;
}

export const rankOf = (status: number) => (status === PROJECT_OPEN ? 0 : 2);

function containing(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listProjects(
  db: Db,
  args: ContactScope & { state: 'active' | 'onHold' | 'completed' | 'all'; search?: string; after?: ProjectKey; limit: number },
): Promise<ProjectRow[]> {
  // Dolibarr keeps no project on hold.
  if (args.state === 'onHold') return [];
  const query = projectsSeenBy(db, args);
  if (args.state === 'active') query.where('j.fk_statut', PROJECT_OPEN);
  if (args.state === 'completed') query.where('j.fk_statut', PROJECT_CLOSED);
  if (args.search) {
    const pattern = containing(args.search);
    query.andWhere((q) => q.whereILike('j.title', pattern).orWhereILike('j.ref', pattern));
  }
  if (args.after) {
    const { rank, start, rowid } = args.after;
    query.whereRaw(`(${RANK} > ? or (${RANK} = ? and (${START}, j.rowid) < (?::date, ?)))`, [rank, rank, start, rowid]);
  }
  return query.orderByRaw(`${RANK} asc, ${START} desc, j.rowid desc`).limit(args.limit).select<ProjectRow[]>(columns(db));
}

export async function findProject(db: Db, args: ContactScope & { rowid: number }): Promise<ProjectDetailRow | null> {
  const row = await projectsSeenBy(db, args)
    .where('j.rowid', args.rowid)
    .first<ProjectDetailRow | undefined>([...columns(db), 'j.description']);
  return row ?? null;
}

/**
 * The tasks of a project found through findProject, every one Dolibarr shows whoever is assigned to
 * it (as its project's Tasks tab lists them), in Dolibarr's order: rang, start.
 */
export async function listProjectTasks(db: Db, args: ContactScope & { projectId: number }): Promise<ProjectTaskRow[]> {
  return projectTasksSeenBy(db, args)
    .orderByRaw('coalesce(t.rang, 0) asc, t.dateo asc nulls last, t.rowid asc')
    .select<ProjectTaskRow[]>([
      't.rowid',
      't.fk_task_parent',
      't.label',
      db.raw("to_char(t.datee, 'YYYY-MM-DD') as due"),
      't.progress',
      db.raw(`${TASK_DONE_SQL} as done`),
    ]);
}

/** The active projects the contact sees, counted up to countLimit: an imported heap of them costs the dashboard what a few do. */
export async function countActiveProjects(db: Db, args: ContactScope & { countLimit: number }): Promise<number> {
  const row = await countUpTo(db, projectsSeenBy(db, args).where('j.fk_statut', PROJECT_OPEN), args.countLimit).first<
    { n: number } | undefined
  >();
  return Number(row?.n ?? 0);
}
