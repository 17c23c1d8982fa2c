// The projects port from the file's `projects` section: a client's projects, read only, and on a
// project's page the tasks the file's tasks section says belong to it (those the contact may see).
import type { Knex } from 'knex';
import {
  clampLimit,
  containsPattern,
  decodeCursor,
  pageOf,
  type ProjectSummary,
  type ProjectsPort,
  type ProjectTask,
} from '../../src/index.ts';
import type { ProjectConcept, TaskConcept } from './format.ts';
import { activeProjectCount, type ProjectRow, projectQuery } from './queries/projects.ts';
import { type PersonKeys, personScope } from './keys.ts';
import type { WorkspaceRule } from './queries/scoped.ts';
import { taskQuery, type TaskRow } from './queries/tasks.ts';

/** The most tasks a project's page lists. */
const PROJECT_TASKS_LIMIT = 200;

interface Keys extends PersonKeys {
  project(id: string): string | null;
}

function percent(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) ? Math.max(0, Math.min(100, Math.round(n))) : null;
}

function presentProject(row: ProjectRow): ProjectSummary {
  return {
    id: row.id,
    ref: row.ref?.trim() || row.title,
    title: row.title,
    state: row.state,
    statusLabel: row.status_label?.trim() || null,
    progressPercent: percent(row.progress),
    startDate: row.start_date,
    endDate: row.end_date,
  };
}

const presentTask = (row: TaskRow): ProjectTask => ({
  id: row.id,
  title: row.title,
  done: row.state === 'done',
  progressPercent: null,
  dueDate: row.due_date,
});

export function fileProjectsPort(
  db: Knex,
  concept: ProjectConcept,
  tasks: TaskConcept | undefined,
  rule: WorkspaceRule,
  keys: Keys,
  countLimit: number,
): ProjectsPort {
  const scopeOf = (workspaceId: string, clientId: string, contactId: string) => personScope(keys, workspaceId, clientId, contactId);

  return {
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const limit = clampLimit(page.limit);
      if (!scope) return { items: [], next: null };
      let after = null;
      // An empty or malformed cursor is no page at all, never the first one again.
      if (page.after !== undefined && page.after !== null) {
        const [rank, start, id] = decodeCursor(page.after) ?? [];
        const key = typeof id === 'string' ? keys.project(id) : null;
        if (
          typeof rank !== 'number' ||
          ![1, 2, 3].includes(rank) ||
          typeof start !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}$/.test(start) ||
          key === null
        )
          return { items: [], next: null };
        after = { rank, start, id: key };
      }
      const rows = (await projectQuery(
        db,
        concept,
        rule,
        scope.ws,
        scope.client,
        {
          ...(filter.state === 'all' ? {} : { state: filter.state }),
          ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
          after,
        },
        limit + 1,
      )) as ProjectRow[];
      return pageOf(rows, limit, presentProject, (row) => [row.rank, row.start_key, row.id]);
    },
    async find(workspaceId, clientId, contactId, id) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const project = keys.project(id);
      if (!scope || project === null) return null;
      const [row] = (await projectQuery(db, concept, rule, scope.ws, scope.client, { id: project }, 1)) as ProjectRow[];
      if (!row) return null;
      const taskRows =
        tasks?.project !== undefined
          ? ((await taskQuery(
              db,
              tasks,
              rule,
              scope.ws,
              scope.client,
              scope.contact,
              { project: row.id },
              PROJECT_TASKS_LIMIT,
            )) as TaskRow[])
          : [];
      return { ...presentProject(row), description: row.description?.trim() ?? '', phases: [], tasks: taskRows.map(presentTask) };
    },
    async countActive(workspaceId, clientId, contactId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      if (!scope) return 0;
      const [row] = (await activeProjectCount(db, concept, rule, scope.ws, scope.client, countLimit)) as Array<{ n: number }>;
      return row?.n ?? 0;
    },
  };
}
