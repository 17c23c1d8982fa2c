// Staff notifications, built on the client activity log (rules.ts says which events count):
//   in-app:    a list per workspace with an unread count per staff user (one query each);
//   immediate: each decision or payment emailed to the workspace's admins, once;
//   digest:    comments and views gathered into one email per workspace, at most every 15 minutes.
// Emails go out once however many app instances run: an instance claims a batch by locking the
// channel's cursor FOR UPDATE SKIP LOCKED and moving it past the batch, commits, and only then
// sends (mailer.send may write to the database itself, and on the embedded database a query
// outside an open transaction would wait for it). A send that fails after the commit is logged,
// not retried: a missed email beats the same email twice, and the in-app list still has it.
import type { Knex } from 'knex';
import {
  type ActivityRow,
  clientNamesOf,
  DEFAULT_LOCALE,
  findStaffLocales,
  formattersFor,
  type HostAdapter,
  type HostStaffUser,
  inBackground,
  isTimeZone,
  localeOfTag,
  type Mailer,
  type PortalLogger,
  translator,
} from '../../core/index.ts';
import {
  advanceDispatchCursor,
  countUnread,
  eventsToDispatch,
  listNotifications,
  lockDispatchCursor,
  markItemRead,
  markReadUpTo,
  newestNotificationId,
  type NotificationRow,
} from './queries.ts';
import { DIGEST_MINUTES, NOTIFICATION_RULES, eventsFor, type EmailChannel } from './rules.ts';
import { digestEmail, type EmailWords, immediateEmail } from './emails.ts';

export interface NotificationsDeps {
  db: Knex;
  adapter: HostAdapter;
  mailer: Mailer;
  now: () => Date;
  logger: PortalLogger;
  /** Where staff read the list, for links in emails (absolute). */
  listUrl: string;
  /** The staff pages' address (absolute), for emails that link to what to act on. */
  adminUrl?: string;
  /** How old an activity row must be before it is emailed: longer than any transaction writing one. */
  settleMs?: number;
  digestMinutes?: number;
}

type DispatchRow = ActivityRow & { workspace_id: string };

const BATCH = 200;

