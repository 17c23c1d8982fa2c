// Proposals and quotations: the client's lists and pages (preview, PDF, comments), decisions with a
// signature, public links, reminders before an offer expires, and the staff's record page for
// proposals, quotations and invoices (with the decision's evidence and the public links).
import { offersManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import type { LiveCommentsPort } from '../messages/index.ts';
import { createOfferHandlers } from './handlers.ts';
import { offerRoutes } from './routes.ts';
import { offersPersonalData } from './personal-data.ts';
import { createDecisionHandlers } from './decisions/handlers.ts';
import { decisionRoutes, SIGNED_FORMS } from './decisions/routes.ts';
import { OfferDecisions } from './decisions/service.ts';
import { createPublicLinkHandlers } from './public-links/public-handlers.ts';
import { publicLinkRoutes } from './public-links/public-routes.ts';
import { PublicLinks } from './public-links/service.ts';
import { createOfferReminders, type OfferReminders } from './reminders/service.ts';
import { createRecordHandlers } from './staff-record/handlers.ts';
import { recordEvidenceRoutes, recordRoutes } from './staff-record/routes.ts';

export type { OfferReminders } from './reminders/service.ts';
export { presentOfferRow } from './presenters.ts';

const OFFER_REMINDER_INTERVAL_MS = 15 * 60_000;

// This feature's host port, for the features that build on it.
export type { OfferKind, OfferSummary } from './port.ts';

/** The feature, and its reminders (run() for tests). `comments` are the messages feature's threads. */
export function offersFeature(core: CoreServices, shared: { comments: LiveCommentsPort }): Feature & { reminders: OfferReminders } {
  const { db, adapter, config, flags, mailer, limiter, storage, workspaces, now, logger, links: portalLinks } = core;
  const { comments } = shared;
  const decisions = new OfferDecisions({ db, adapter, now });
  const links = new PublicLinks({ db, adapter, secret: config.sessionSecret, now });
  const reminders = createOfferReminders({ db, adapter, workspaces, flags, mailer, config, portalLinks, now, logger });
  const kinds = adapter.offers?.kinds;
  const records = createRecordHandlers({
    db,
    adapter,
    comments,
    streamUrl: `${config.messagesPath}/stream`,
    decisions,
    links,
    storage,
    portalPath: config.portalPath,
    appUrl: config.appUrl,
    now,
  });
  return {
    name: offersManifest.name,
    needs: { ports: ['offers'] },
    personalData: offersPersonalData(db),
    reminders,
    publicRoutes: [publicLinkRoutes(createPublicLinkHandlers({ adapter, links, decisions, limiter, storage, now }))],
    clientRoutes: adapter.offers
      ? [
          offerRoutes(
            createOfferHandlers({ db, offers: adapter.offers, comments, storage, now, limiter, decisions, requests: adapter.requests }),
            kinds,
          ),
          decisionRoutes(createDecisionHandlers({ db, decisions, storage }), kinds, adapter.offers),
        ]
      : [],
    staffReadRoutes: [recordEvidenceRoutes(records)],
    adminRoutes: [recordRoutes(records)],
    largeForms: SIGNED_FORMS,
    jobs: [
      {
        name: 'offer reminders',
        everyMs: OFFER_REMINDER_INTERVAL_MS,
        run: () => void reminders.runInBackground(),
        idle: () => reminders.idle(),
      },
    ],
  };
}
