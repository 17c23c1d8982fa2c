// The files of projects beside its code: the client's projects, their phases, tasks and progress.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as showProjects from './migrations/20270103000001_show_projects.ts';

export const projectsManifest: FeatureManifest = {
  name: 'projects',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270103000001_show_projects': showProjects,
  },
};
