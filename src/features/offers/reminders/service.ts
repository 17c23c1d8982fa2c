// Reminder emails before an offer's valid-until date. Each instance runs a pass on a timer (and
// tests call run()): one query finds the workspaces with an active client user and the proposals
// switch on; for each whose portal flag is on, the host lists its open offers lapsing within
// `days` (OffersPort.expiringSoon, one call per workspace), and every active client user of each
// offer's client who may see offers gets one email in their language: where the host keeps client
// permissions, only those its roles let see them (one question per workspace's pass).
//
// Once, however many instances run: a reminder is a row in portal_offer_reminders keyed by
// workspace, offer, client user and valid-until date, inserted ON CONFLICT DO NOTHING in the same
// transaction that queues the email in the outbox and logs the activity. Only the instance whose
// insert went in sends, and a crash leaves either all three or none. A date the host moves is a new
// key, so the client is reminded of the new date.
//
// The host is asked before any transaction opens (on the embedded database a host query outside
// an open portal transaction would wait for it).
import type { Knex } from 'knex';
import {
  type FeatureFlags,
  formattersFor,
  type HostAdapter,
  inBackground,
  insertActivity,
  isLocale,
  type Mailer,
  PORTAL_FLAG,
  type PortalConfig,
  type PortalLinks,
  type PortalLogger,
  seenByHost,
  type WorkspaceCache,
} from '../../../core/index.ts';
import type { ExpiringOffer, OfferKind } from '../port.ts';
import { emailLocale } from '../../account/index.ts';
import { offerReminderEmail } from './emails.ts';
import { activeClientUsersOf, claimReminder, reminderKeyText, sentReminderKeys, workspacesToRemind } from './queries.ts';

export interface OfferRemindersDeps {
  db: Knex;
  adapter: HostAdapter;
  workspaces: Pick<WorkspaceCache, 'byId'>;
  flags: FeatureFlags;
  mailer: Mailer;
  config: Pick<PortalConfig, 'offerReminderDays'>;
  /** The workspace's portal address in the reminders' links. */
  portalLinks: PortalLinks;
  now: () => Date;
  logger: PortalLogger;
}

export interface OfferReminders {
  /** One pass over every workspace: answers how many reminders were queued. */
  run(): Promise<number>;
  /** The pass of the timer, serialised per instance; errors are logged. */
  runInBackground(): Promise<void>;
  /** Waits for a pass in progress (shutdown, tests). */
  idle(): Promise<void>;
}

const SECTION: Record<OfferKind, string> = { proposal: 'proposals', quotation: 'quotations' };

/** 'YYYY-MM-DD' plus whole days, on the calendar (no time zone, no daylight saving). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function createOfferReminders(deps: OfferRemindersDeps): OfferReminders {
  const { db, adapter, config } = deps;
  const days = config.offerReminderDays;
  const expiringSoon = adapter.offers?.expiringSoon?.bind(adapter.offers);
  const kinds: readonly OfferKind[] = adapter.offers?.kinds ?? ['proposal', 'quotation'];

  async function remindWorkspace(workspaceId: string, at: Date): Promise<number> {
    const entry = await deps.workspaces.byId(workspaceId);
    if (!entry || !expiringSoon) return 0;
    const { workspace, settings } = entry;
    if (!settings.showProposals || !deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug }))
      return 0;
    // "Today" where the agency works, when it set a time zone: an offer valid until today is not past yet.
    const today = formattersFor('en', settings.defaultTimeZone ?? 'UTC').isoDay(at);
    const through = addDays(today, days);
    const offers = (await expiringSoon(workspace.id, { from: today, through })).filter(
      (offer) => kinds.includes(offer.kind) && offer.validUntil >= today && offer.validUntil <= through,
    );
    if (offers.length === 0) return 0;
    const [everyone, sent] = await Promise.all([
      activeClientUsersOf(
        db,
        workspace.id,
        offers.map((offer) => offer.clientId),
      ),
      sentReminderKeys(db, workspace.id, offers),
    ]);
    const users = await seenByHost(adapter.clientPermissions, workspace.id, everyone, 'proposals');
    const fallback = isLocale(settings.defaultLocale) ? settings.defaultLocale : null;
    const base = await deps.portalLinks.baseOf(workspace);
    let queued = 0;
    for (const offer of offers) {
      for (const user of users.filter((u) => u.client_id === offer.clientId)) {
        const key = {
          workspaceId: workspace.id,
          offerKind: offer.kind,
          offerId: offer.id,
          clientUserId: user.id,
          validUntil: offer.validUntil,
        };
        if (sent.has(reminderKeyText(key))) continue;
        const message = offerReminderEmail({
          to: user.email,
          workspace,
          offer,
          locale: emailLocale(user.locale, fallback),
          url: `${base}/${SECTION[offer.kind]}/${encodeURIComponent(offer.id)}`,
        });
        const claimed = await db.transaction(async (trx) => {
          if (!(await claimReminder(trx, { ...key, clientId: offer.clientId, at }))) return false;
          await deps.mailer.send(message, { trx });
          await insertActivity(trx, {
            workspaceId: workspace.id,
            event: 'offer.reminder_sent',
            clientUserId: user.id,
            clientId: offer.clientId,
            email: user.email,
            details: detailsOf(offer),
          });
          return true;
        });
        if (claimed) queued += 1;
      }
    }
    return queued;
  }

  async function run(): Promise<number> {
    if (days <= 0 || !expiringSoon) return 0;
    const at = deps.now();
    let queued = 0;
    for (const workspaceId of await workspacesToRemind(db)) {
      try {
        queued += await remindWorkspace(workspaceId, at);
      } catch (err) {
        // One host's failure (a workspace gone, a query refused) must not stop the others' reminders.
        deps.logger.error(`offer reminders for workspace ${workspaceId} failed`, err);
      }
    }
    return queued;
  }

  let running: Promise<void> = Promise.resolve();
  return {
    run,
    runInBackground() {
      running = running
        .then(() => inBackground('offer reminders', run))
        .then(
          () => undefined,
          (err) => deps.logger.error('offer reminders failed', err),
        );
      return running;
    },
    idle: () => running,
  };
}

function detailsOf(offer: ExpiringOffer): Record<string, unknown> {
  return { kind: offer.kind, offerId: offer.id, number: offer.number, title: offer.title, validUntil: offer.validUntil };
}
