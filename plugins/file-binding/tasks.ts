// The tasks port from the file's `tasks` section: a contact's tasks (theirs and their company's),
// marked done or reopened by the file's own statements. A change the file does not declare is not
// offered (TasksPort.settable); one it declares runs after the task is locked and only when the
// task is not already in that state, in one transaction with the task read again after.
import type { Knex } from 'knex';
import { clampLimit, containsPattern, decodeCursor, pageOf, type ClientTask, type TaskStatus, type TasksPort } from '../../src/index.ts';
import type { TaskConcept } from './format.ts';
import { type PersonKeys, personScope } from './keys.ts';
import type { WorkspaceRule } from './queries/scoped.ts';
import { taskQuery, type TaskFilter, type TaskRow } from './queries/tasks.ts';
import { runWrite, type Statement } from './statements.ts';

/** What a task's writes may name; each must name the client and the task. */
export const TASK_PARAMS = ['workspace', 'client', 'contact', 'id', 'at'];

/** A cursor's sort key as the list gave it: a day (open tasks) or a moment (done ones). */
const SORT_KEY = /^(\d{4}-\d{2}-\d{2}|-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?)$/;

interface Keys extends PersonKeys {
  task(id: string): string | null;
}

function presentTask(row: TaskRow): ClientTask {
  return {
    id: row.id,
    title: row.title,
    description: row.description?.trim() ?? '',
    dueDate: row.due_date,
    status: row.state,
    completedAt: row.state === 'done' ? row.completed_at : null,
    record: null,
    assignedToContact: row.assigned,
  };
}

export function fileTasksPort(
  db: Knex,
  concept: TaskConcept,
  rule: WorkspaceRule,
  keys: Keys,
  writes: { done: Statement[] | null; reopen: Statement[] | null },
): TasksPort {
  const scopeOf = (workspaceId: string, clientId: string, contactId: string) => personScope(keys, workspaceId, clientId, contactId);

  async function find(workspaceId: string, clientId: string, contactId: string, id: string, read: Knex = db, lock = false) {
    const scope = scopeOf(workspaceId, clientId, contactId);
    const task = keys.task(id);
    if (!scope || task === null) return null;
    const query = taskQuery(read, concept, rule, scope.ws, scope.client, scope.contact, { id: task }, 1);
    if (lock) query.forUpdate('r');
    const [row] = (await query) as TaskRow[];
    return row ? { row, scope, task } : null;
  }

  const statementsFor = (status: TaskStatus) => (status === 'done' ? writes.done : writes.reopen);

  return {
    settable: (['done', 'open'] as const).filter((status) => statementsFor(status) !== null),
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const limit = clampLimit(page.limit);
      if (!scope) return { items: [], next: null };
      let after: TaskFilter['after'] = null;
      // An empty or malformed cursor is no page at all, never the first one again.
      if (page.after !== undefined && page.after !== null) {
        const [sortKey, id] = decodeCursor(page.after) ?? [];
        const key = typeof id === 'string' ? keys.task(id) : null;
        if (typeof sortKey !== 'string' || !SORT_KEY.test(sortKey) || key === null) return { items: [], next: null };
        after = { sortKey, id: key };
      }
      const rows = (await taskQuery(
        db,
        concept,
        rule,
        scope.ws,
        scope.client,
        scope.contact,
        { state: filter.status, after, ...(filter.search ? { matching: containsPattern(filter.search) } : {}) },
        limit + 1,
      )) as TaskRow[];
      return pageOf(rows, limit, presentTask, (row) => [row.sort_key, row.id]);
    },
    async find(workspaceId, clientId, contactId, id) {
      const found = await find(workspaceId, clientId, contactId, id);
      return found ? presentTask(found.row) : null;
    },
    async setStatus(workspaceId, clientId, contactId, id, status) {
      const statements = statementsFor(status);
      if (!statements) return null;
      return db.transaction(async (trx) => {
        const found = await find(workspaceId, clientId, contactId, id, trx, true);
        if (!found) return null;
        if (found.row.state !== status) {
          const changed = await runWrite(trx, statements, {
            workspace: found.scope.ws,
            client: found.scope.client,
            contact: found.scope.contact,
            id: found.task,
            at: new Date(),
          });
          if (!changed) return null;
        }
        const now = await find(workspaceId, clientId, contactId, id, trx);
        return now ? presentTask(now.row) : null;
      });
    },
  };
}
