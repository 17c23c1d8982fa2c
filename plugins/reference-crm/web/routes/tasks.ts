// Tasks: work for a client, optionally assigned to one of that client's contacts.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { findContact, listContacts } from '../../queries/contacts.ts';
import { TASK_STATUSES, findTask, insertTask, listTasks, updateTaskStatus } from '../../queries/tasks.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { choiceField, freeText, idField, optionalDateField, optionalIdField, parseForm, requiredText, type FieldError } from '../forms.ts';
import { clientOptions, contactOptionGroups, presentTask, statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

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

const statusOptions = TASK_STATUSES.map((value) => ({ value, label: statusLabel(value) }));

export function taskRoutes({ db }: RouteDeps): Router {
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
    res.redirect(303, `/tasks/${id}`);
  });

  router.get('/tasks/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const task = found(await findTask(db, { workspaceId, taskId: routeId(req.params.id) }));
    await render(res, 'tasks/show', {
      title: task.title,
      section: 'tasks',
      task: presentTask(task),
      statusPath: `/tasks/${task.id}/status`,
      statusOptions,
      form: formView({ status: task.status }),
    });
  });

  router.post('/tasks/:id/status', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const task = found(await findTask(db, { workspaceId, taskId: routeId(req.params.id) }));
    const parsed = parseForm(updateStatusSchema, req.body);
    if (!parsed.ok) {
      return render(
        res,
        'tasks/show',
        { title: task.title, section: 'tasks', task: presentTask(task), statusPath: `/tasks/${task.id}/status`, statusOptions, form: formView(req.body, parsed.errors) },
        400,
      );
    }
    await updateTaskStatus(db, { workspaceId, taskId: task.id, status: parsed.data.status });
    res.redirect(303, `/tasks/${task.id}`);
  });

  return router;
}
