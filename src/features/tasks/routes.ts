// Tasks routes, behind requireClient and the show_tasks switch (a switched-off section is a 404,
// like a page that does not exist).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { authorizeSection } from '../../core/policies/portal-policy.ts';
import { portalContext } from '../../core/web/portal-context.ts';
import { validateBody, validateQuery } from '../../core/web/validate.ts';
import { TaskActionCommand, TasksQuery } from './commands.ts';
import type { TasksHandlers } from './handlers.ts';

export function tasksRoutes(h: TasksHandlers): Router {
  const router = Router({ mergeParams: true });
  const showTasks = (_req: Request, res: Response, next: NextFunction) => {
    authorizeSection(portalContext(res).settings, 'tasks');
    next();
  };
  router.get('/tasks', showTasks, validateQuery(TasksQuery), h.show);
  router.post('/tasks/:taskId/done', showTasks, validateBody(TaskActionCommand), h.complete);
  router.post('/tasks/:taskId/reopen', showTasks, validateBody(TaskActionCommand), h.reopen);
  return router;
}
