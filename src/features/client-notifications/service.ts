// Notifications for clients. Something happens at the agency (the host tells the portal it issued an
// invoice, sent a proposal, assigned a task, shared a document; staff answer in the messages): each
// active person of the company who may see it (the workspace switch, then their company, role and
// own overrides, and what the host's own client roles grant, where it keeps them: asked once per
// event for everyone) gets a row, once per record and reason, and, as they chose, an email at once
// (queued in the same transaction) or a daily one. The daily email is claimed per person with a
// conditional update, so it goes once a day across instances, and carries only what the person may
// still see when it goes.
import type { Knex } from 'knex';
import {
  canSeeSection,
  type FeatureFlags,
  type HostAdapter,
  hostPermits,
  inBackground,
  isLocale,
  type Mailer,
  PORTAL_FLAG,
  type PortalLinks,
  type PortalLogger,
  seenByHost,
  translator,
  type WorkspaceCache,
} from '../../core/index.ts';
import { emailLocale } from '../account/index.ts';
import type { AppPush } from '../app-push/index.ts';
import { describe, notificationText, type Reader } from './details.ts';
import { digestEmail, notificationEmail, type EmailedItem } from './emails.ts';
import { channelFor, KIND_RULES, type NotificationKind } from './kinds.ts';
import type { ClientEvent } from './events.ts';
import {
  claimDigest,
  findDigestPerson,
  findDigestsDue,
  insertNotifications,
  lastDetail,
  localesOf,
  recipients,
  takeDigestItems,
  takeWaitingPushes,
  type NotificationRow,
  workspacesWithWaitingPushes,
} from './queries.ts';

const DIGEST_EVERY_MS = 24 * 3600_000;
const DIGEST_BATCH = 50;
/** Push messages taken at a time, per workspace. */
const PUSH_BATCH = 100;
/** A push message later than this is stale news, dropped rather than sent. */
const PUSH_STALE_MS = 24 * 3600_000;
/** The permissions of the kinds a daily email may carry. */
const DIGEST_PERMISSIONS = [
  ...new Set(
    Object.values(KIND_RULES)
      .filter((r) => r.channels.includes('digest'))
      .map((r) => r.permission),
  ),
];

export interface ClientNotificationsDeps {
  db: Knex;
  mailer: Mailer;
  flags: FeatureFlags;
  workspaces: Pick<WorkspaceCache, 'byId'>;
  /** The workspace's portal address in the emails' links (read before each transaction). */
  links: PortalLinks;
  now: () => Date;
  logger: PortalLogger;
  /** The host's own client permissions, where it keeps them: no one is told what the host's roles hide. */
  hostPermissions?: HostAdapter['clientPermissions'];
  /** The host's tickets, where it has them: a ticket's news goes only to whom the host shows it (Alga's visibility groups). */
  tickets?: HostAdapter['tickets'];
  /** Sends to a person's devices: the push channel. */
  push: Pick<AppPush, 'send'>;
  /** The host's appointments and requests, where it has them: what their answers did is read to be said (details.ts). */
  ports?: Pick<HostAdapter, 'appointments' | 'requests'>;
}

/** Where a notification leads, below the workspace's portal. */
export function subjectPath(row: Pick<NotificationRow, 'subject_type' | 'subject_id'>): string {
  switch (row.subject_type) {
    case 'invoice':
      return `/invoices/${encodeURIComponent(row.subject_id)}`;
    case 'proposal':
      return `/proposals/${encodeURIComponent(row.subject_id)}`;
    case 'quotation':
      return `/quotations/${encodeURIComponent(row.subject_id)}`;
    case 'task':
      return '/tasks';
    case 'document':
      return '/documents';
    case 'ticket':
      return `/tickets/${encodeURIComponent(row.subject_id)}`;
    // A ticket's satisfaction survey: the subject is the ticket.
    case 'survey':
      return `/tickets/${encodeURIComponent(row.subject_id)}/survey`;
    case 'request':
      return `/requests/mine/${encodeURIComponent(row.subject_id)}`;
    case 'appointment':
      return `/appointments/${encodeURIComponent(row.subject_id)}`;
    case 'approval':
      return `/approvals/${encodeURIComponent(row.subject_id)}`;
    case 'order':
      return `/orders/${encodeURIComponent(row.subject_id)}`;
    case 'contract':
      return `/contracts/${encodeURIComponent(row.subject_id)}`;
    default:
      return '/messages';
  }
}

