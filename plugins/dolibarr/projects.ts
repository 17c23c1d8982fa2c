// ProjectsPort on Dolibarr: the company's projects a contact may see (queries/projects.ts), with
// their tasks and progress. No phases: see queries/projects.ts for why.
import type { Knex } from 'knex';
import type { ProjectSummary, ProjectsPort, ProjectTask } from '../../src/index.ts';
import { clampLimit, decodeCursor, encodeCursor, SUMMARY_COUNT_LIMIT } from '../../src/index.ts';
import { keysetPage, percentOf, projectSummary } from '../shared/projects.ts';
import { contactScope, parseId, toHostId } from './ids.ts';
import {
  findProject,
  listProjects,
  listProjectTasks,
  countActiveProjects,
  rankOf,
  type ProjectRow,
  type ProjectTaskRow,
} from './queries/projects.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function presentProject(row: ProjectRow): ProjectSummary {
  return projectSummary({
    id: toHostId(row.rowid),
    ref: row.ref?.trim() || row.title,
    title: row.title,
    state: row.fk_statut === 1 ? 'active' : 'completed',
    statusLabel: null,
    progress: row.progress,
    start: row.start,
    end: row.end,
  });
}

/** Parents before their children, each level in Dolibarr's order (the rows come in that order). */
function inTreeOrder(rows: ProjectTaskRow[]): ProjectTaskRow[] {
  const ids = new Set(rows.map((row) => row.rowid));
  const children = new Map<number, ProjectTaskRow[]>();
  for (const row of rows) {
    // A task whose parent the contact does not see stands at the top.
    const parent = ids.has(row.fk_task_parent) ? row.fk_task_parent : 0;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const out: ProjectTaskRow[] = [];
  const walk = (parent: number) => {
    for (const row of children.get(parent) ?? []) {
      out.push(row);
      walk(row.rowid);
    }
  };
  walk(0);
  return out;
}

function presentTask(row: ProjectTaskRow): ProjectTask {
  return {
    id: toHostId(row.rowid),
    title: row.label,
    done: Boolean(row.done),
    progressPercent: percentOf(row.progress),
    dueDate: row.due,
  };
}

export function dolibarrProjects(db: Knex, entityOf: (workspaceId: string) => number | null): ProjectsPort {
  const scopeOf = contactScope(entityOf);
  return {
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const none = { items: [], next: null };
      if (!scope) return none;
      let after: { rank: number; start: string; rowid: number } | undefined;
      if (page.after) {
        // The rank travels plus one: a cursor's numbers are positive.
        const parts = decodeCursor(page.after);
        const [rank, start, rowid] = parts ?? [];
        if (
          parts?.length !== 3 ||
          typeof rank !== 'number' ||
          rank < 1 ||
          typeof start !== 'string' ||
          !DATE.test(start) ||
          typeof rowid !== 'number' ||
          rowid < 1
        )
          return none;
        after = { rank: rank - 1, start, rowid };
      }
      const limit = clampLimit(page.limit);
      const rows = await listProjects(db, {
        ...scope,
        state: filter.state,
        ...(filter.search ? { search: filter.search } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      return keysetPage(rows, limit, presentProject, (last) =>
        encodeCursor([rankOf(last.fk_statut) + 1, last.start ?? '0001-01-01', last.rowid]),
      );
    },
    async find(workspaceId, clientId, contactId, projectId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const rowid = parseId(projectId);
      if (!scope || rowid === null) return null;
      const row = await findProject(db, { ...scope, rowid });
      if (!row) return null;
      const tasks = await listProjectTasks(db, { ...scope, projectId: rowid });
      return { ...presentProject(row), description: row.description?.trim() ?? '', phases: [], tasks: inTreeOrder(tasks).map(presentTask) };
    },
    async countActive(workspaceId, clientId, contactId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      return scope ? countActiveProjects(db, { ...scope, countLimit: SUMMARY_COUNT_LIMIT + 1 }) : 0;
    },
  };
}
