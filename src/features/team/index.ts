// Team: a client admin manages their colleagues from the portal (invite among the company's
// contacts, change a role, disable), each change logged and notified to the agency.
import type { CoreServices, Feature } from '../../core/feature.ts';
import type { AuthService } from '../account/index.ts';
import { createTeamHandlers } from './handlers.ts';
import { teamRoutes } from './routes.ts';
import { createTeam } from './service.ts';

export function teamFeature(core: CoreServices, auth: AuthService): Feature {
  const { db, adapter, events, logger } = core;
  const team = createTeam({ db, adapter, auth, bus: events, onError: (message, err) => logger.error(message, err) });
  return {
    name: 'team',
    needs: { ports: [], switches: [] },
    clientRoutes: [teamRoutes(createTeamHandlers(team))],
  };
}