export function createNotifications(deps: NotificationsDeps) {
  const { db, now } = deps;
  const settleMs = deps.settleMs ?? 2000;
  const digestMs = (deps.digestMinutes ?? DIGEST_MINUTES) * 60_000;
  const inApp = eventsFor('in_app');

  /** Claims the next batch of a channel; [] when there is none or another instance has it. */
  async function claim(channel: EmailChannel, at: Date): Promise<DispatchRow[]> {
    return db.transaction(async (trx) => {
      const cursor = await lockDispatchCursor(trx, channel);
      if (!cursor) return [];
      if (channel === 'digest' && cursor.last_sent_at && at.getTime() - new Date(cursor.last_sent_at).getTime() < digestMs) return [];
      const rows = (await eventsToDispatch(trx, {
        afterId: cursor.last_activity_id,
        events: eventsFor(channel),
        settledBefore: new Date(at.getTime() - settleMs),
        limit: BATCH,
      })) as DispatchRow[];
      if (rows.length === 0) return [];
      await advanceDispatchCursor(trx, { channel, lastActivityId: Number(rows[rows.length - 1]!.id), sentAt: at });
      return rows;
    });
  }

  async function adminsOf(workspaceId: string): Promise<HostStaffUser[]> {
    return (await deps.adapter.staff.listAdmins?.(workspaceId)) ?? [];
  }

  /**
   * Each recipient's language (chosen in the portal, else the host's setting for them, else English)
   * and time zone (the host's for them, else UTC): one query for the workspace's recipients.
   */
  async function recipientWords(workspaceId: string, staff: HostStaffUser[]): Promise<(person: HostStaffUser) => EmailWords> {
    const chosen = await findStaffLocales(
      db,
      workspaceId,
      staff.map((person) => person.id),
    );
    return (person) => {
      const locale = chosen.get(person.id) ?? localeOfTag(person.locale) ?? DEFAULT_LOCALE;
      const timeZone = person.timeZone && isTimeZone(person.timeZone) ? person.timeZone : 'UTC';
      return { t: translator(locale), fmt: formattersFor(locale, timeZone), timeZone };
    };
  }

  async function send(rows: DispatchRow[], channel: EmailChannel): Promise<number> {
    let sent = 0;
    const byWorkspace = new Map<string, DispatchRow[]>();
    for (const row of rows) byWorkspace.set(row.workspace_id, [...(byWorkspace.get(row.workspace_id) ?? []), row]);
    for (const [workspaceId, events] of byWorkspace) {
      const [workspace, admins, clientNames] = await Promise.all([
        deps.adapter.workspaces.findById(workspaceId),
        adminsOf(workspaceId),
        clientNamesOf(
          deps.adapter.clients,
          workspaceId,
          events.flatMap((event) => (event.client_id ? [event.client_id] : [])),
        ),
      ]);
      if (!workspace || admins.length === 0) continue;
      const wordsOf = await recipientWords(workspaceId, admins);
      const messages =
        channel === 'immediate'
          ? events.flatMap((event) =>
              admins.map((admin) =>
                immediateEmail({
                  to: admin.email,
                  words: wordsOf(admin),
                  workspace,
                  event,
                  clientNames,
                  listUrl: deps.listUrl,
                  adminUrl: deps.adminUrl,
                }),
              ),
            )
          : admins.map((admin) =>
              digestEmail({
                to: admin.email,
                words: wordsOf(admin),
                workspace,
                events,
                clientNames,
                listUrl: deps.listUrl,
                minutes: digestMs / 60_000,
              }),
            );
      for (const message of messages) {
        try {
          await deps.mailer.send(message);
          sent += 1;
        } catch (err) {
          deps.logger.error(`notification email to ${message.to} failed`, err);
        }
      }
    }
    return sent;
  }

  async function dispatch(channel: EmailChannel): Promise<number> {
    const at = now();
    let total = 0;
    for (;;) {
      const rows = await claim(channel, at);
      if (rows.length === 0) return total;
      total += await send(rows, channel);
      if (channel === 'digest' || rows.length < BATCH) return total;
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let running = Promise.resolve();
  const runBoth = () => {
    running = running
      .then(() =>
        inBackground('notification emails', async () => {
          await dispatch('immediate');
          await dispatch('digest');
        }),
      )
      .catch((err) => deps.logger.error('notification dispatch failed', err));
    return running;
  };

  return {
    rules: NOTIFICATION_RULES,
    /** Sends what is due on both channels (the interval and kick() call this). Answers emails sent. */
    dispatchImmediate: () => dispatch('immediate'),
    dispatchDigest: () => dispatch('digest'),
    runOnce: runBoth,

    /** After an event was committed: dispatch once it has settled, without waiting for the interval. */
    kick() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void runBoth();
      }, settleMs + 50);
      timer.unref();
    },

    unreadCount: (staff: Pick<HostStaffUser, 'id' | 'workspaceId'>) =>
      countUnread(db, { workspaceId: staff.workspaceId, staffUserId: staff.id, events: inApp }),

    list: (staff: Pick<HostStaffUser, 'id' | 'workspaceId'>, page: { limit: number; offset: number }): Promise<NotificationRow[]> =>
      listNotifications(db, { workspaceId: staff.workspaceId, staffUserId: staff.id, events: inApp, ...page }),

    async markAllRead(staff: Pick<HostStaffUser, 'id' | 'workspaceId'>): Promise<void> {
      const newest = await newestNotificationId(db, { workspaceId: staff.workspaceId, events: inApp });
      await markReadUpTo(db, { workspaceId: staff.workspaceId, staffUserId: staff.id, activityId: newest });
    },

    /** Marks one notification of the staff user's own workspace read for them; false when there is no such notification. */
    markRead: (staff: Pick<HostStaffUser, 'id' | 'workspaceId'>, activityId: number): Promise<boolean> =>
      markItemRead(db, { workspaceId: staff.workspaceId, staffUserId: staff.id, activityId, events: inApp }),

    /** Drains any pending dispatch (tests and shutdown). */
    async idle() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      await running;
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
