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
  type Translate,
  translator,
  type WorkspaceCache,
} from '../../core/index.ts';
import { emailLocale } from '../account/index.ts';
import { digestEmail, notificationEmail, type EmailedItem } from './emails.ts';
import { channelFor, KIND_RULES, type NotificationKind } from './kinds.ts';
import {
  claimDigest,
  findDigestPerson,
  findDigestsDue,
  insertNotifications,
  recipients,
  takeDigestItems,
  type NotificationRow,
} from './queries.ts';

const DIGEST_EVERY_MS = 24 * 3600_000;
const DIGEST_BATCH = 50;
/** The permissions of the kinds a daily email may carry. */
const DIGEST_PERMISSIONS = [
  ...new Set(
    Object.values(KIND_RULES)
      .filter((r) => r.channels.includes('digest'))
      .map((r) => r.permission),
  ),
];

export interface ClientEvent {
  workspaceId: string;
  clientId: string;
  kind: NotificationKind;
  subjectType: 'invoice' | 'proposal' | 'quotation' | 'task' | 'document' | 'message' | 'ticket';
  subjectId: string;
  title?: string | null;
  number?: string | null;
  /** The one contact the record is for (a task assigned to a person); everyone allowed otherwise. */
  contactId?: string | null;
}

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
    default:
      return '/messages';
  }
}

/** The sentence a notification reads as, in the reader's language. */
export function notificationText(t: Translate, row: Pick<NotificationRow, 'kind' | 'subject_type' | 'title' | 'number'>): string {
  const name = [row.number, row.title].filter(Boolean).join(' · ');
  return t(`clientNotifications:kinds.${row.kind}.text`, { context: row.subject_type, name: name || t('clientNotifications:unnamed') });
}

export function createClientNotifications(deps: ClientNotificationsDeps) {
  const { db, now, logger } = deps;
  let running: Promise<number> | null = null;

  const t = (locale: string | null, fallback: string | null) => translator(emailLocale(locale, isLocale(fallback) ? fallback : null));

  /** Records the event for everyone who may see it; resolves with how many people were told. */
  async function notify(event: ClientEvent): Promise<number> {
    const entry = await deps.workspaces.byId(event.workspaceId);
    if (!entry) return 0;
    const { workspace, settings } = entry;
    const rule = KIND_RULES[event.kind];
    if (!canSeeSection(settings, rule.section)) return 0;
    if (!deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return 0;
    // The host's roles narrow the portal's, asked once for everyone the portal would tell.
    const people = await seenByHost(
      deps.hostPermissions,
      workspace.id,
      await recipients(db, workspace.id, event.clientId, rule.permission, event.contactId ?? null),
      rule.permission,
    );
    if (people.length === 0) return 0;
    const at = now();
    const base = await deps.links.baseOf(workspace);
    const subject = {
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      kind: event.kind,
      title: event.title ?? null,
      number: event.number ?? null,
    };
    return db.transaction(async (trx) => {
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
          title: subject.title,
          number: subject.number,
          channel: channels.get(person.id)!,
          emailedAt: channels.get(person.id) === 'email' ? at : null,
        })),
      );
      for (const row of told) {
        if (channels.get(row.client_user_id) !== 'email') continue;
        const person = people.find((p) => p.id === row.client_user_id)!;
        const tr = t(person.locale, settings.defaultLocale);
        const item = { text: notificationText(tr, subject), url: `${base}/notifications/${row.id}` };
        await deps.mailer.send(notificationEmail(tr, { to: person.email, workspace, item, settingsUrl: `${base}/account/notifications` }), {
          trx,
        });
      }
      return told.length;
    });
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
      const tr = t(person.locale, entry.settings.defaultLocale);
      const items: EmailedItem[] = rows
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((row) => ({ text: notificationText(tr, row), url: `${base}/notifications/${row.id}` }));
      await deps.mailer.send(
        digestEmail(tr, { to: person.email, workspace: entry.workspace, items, settingsUrl: `${base}/account/notifications` }),
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
    idle: async () => {
      await running?.catch(() => undefined);
    },
  };
}

export type ClientNotifications = ReturnType<typeof createClientNotifications>;
