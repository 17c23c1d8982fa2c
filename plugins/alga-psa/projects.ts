// ProjectsPort on Alga PSA: the client's projects (queries/projects.ts), with the phases, phase
// completion and tasks each project's client_portal_config lets Alga's own client portal show.
import type { Knex } from 'knex';
import type { ProjectPhase, ProjectSummary, ProjectsPort, ProjectTask } from '../../src/index.ts';
import { clampLimit, containsPattern, decodeCursor, encodeCursor, SUMMARY_COUNT_LIMIT } from '../../src/index.ts';
import { keysetPage, percentOf, projectSummary } from '../shared/projects.ts';
import { contactScope, parseUuid } from './ids.ts';
import {
  countActiveProjects,
  findProject,
  listProjectPhases,
  listProjects,
  listProjectTasks,
  rankOf,
  type ProjectKey,
  type ProjectRow,
  type ProjectTaskRow,
} from './queries/projects.ts';

type TenantOf = (workspaceId: string) => string | null;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMPTY = { items: [], next: null };
/** What Alga's portal shows of a task when the project's config names no fields (its DEFAULT_CLIENT_PORTAL_CONFIG). */
const DEFAULT_TASK_FIELDS = ['task_name', 'due_date', 'status'];

function presentProject(row: ProjectRow): ProjectSummary {
  return projectSummary({
    id: row.project_id,
    ref: row.project_number?.trim() || row.wbs_code?.trim() || row.project_name,
    title: row.project_name,
    state: row.closed ? 'completed' : 'active',
    statusLabel: row.status_name?.trim() || null,
    progress: row.progress,
    start: row.start,
    end: row.end,
  });
}

/** The rank travels plus one (a cursor's numbers are positive); any other shape is no page. */
function keyOf(after: string): ProjectKey | null {
  const parts = decodeCursor(after);
  const [rank, start, id] = parts ?? [];
  if (
    parts?.length !== 3 ||
    typeof rank !== 'number' ||
    !Number.isInteger(rank) ||
    rank < 1 ||
    typeof start !== 'string' ||
    !DATE.test(start)
  )
    return null;
  const uuid = parseUuid(id);
  return uuid === null ? null : { rank: rank - 1, start, id: uuid };
}

/** The config as Alga reads it: a missing or malformed setting is Alga's default. */
function configOf(raw: unknown) {
  const config = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const fields = Array.isArray(config.visible_task_fields) ? config.visible_task_fields : DEFAULT_TASK_FIELDS;
  return {
    showPhases: config.show_phases === true,
    showPhaseCompletion: config.show_phase_completion === true,
    showTasks: config.show_tasks === true,
    showDueDate: fields.includes('due_date'),
  };
}

export function algaProjects(db: Knex, tenantOf: TenantOf): ProjectsPort {
  const scopeOf = contactScope(tenantOf);
  return {
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      if (!scope) return EMPTY;
      let after: ProjectKey | undefined;
      if (page.after) {
        const key = keyOf(page.after);
        if (!key) return EMPTY;
        after = key;
      }
      const limit = clampLimit(page.limit);
      const rows = await listProjects(db, {
        ...scope,
        state: filter.state,
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      return keysetPage(rows, limit, presentProject, (last) =>
        encodeCursor([rankOf(last.closed) + 1, last.start ?? '0001-01-01', last.project_id]),
      );
    },
    async find(workspaceId, clientId, contactId, id) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const projectId = parseUuid(id);
      if (!scope || projectId === null) return null;
      const row = await findProject(db, { ...scope, projectId });
      if (!row) return null;
      const config = configOf(row.config);
      const at = { tenant: scope.tenant, projectId };
      const [phaseRows, taskRows] = await Promise.all([
        config.showPhases ? listProjectPhases(db, { ...at, completion: config.showPhaseCompletion }) : Promise.resolve([]),
        config.showTasks ? listProjectTasks(db, at) : Promise.resolve([] as ProjectTaskRow[]),
      ]);
      const presentTask = (task: ProjectTaskRow): ProjectTask => ({
        id: task.task_id,
        title: task.task_name,
        done: Boolean(task.done),
        progressPercent: null,
        dueDate: config.showDueDate ? task.due : null,
      });
      const phases: ProjectPhase[] = phaseRows.map((phase) => ({
        id: phase.phase_id,
        name: phase.phase_name,
        progressPercent: percentOf(phase.progress),
        startDate: phase.start,
        endDate: phase.end,
        tasks: taskRows.filter((task) => task.phase_id === phase.phase_id).map(presentTask),
      }));
      // Without phases shown, the tasks stand as one list, in Alga's order.
      return {
        ...presentProject(row),
        description: row.description?.trim() ?? '',
        phases,
        tasks: config.showPhases ? [] : taskRows.map(presentTask),
      };
    },
    async countActive(workspaceId, clientId, contactId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      return scope ? countActiveProjects(db, { ...scope, countLimit: SUMMARY_COUNT_LIMIT + 1 }) : 0;
    },
  };
}
