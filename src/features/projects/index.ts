// Projects: the client's projects as the host keeps them, with progress, phases, tasks and documents.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createProjectsHandlers } from './handlers.ts';
import { projectsManifest } from './manifest.ts';
import { projectsRoutes } from './routes.ts';

export function projectsFeature(core: CoreServices): Feature {
  const { adapter } = core;
  const { projects } = adapter;
  return {
    name: projectsManifest.name,
    needs: { ports: ['projects'] },
    clientRoutes: projects ? [projectsRoutes(createProjectsHandlers({ adapter: { ...adapter, projects } }))] : [],
  };
}
