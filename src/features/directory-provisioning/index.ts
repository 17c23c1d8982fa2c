// Directory provisioning: a client company's directory (Microsoft Entra ID, Okta) creates,
// updates and deactivates its people in the portal over SCIM 2.0, with a token the agency creates
// on the company's staff page.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createDirectoryAdminHandlers } from './admin-handlers.ts';
import { directoryProvisioningManifest } from './manifest.ts';
import { directoryProvisioningPersonalData } from './personal-data.ts';
import { directoryAdminRoutes } from './routes.ts';
import { createScimGroups } from './scim-groups.ts';
import { createScimPeople } from './scim-people.ts';
import { scimRoutes } from './scim-routes.ts';
import { createTokens } from './tokens.ts';

export function directoryProvisioningFeature(core: CoreServices): Feature {
  const { db, adapter, staffAdapter, config, limiter, logger, events, now } = core;
  const onError = (message: string, err: unknown) => logger.error(message, err);
  const people = createScimPeople({ db, adapter, bus: events, onError });
  const groups = createScimGroups({ db, bus: events, onError });
  return {
    name: directoryProvisioningManifest.name,
    needs: { ports: [] },
    personalData: directoryProvisioningPersonalData({ db }),
    apiRoutes: [scimRoutes({ db, config, limiter, people, groups, logger })],
    adminRoutes: [
      directoryAdminRoutes(
        createDirectoryAdminHandlers({ db, tokens: createTokens({ db, config, now }), groups, adapter: staffAdapter, config }),
      ),
    ],
  };
}
