// The workspace admin's pages in the CRM: the portal's settings (sections, sign-in, branding,
// language), the client users (invite, disable, reset two-factor), the activity log and the
// clients' uploads. The admin router carries every feature's staff pages behind one staff chain.
import { adminManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import type { AuthService } from '../account/index.ts';
import { adminRoutes } from './routes.ts';

export { adminRouter } from './admin-router.ts';
export { checkInvitation, CONTACT_NOT_FOUND } from './invitation-checks.ts';

/** `auth` is the account feature's sign-in service; `paymentsReady` the invoices feature's answer to "can clients pay online?". */
export function adminFeature(
  core: CoreServices,
  shared: { auth: AuthService; paymentsReady: (workspaceId: string) => Promise<boolean> },
): Feature {
  const { db, adapter, guard, storage, events, config, links, now, logger, workspaces, mailer } = core;
  return {
    name: adminManifest.name,
    needs: { ports: [] },
    adminRoutes: [
      adminRoutes({
        db,
        adapter,
        auth: shared.auth,
        guard,
        storage,
        bus: events,
        config,
        links,
        now,
        logger,
        workspaces,
        mailer,
        paymentsReady: shared.paymentsReady,
      }),
    ],
  };
}
