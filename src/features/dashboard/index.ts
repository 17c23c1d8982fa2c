// The dashboard: the first page after sign-in, with what waits for the client in each section.
import { dashboardManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import { unreadInConversation } from '../messages/index.ts';
import { keptDashboards } from './kept-dashboard.ts';
import { dashboardPersonalData } from './personal-data.ts';
import { dashboardRoutes } from './routes.ts';

export function dashboardFeature(core: CoreServices): Feature {
  const { db, adapter, now, logger } = core;
  return {
    name: dashboardManifest.name,
    needs: { ports: [] },
    personalData: dashboardPersonalData(),
    clientRoutes: [
      dashboardRoutes({
        adapter,
        dashboards: keptDashboards({ db, adapter, now, logger }),
        now,
        unreadMessages: (ws, client, userId) => unreadInConversation(db, ws, client, { side: 'client', id: userId }),
      }),
    ],
  };
}