export function createClientNotifications(deps: ClientNotificationsDeps) {
  const { db, now, logger } = deps;
  let running: Promise<number> | null = null;
  const pushing = new Map<string, Promise<number>>();

  /** A person as the emails and push messages speak to them: their language, and their own zone where they chose one. */
  const readerOf = (locale: string | null, fallback: string | null, timeZone: string | null): Reader => {
    const chosen = emailLocale(locale, isLocale(fallback) ? fallback : null);
    return { t: translator(chosen), locale: chosen, timeZone };
  };

  /**
   * Those of the people who may open the ticket or request: a host may show a person only some of
   * the company's tickets (Alga's visibility groups), or only their own requests, so each is asked
   * of the host as that person's page asks it (one read per person: a company's few people, for a
   * record's news). Other records are the company's: everyone allowed sees them.
   */
  async function seeingRecord<P extends { contact_id: string }>(workspaceId: string, event: ClientEvent, people: P[]): Promise<P[]> {
    const ticket = event.subjectType === 'ticket' || event.subjectType === 'survey';
    const port = ticket ? deps.tickets : event.subjectType === 'request' ? deps.ports?.requests : undefined;
    if (!port) return people;
    const sees = await Promise.all(
      people.map(async (person) => (await port.find(workspaceId, event.clientId, person.contact_id, event.subjectId)) !== null),
    );
    return people.filter((_, index) => sees[index]);
  }

  /** Records the event for everyone who may see it; resolves with how many people were told. */
  async function notify(event: ClientEvent): Promise<number> {
    const entry = await deps.workspaces.byId(event.workspaceId);
    if (!entry) return 0;
    const { workspace, settings } = entry;
    const rule = KIND_RULES[event.kind];
    if (!canSeeSection(settings, rule.section)) return 0;
    if (!deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return 0;
    // What happened, read from the host before anyone is told; nothing new to say is not told again.
    const detail =
      event.detail ??
      (deps.ports
        ? await describe(deps.ports, event, () =>
            lastDetail(db, { workspaceId: workspace.id, clientId: event.clientId, kind: event.kind, subjectId: event.subjectId }),
          )
        : null);
    if (detail === 'nothing') return 0;
    // The host's roles narrow the portal's, asked once for everyone the portal would tell.
    const allowed = await seenByHost(
      deps.hostPermissions,
      workspace.id,
      await recipients(db, workspace.id, event.clientId, rule.permission, event.contactId ?? null),
      rule.permission,
    );
    const people = await seeingRecord(workspace.id, event, allowed);
    if (people.length === 0) return 0;
    const at = now();
    const base = await deps.links.baseOf(workspace);
    const subject = {
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      kind: event.kind,
      title: event.title ?? null,
      number: event.number ?? null,
      detail,
    };
    const told = await db.transaction(async (trx) => {
      const channels = new Map(people.map((person) => [person.id, channelFor(event.kind, person.notification_channels)]));
      const told = await insertNotifications(
        trx,
        people.map((person) => ({
          workspaceId: workspace.id,
          clientId: event.clientId,
          clientUserId: person.id,
          kind: event.kind,
          subjectType: event.subjectType,
          subjectId: event.subjectId,
          occurrence: event.occurrence ?? '',
          title: subject.title,
          number: subject.number,
          detail,
          channel: channels.get(person.id)!,
          // A push waits (null) until it is sent, after the commit: see pushes().
          emailedAt: channels.get(person.id) === 'email' ? at : null,
        })),
      );
      for (const row of told) {
        if (channels.get(row.client_user_id) !== 'email') continue;
        const person = people.find((p) => p.id === row.client_user_id)!;
        const reader = readerOf(person.locale, settings.defaultLocale, person.time_zone);
        const item = { text: notificationText(reader, subject), url: `${base}/notifications/${row.id}` };
        await deps.mailer.send(
          notificationEmail(reader.t, { to: person.email, workspace, item, settingsUrl: `${base}/account/notifications` }),
          {
            trx,
          },
        );
      }
      return { count: told.length, push: told.some((row) => channels.get(row.client_user_id) === 'push') };
    });
    // Out of the caller's request, as the outbox sends the emails: the push services may be slow.
    if (told.push) void pushes(workspace.id).catch((err) => logger.error('client notification push messages failed', err));
    return told.count;
  }

  /** Sends the workspace's waiting push messages, one pass at a time per workspace on this instance; resolves with how many devices took one. */
  function pushes(workspaceId: string): Promise<number> {
    const current = pushing.get(workspaceId);
    // A pass under way may have read before the newest rows committed: one more follows it.
    const next = (current ?? Promise.resolve(0))
      .catch(() => 0)
      .then(() => inBackground('client notification push messages', () => pushPass(workspaceId)))
      .finally(() => {
        if (pushing.get(workspaceId) === next) pushing.delete(workspaceId);
      });
    pushing.set(workspaceId, next);
    return next;
  }

  async function pushPass(workspaceId: string): Promise<number> {
    const entry = await deps.workspaces.byId(workspaceId);
    if (!entry) return 0;
    const at = now();
    const rows = await db.transaction(async (trx) => {
      const taken = await takeWaitingPushes(trx, workspaceId, at, PUSH_BATCH);
      const locales = await localesOf(
        trx,
        workspaceId,
        taken.map((row) => row.client_user_id),
      );
      return taken.map((row) => ({ ...row, person: locales.get(row.client_user_id) }));
    });
    const base = await deps.links.baseOf(entry.workspace);
    let delivered = 0;
    for (const row of rows) {
      if (at.getTime() - new Date(row.created_at).getTime() > PUSH_STALE_MS) continue;
      const reader = readerOf(row.person?.locale ?? null, entry.settings.defaultLocale, row.person?.timeZone ?? null);
      const title = entry.settings.portalTitle?.trim() || entry.workspace.name;
      try {
        delivered += await deps.push.send(workspaceId, row.client_user_id, {
          title,
          body: notificationText(reader, row),
          url: `${base}/notifications/${row.id}`,
          tag: `${row.kind}:${row.id}`,
        });
      } catch (err) {
        logger.error('a client notification push message failed', err);
      }
    }
    return delivered;
  }

  /** Every workspace's waiting push messages (what a restart left behind), after the passes under way. */
  async function pushesLeft(): Promise<number> {
    // The passes under way first: what they took is not waiting any more, but not yet sent either.
    let delivered = (await Promise.all([...pushing.values()].map((pass) => pass.catch(() => 0)))).reduce((a, b) => a + b, 0);
    for (const workspaceId of await workspacesWithWaitingPushes(db, PUSH_BATCH)) delivered += await pushes(workspaceId);
    return delivered;
  }

  /**
   * One person's daily email, if it is due and theirs to send (claimed); resolves with whether it
   * went. `hostGrants`: what the host's client roles grant the person now, where it keeps them.
   */
  async function digestFor(workspaceId: string, clientUserId: string, hostGrants: ReadonlySet<string> | undefined): Promise<boolean> {
    const entry = await deps.workspaces.byId(workspaceId);
    const person = await findDigestPerson(db, workspaceId, clientUserId, DIGEST_PERMISSIONS);
    if (!entry || !person) return false;
    const flagOn = deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: entry.workspace.id, workspaceSlug: entry.workspace.slug });
    // Seen only if still allowed: the flag, the workspace switch, the person's access and the host's roles, as of now.
    const stillSeen = (kind: NotificationKind) =>
      flagOn &&
      canSeeSection(entry.settings, KIND_RULES[kind].section) &&
      person.allowed.has(KIND_RULES[kind].permission) &&
      hostPermits(hostGrants, KIND_RULES[kind].permission);
    const at = now();
    const base = await deps.links.baseOf(entry.workspace);
    return db.transaction(async (trx) => {
      if (!(await claimDigest(trx, workspaceId, clientUserId, at, new Date(at.getTime() - DIGEST_EVERY_MS + 60_000)))) return false;
      // Items no longer to be seen are taken too, and dropped: they never come back to the email.
      const rows = (await takeDigestItems(trx, workspaceId, clientUserId, at)).filter((row) => stillSeen(row.kind));
      if (rows.length === 0) return false;
      const reader = readerOf(person.locale, entry.settings.defaultLocale, person.timeZone);
      const items: EmailedItem[] = rows
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((row) => ({ text: notificationText(reader, row), url: `${base}/notifications/${row.id}` }));
      await deps.mailer.send(
        digestEmail(reader.t, { to: person.email, workspace: entry.workspace, items, settingsUrl: `${base}/account/notifications` }),
        {
          trx,
        },
      );
      return true;
    });
  }

  /** What the host's client roles grant the batch's people, one question per workspace of the batch. */
  async function hostGrantsOf(
    due: Array<{ workspace_id: string; contact_id: string }>,
  ): Promise<Map<string, Map<string, ReadonlySet<string>>>> {
    const byWorkspace = new Map<string, Map<string, ReadonlySet<string>>>();
    const host = deps.hostPermissions;
    if (!host) return byWorkspace;
    for (const workspaceId of new Set(due.map((d) => d.workspace_id))) {
      const contacts = [...new Set(due.filter((d) => d.workspace_id === workspaceId).map((d) => d.contact_id))];
      byWorkspace.set(workspaceId, await host.of(workspaceId, contacts));
    }
    return byWorkspace;
  }

  async function runDigests(): Promise<number> {
    let sent = 0;
    const due = await findDigestsDue(db, DIGEST_BATCH);
    const grants = await hostGrantsOf(due);
    for (const person of due) {
      // Where the host keeps client permissions, a contact it did not answer for holds nothing.
      const held = deps.hostPermissions ? (grants.get(person.workspace_id)?.get(person.contact_id) ?? new Set<string>()) : undefined;
      try {
        if (await digestFor(person.workspace_id, person.client_user_id, held)) sent += 1;
      } catch (err) {
        logger.error('a client’s daily notification email failed', err);
      }
    }
    return sent;
  }

  return {
    notify,
    /** Sends the daily emails that are due (each once a day across instances); resolves with how many went. */
    digests(): Promise<number> {
      running ??= inBackground('client notification digests', runDigests).finally(() => {
        running = null;
      });
      return running;
    },
    /** Sends the push messages still waiting in any workspace; resolves with how many devices took one. */
    pushesLeft,
    idle: async () => {
      await running?.catch(() => undefined);
      await Promise.all([...pushing.values()].map((pass) => pass.catch(() => undefined)));
    },
  };
}

export type ClientNotifications = ReturnType<typeof createClientNotifications>;
