// Each person's own data (GDPR art. 15, 17, 20): a copy of it as a ZIP, built in the background and
// offered until it expires; erasure on request, decided by the agency in its admin pages.
import { privacyManifest } from './manifest.ts';
import type { CoreServices, Feature, PersonalDataHook } from '../../core/index.ts';
import { createErasureAdminHandlers } from './admin-handlers.ts';
import { createErasure } from './erasure.ts';
import { createDataExports, type DataExports } from './exports.ts';
import { createPrivacyHandlers } from './handlers.ts';
import { privacyPersonalData } from './personal-data.ts';
import { erasureAdminRoutes, privacyRoutes } from './routes.ts';

export type { DataExports } from './exports.ts';

const EXPORTS_EVERY_MS = 60_000;

/**
 * The feature. `shared.personalData` gives every module's personal-data hook (the core's and each
 * feature's, this one's among them) in the export archive's order: the composition root knows them
 * once every feature exists, and this feature reads no other module's tables.
 */
export function privacyFeature(
  core: CoreServices,
  shared: { personalData: () => readonly PersonalDataHook[] },
): Feature & { exports: DataExports } {
  const { db, adapter, storage, mailer, links, workspaces, now, logger, events } = core;
  const portalKeepsComments = adapter.comments === undefined;
  const { personalData } = shared;
  const exports = createDataExports({
    db,
    storage,
    personalData,
    mailer,
    links,
    workspaces,
    now,
    logger,
    ...(adapter.clientPermissions ? { hostPermissions: adapter.clientPermissions } : {}),
  });
  const erasure = createErasure({ db, adapter, storage, mailer, bus: events, now, logger, personalData });
  return {
    name: privacyManifest.name,
    needs: { ports: [] },
    exports,
    personalData: privacyPersonalData(),
    clientRoutes: [privacyRoutes(createPrivacyHandlers({ exports, erasure, now }))],
    adminRoutes: [erasureAdminRoutes(createErasureAdminHandlers({ erasure, portalKeepsComments }))],
    jobs: [
      {
        name: 'data exports',
        everyMs: EXPORTS_EVERY_MS,
        run: () => {
          exports.run().catch((err) => logger.error('data exports failed', err));
          exports.expire().catch((err) => logger.error('expiring data exports failed', err));
        },
        idle: exports.idle,
      },
    ],
  };
}
