// Projects. The project asked for is Northwind's active one (Maria's company): another client of
// the workspace, and a client of another workspace, get 404 for it.
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

async function ownProject(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const project = await db('projects')
    .where({ workspace_id: await demoWorkspaceId(db), ref: 'PJ-2026-001' })
    .first('id');
  return `/projects/${project.id}`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/projects', url: () => '/projects?tab=all', ownedByClient: false, switches: ['showProjects'] },
  { method: 'GET', path: '/projects/:projectId', url: ownProject, ownedByClient: true, switches: ['showProjects'] },
];
