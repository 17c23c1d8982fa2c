// Team: a client admin manages their colleagues from the portal (invite among the company's
// contacts, change a role, disable, ask the agency to add someone new), each change logged and
// notified to the agency; the agency answers requests for new colleagues in its admin pages.
import { teamManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import type { AuthService } from '../account/index.ts';
import { createColleagueRequestAdminHandlers } from './admin-handlers.ts';
import { createColleagueRequests } from './colleague-requests.ts';
import { createTeamHandlers } from './handlers.ts';
import { teamPersonalData } from './personal-data.ts';
import { colleagueRequestAdminRoutes, teamRoutes } from './routes.ts';
import { createTeam } from './service.ts';

export function teamFeature(core: CoreServices, auth: AuthService): Feature {
  const { db, adapter, events, logger, now, mailer, links, limiter } = core;
  const team = createTeam({ db, adapter, auth, bus: events, onError: (message, err) => logger.error(message, err) });
  const requests = createColleagueRequests({ db, adapter, auth, mailer, links, now });
  return {
    name: teamManifest.name,
    needs: { ports: [] },
    personalData: teamPersonalData(),
    clientRoutes: [teamRoutes(createTeamHandlers(team, requests, limiter))],
    adminRoutes: [
      colleagueRequestAdminRoutes(createColleagueRequestAdminHandlers({ requests, crmName: adapter.recordPages?.crmName ?? 'your CRM' })),
    ],
  };
}
