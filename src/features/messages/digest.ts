// The unread digest: a message nobody on the other side has seen for UNREAD_AFTER_MS gets one
// email per conversation and side (listing every such message), never one per message. Instances
// share the work through the database: each run claims messages with FOR UPDATE SKIP LOCKED and
// marks them emailed in that transaction, so two instances never send the same digest. Recipients
// are worked out before the claim (the host's staff list comes through the adapter, which must not
// be called inside a portal transaction on the embedded database); mail goes out after the commit,
// and a failed send gives the messages back to the next run.
import type { Knex } from 'knex';
import {
  findSettings,
  type HostAdapter,
  isLocale,
  type Mailer,
  type MailMessage,
  type PortalConfig,
  type PortalLinks,
  translator,
} from '../../core/index.ts';
import {
  claimDigestMessages,
  findConversation,
  findDigestCandidates,
  listClientDigestRecipients,
  releaseDigestMessages,
  type DigestCandidate,
} from './queries.ts';

const UNREAD_AFTER_MS = 10 * 60_000;
const CANDIDATES_PER_RUN = 100;

export interface MessageDigestDeps {
  db: Knex;
  adapter: HostAdapter;
  mailer: Mailer;
  config: PortalConfig;
  /** The workspace's portal address in the clients' digests. */
  links: PortalLinks;
  now: () => Date;
  logger: { error(message: string, err?: unknown): void };
}

export interface MessageDigest {
  /** One pass: answers how many emails were sent. */
  run(at?: Date): Promise<number>;
}

export function createMessageDigest(deps: MessageDigestDeps): MessageDigest {
  const { db, adapter, mailer, config } = deps;

  type Recipient = { email: string; locale: string | null; link: string; account: string | null };

  /** Everything that needs the host, asked before the claim; the client users are read after it. */
  async function prepare(candidate: DigestCandidate): Promise<{ from: string; recipients: (upTo: string) => Promise<Recipient[]> } | null> {
    const workspace = await adapter.workspaces.findById(candidate.workspace_id);
    if (!workspace) return null;
    if (candidate.author_side === 'staff') {
      const portal = await deps.links.baseOf(workspace);
      return {
        from: workspace.name,
        recipients: async (upTo) => {
          const settings = await findSettings(db, workspace.id);
          const users = await listClientDigestRecipients(db, workspace.id, candidate.client_id, upTo);
          return users.map((u) => ({
            email: u.email,
            locale: u.locale ?? settings.defaultLocale,
            link: `${portal}/messages`,
            account: `${portal}/account`,
          }));
        },
      };
    }
    // Client messages go to the staff member looking after the conversation, else the workspace's admins.
    const [client, staff, conversation] = await Promise.all([
      adapter.clients.findById(workspace.id, candidate.client_id),
      adapter.staff.list ? adapter.staff.list(workspace.id) : Promise.resolve([]),
      findConversation(db, workspace.id, candidate.client_id),
    ]);
    const assigned = staff.filter((s) => s.id === conversation?.assigned_staff_id);
    const to = assigned.length > 0 ? assigned : staff.filter((s) => s.role === 'admin');
    const link = `${config.appUrl}${config.messagesPath}/${encodeURIComponent(candidate.client_id)}`;
    return { from: client?.name ?? '', recipients: async () => to.map((s) => ({ email: s.email, locale: 'en', link, account: null })) };
  }

  function compose(to: Recipient, from: string, messages: Array<{ author_name: string; body: string }>): MailMessage {
    const t = translator(isLocale(to.locale) ? to.locale : 'en');
    const lines = messages.map((m) => `${m.author_name}: ${m.body.replace(/\s+/g, ' ').slice(0, 200)}`);
    return {
      to: to.email,
      subject: t('messages:emails.subject', { count: messages.length, from }),
      text: [
        t('messages:emails.intro'),
        '',
        ...lines,
        '',
        t('messages:emails.open', { url: to.link }),
        ...(to.account ? ['', t('messages:emails.optOut', { url: to.account })] : []),
      ].join('\n'),
    };
  }

  return {
    async run(at = deps.now()) {
      const cutoff = new Date(at.getTime() - UNREAD_AFTER_MS);
      let sent = 0;
      for (const candidate of await findDigestCandidates(db, cutoff, CANDIDATES_PER_RUN)) {
        const prepared = await prepare(candidate);
        const claimed = await db.transaction((trx) => claimDigestMessages(trx, candidate, cutoff, at));
        if (claimed.length === 0 || !prepared) continue;
        try {
          for (const to of await prepared.recipients(claimed.at(-1)!.id)) {
            await mailer.send(compose(to, prepared.from, claimed));
            sent += 1;
          }
        } catch (err) {
          deps.logger.error('could not send a message digest; it will be tried again', err);
          await releaseDigestMessages(
            db,
            candidate.workspace_id,
            candidate.client_id,
            claimed.map((m) => m.id),
          );
        }
      }
      return sent;
    },
  };
}
