// Tasks: the tasks the agency assigned to the client, which the client marks done.
import { tasksManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import { createTasksHandlers } from './handlers.ts';
import { tasksRoutes } from './routes.ts';

// This feature's host port, for the features that build on it.
export type { ClientTask } from './port.ts';

export { presentTask } from './presenters.ts';

export function tasksFeature(core: CoreServices): Feature {
  const { db, adapter, events, now, logger } = core;
  const { tasks } = adapter;
  return {
    name: tasksManifest.name,
    needs: { ports: ['tasks'] },
    clientRoutes: tasks
      ? [tasksRoutes(createTasksHandlers({ db, adapter: { ...adapter, tasks }, bus: events, now, onError: (m, e) => logger.error(m, e) }))]
      : [],
  };
}
