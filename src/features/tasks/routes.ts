// Tasks routes, behind requireClient and the show_tasks switch (a switched-off section is a 404,
// like a page that does not exist). Marking done and reopening also ask the host's grant to change
// a task where the host keeps client roles, and that the host records that change (mayChange).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { TaskActionCommand, TasksQuery } from './commands.ts';
import type { TasksHandlers } from './handlers.ts';

export function tasksRoutes(h: TasksHandlers): Router {
  const router = Router({ mergeParams: true });
  const showTasks = allow.section('tasks');
  router.get('/tasks', showTasks, validateQuery(TasksQuery), h.show);
  router.post('/tasks/:taskId/done', allow.company('tasks'), h.mayChange('done'), validateBody(TaskActionCommand), h.complete);
  router.post('/tasks/:taskId/reopen', allow.company('tasks'), h.mayChange('open'), validateBody(TaskActionCommand), h.reopen);
  return router;
}
