// Tasks: work for a client, optionally assigned to one of that client's contacts.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { findContact, listContacts } from '../../queries/contacts.ts';
import {
  TASK_STATUSES,
  deleteTask,
  findTask,
  insertTask,
  listTasks,
  updateTaskPlan,
  updateTaskStatus,
  type TaskRow,
} from '../../queries/tasks.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { choiceField, freeText, idField, optionalDateField, optionalIdField, parseForm, requiredText, type FieldError } from '../forms.ts';
import { clientOptions, contactOptionGroups, presentTask, statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { tellPlugins } from '../record-changes.ts';

const createTaskSchema = z.object({
  clientId: idField('Choose the client this task is for.'),
  assignedContactId: optionalIdField('Choose a contact from the list, or leave the task with the agency.'),
  title: requiredText('Title', 300, 'Enter a title for the task.'),
  description: freeText('Description', 10_000),
  dueDate: optionalDateField('Due date'),
});

const updateStatusSchema = z.object({
  status: choiceField(TASK_STATUSES, 'Choose a status: open, in progress or done.'),
});

const updatePlanSchema = z.object({
  dueDate: optionalDateField('Due date'),
  assignedContactId: optionalIdField('Choose a contact from the list, or leave the task with the agency.'),
});

const statusOptions = TASK_STATUSES.map((value) => ({ value, label: statusLabel(value) }));

export function taskRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showNewTaskForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const [clients, contacts] = await Promise.all([listClients(db, { workspaceId }), listContacts(db, { workspaceId })]);
    await render(
      res,
      'tasks/new',
      {
        title: 'New task',
        section: 'tasks',
        form: formView(values, errors),
        clients: clientOptions(clients),
        contactGroups: contactOptionGroups(contacts),
      },
      status,
    );
  }

  // The task page: its status form and its plan form (due date, assignee among the client's contacts).
  async function showTask(res: Response, task: TaskRow, values: Record<string, unknown>, errors: FieldError[] = [], status = 200) {
    const contacts = await listContacts(db, { workspaceId: task.workspace_id, clientId: task.client_id });
    await render(
      res,
      'tasks/show',
      {
        title: task.title,
        section: 'tasks',
        task: presentTask(task),
        statusPath: `/tasks/${task.id}/status`,
        planPath: `/tasks/${task.id}/plan`,
        deletePath: `/tasks/${task.id}/delete`,
        statusOptions,
        contactOptions: contactOptionGroups(contacts)[0]?.options ?? [],
        form: formView(
          {
            status: task.status,
            dueDate: task.due_date ?? '',
            assignedContactId: task.assigned_contact_id === null ? '' : String(task.assigned_contact_id),
            ...values,
          },
          errors,
        ),
      },
      status,
    );
  }

  router.get('/tasks', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const tasks = await listTasks(db, { workspaceId });
    await render(res, 'tasks/index', { title: 'Tasks', section: 'tasks', tasks: tasks.map(presentTask) });
  });

  router.get('/tasks/new', requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showNewTaskForm(res, { clientId: client }, []);
  });

  router.post('/tasks', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(createTaskSchema, req.body);
    if (!parsed.ok) return showNewTaskForm(res, req.body, parsed.errors, 400);
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) return showNewTaskForm(res, req.body, [{ field: 'clientId', message: 'Choose the client this task is for.' }], 400);
    if (parsed.data.assignedContactId !== null) {
      const contact = await findContact(db, { workspaceId, contactId: parsed.data.assignedContactId });
      if (!contact || contact.client_id !== client.id) {
        const message = `Choose a contact who works for ${client.name}, or leave the task with the agency.`;
        return showNewTaskForm(res, req.body, [{ field: 'assignedContactId', message }], 400);
      }
    }
    const id = await insertTask(db, { workspaceId, ...parsed.data, clientId: client.id, status: 'open' });
    await tellPlugins(plugins, {
      workspaceId,
      clientId: client.id,
      kind: 'task',
      id,
      happened: 'assigned',
      title: parsed.data.title,
      contactId: parsed.data.assignedContactId,
    });
    res.redirect(303, `/tasks/${id}`);
  });

  router.get('/tasks/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const task = found(await findTask(db, { workspaceId, taskId: routeId(req.params.id) }));
    await showTask(res, task, {});
  });

  router.post('/tasks/:id/status', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const task = found(await findTask(db, { workspaceId, taskId: routeId(req.params.id) }));
    const parsed = parseForm(updateStatusSchema, req.body);
    if (!parsed.ok) return showTask(res, task, req.body, parsed.errors, 400);
    await updateTaskStatus(db, { workspaceId, taskId: task.id, status: parsed.data.status });
    await tellPlugins(plugins, { workspaceId, clientId: task.client_id, kind: 'task', id: task.id });
    res.redirect(303, `/tasks/${task.id}`);
  });

  router.post('/tasks/:id/plan', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const task = found(await findTask(db, { workspaceId, taskId: routeId(req.params.id) }));
    const parsed = parseForm(updatePlanSchema, req.body);
    if (!parsed.ok) return showTask(res, task, req.body, parsed.errors, 400);
    if (parsed.data.assignedContactId !== null) {
      const contact = await findContact(db, { workspaceId, contactId: parsed.data.assignedContactId });
      if (!contact || contact.client_id !== task.client_id) {
        const message = `Choose a contact who works for ${task.client_name}, or leave the task with the agency.`;
        return showTask(res, task, req.body, [{ field: 'assignedContactId', message }], 400);
      }
    }
    await updateTaskPlan(db, {
      workspaceId,
      taskId: task.id,
      dueDate: parsed.data.dueDate,
      assignedContactId: parsed.data.assignedContactId,
    });
    await tellPlugins(plugins, { workspaceId, clientId: task.client_id, kind: 'task', id: task.id });
    res.redirect(303, `/tasks/${task.id}`);
  });

  router.post('/tasks/:id/delete', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const task = found(await findTask(db, { workspaceId, taskId: routeId(req.params.id) }));
    await deleteTask(db, { workspaceId, taskId: task.id });
    await tellPlugins(plugins, { workspaceId, clientId: task.client_id, kind: 'task', id: task.id });
    res.redirect(303, '/tasks');
  });

  return router;
}
