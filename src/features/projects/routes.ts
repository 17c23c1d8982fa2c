// Projects routes, behind requireClient and the show_projects switch with the person's projects
// permission (a switched-off section is a 404, like a page that does not exist). Read only: the
// agency runs its projects in its CRM.
import { Router } from 'express';
import { allow, validateQuery } from '../../core/index.ts';
import { ProjectsQuery } from './commands.ts';
import type { ProjectsHandlers } from './handlers.ts';

export function projectsRoutes(h: ProjectsHandlers): Router {
  const router = Router({ mergeParams: true });
  const showProjects = allow.section('projects');
  router.get('/projects', showProjects, validateQuery(ProjectsQuery), h.list);
  router.get('/projects/:projectId', showProjects, h.show);
  return router;
}
