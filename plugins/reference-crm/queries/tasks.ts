// Tasks: work items for a client, optionally assigned to one of that client's contacts.
import type { Db } from './db.ts';

export const TASK_STATUSES = ['open', 'in_progress', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskRow {
  id: number;
  workspace_id: number;
  client_id: number;
  client_name: string;
  assigned_contact_id: number | null;
  assigned_contact_name: string | null;
  title: string;
  description: string;
  due_date: string | null;
  status: TaskStatus;
  completed_at: Date | null;
  created_at: Date;
}

const COLUMNS = [
  't.id',
  't.workspace_id',
  't.client_id',
  'c.name as client_name',
  't.assigned_contact_id',
  'k.name as assigned_contact_name',
  't.title',
  't.description',
  't.due_date',
  't.status',
  't.completed_at',
  't.created_at',
] as const;

function scoped(db: Db, workspaceId: number) {
  return db('tasks as t')
    .join('clients as c', function joinClient() {
      this.on('c.id', '=', 't.client_id').andOn('c.workspace_id', '=', 't.workspace_id');
    })
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.id', '=', 't.assigned_contact_id').andOn('k.workspace_id', '=', 't.workspace_id');
    })
    .where('t.workspace_id', workspaceId);
}

export async function listTasks(
  db: Db,
  args: { workspaceId: number; clientId?: number; assignedContactId?: number; openOnly?: boolean; limit?: number },
): Promise<TaskRow[]> {
  const query = scoped(db, args.workspaceId);
  if (args.clientId !== undefined) query.where('t.client_id', args.clientId);
  if (args.assignedContactId !== undefined) query.where('t.assigned_contact_id', args.assignedContactId);
  if (args.openOnly) query.whereNot('t.status', 'done');
  if (args.limit !== undefined) query.limit(args.limit);
  return query.orderByRaw('t.due_date asc nulls last').orderBy('t.id').select<TaskRow[]>(COLUMNS);
}

export async function findTask(db: Db, args: { workspaceId: number; taskId: number }): Promise<TaskRow | null> {
  const row = await scoped(db, args.workspaceId).where('t.id', args.taskId).first<TaskRow | undefined>(COLUMNS);
  return row ?? null;
}

/** Seed look-up: a task title is its natural key within one client. */
export async function findTaskByTitle(db: Db, args: { workspaceId: number; clientId: number; title: string }): Promise<TaskRow | null> {
  const row = await scoped(db, args.workspaceId)
    .where({ 't.client_id': args.clientId, 't.title': args.title })
    .orderBy('t.id')
    .first<TaskRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function insertTask(
  db: Db,
  args: {
    workspaceId: number;
    clientId: number;
    assignedContactId: number | null;
    title: string;
    description: string;
    dueDate: string | null;
    status: TaskStatus;
    completedAt?: Date | null;
    record?: { type: 'proposal' | 'quotation' | 'invoice'; id: number } | null;
    /** The project (of the same client) and, optionally, its phase the task is part of. */
    project?: { id: number; phaseId: number | null } | null;
    createdAt?: Date;
  },
): Promise<number> {
  const [row] = await db('tasks')
    .insert({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      assigned_contact_id: args.assignedContactId,
      title: args.title,
      description: args.description,
      due_date: args.dueDate,
      status: args.status,
      completed_at: args.completedAt ?? (args.status === 'done' ? db.fn.now() : null),
      record_type: args.record?.type ?? null,
      record_id: args.record?.id ?? null,
      project_id: args.project?.id ?? null,
      phase_id: args.project?.phaseId ?? null,
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into tasks returned no row');
  return row.id;
}

export async function updateTaskStatus(db: Db, args: { workspaceId: number; taskId: number; status: TaskStatus }): Promise<boolean> {
  const updated = await db('tasks')
    .where({ workspace_id: args.workspaceId, id: args.taskId })
    .update({ status: args.status, completed_at: args.status === 'done' ? db.fn.now() : null });
  return updated > 0;
}

/** The plan of a task: when it is due and who has to do it (null: the agency). */
export async function updateTaskPlan(
  db: Db,
  args: { workspaceId: number; taskId: number; dueDate: string | null; assignedContactId: number | null },
): Promise<boolean> {
  const updated = await db('tasks')
    .where({ workspace_id: args.workspaceId, id: args.taskId })
    .update({ due_date: args.dueDate, assigned_contact_id: args.assignedContactId });
  return updated > 0;
}

export async function deleteTask(db: Db, args: { workspaceId: number; taskId: number }): Promise<boolean> {
  const deleted = await db('tasks').where({ workspace_id: args.workspaceId, id: args.taskId }).delete();
  return deleted > 0;
}
