// Changing a client's sign-in email. A code goes to the new address; typing it proves the client
// reads that mailbox. Then, in one transaction: the portal's client user, the host contact (through
// the adapter's optional contacts.updateEmail, in the same transaction), every other session ended,
// earlier links and codes voided, and a notice queued to the old address.
import type { Knex } from 'knex';
import {
  announceSessionsEnded,
  type ClientUserRow,
  deleteOtherSessions,
  type EventBus,
  findClientUserByEmail,
  type HostAdapter,
  type HostContact,
  type HostWorkspace,
  insertClientActivity,
  type LimitRule,
  type MailMessage,
  type OutboxMailer,
  type RateLimiter,
  type RequestMeta,
  updateClientUserEmail,
} from '../../../core/index.ts';
import { voidUserLinks } from '../sign-in/token-queries.ts';
import { findPendingEmailChange, voidConfirmationCodes } from '../two-factor/queries.ts';
import type { TwoFactorService } from '../two-factor/service.ts';

const EMAIL_CHANGE_LIMITS = {
  /**
   * New addresses asked for, per client user, whatever the answer: the form is also a way to ask
   * whether an address has a portal account, so it is counted before anything is looked up.
   */
  requestsPerUser: { name: 'email-change:user', points: 3, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
} satisfies Record<string, LimitRule>;

export type RequestChangeResult =
  | { ok: true }
  | { ok: false; reason: 'unsupported' | 'same' }
  | { ok: false; reason: 'limited'; retryAfterSeconds: number };

export type ConfirmChangeResult =
  | { ok: true; oldEmail: string; newEmail: string; contact: HostContact; sessionsEnded: number }
  | { ok: false; reason: 'unsupported' | 'invalid' | 'taken' | 'contact_gone' };

const UNIQUE_VIOLATION = '23505';

class Refused extends Error {
  constructor(readonly reason: 'taken' | 'contact_gone') {
    super(reason);
  }
}

export class EmailChangeService {
  constructor(
    private readonly deps: {
      db: Knex;
      adapter: HostAdapter;
      twoFactor: TwoFactorService;
      mailer: OutboxMailer;
      limiter: RateLimiter;
      bus?: EventBus;
    },
  ) {}

  /** Whether the host lets the portal change a contact's email at all. */
  get supported(): boolean {
    return typeof this.deps.adapter.contacts.updateEmail === 'function';
  }

  private async takenByAnother(
    db: Knex | Knex.Transaction,
    workspace: HostWorkspace,
    user: ClientUserRow,
    email: string,
  ): Promise<boolean> {
    const other = await findClientUserByEmail(db, workspace.id, email);
    return Boolean(other && other.id !== user.id);
  }

  /**
   * Emails a code to the new address. An address another client user signs in with is answered the
   * same (the same statements, a code stored, the same page next) but is sent nothing: the code is
   * never delivered, so confirming fails like a wrong code, and the form tells no one which
   * addresses have accounts. The request is rate-limited first, per client user.
   */
  async request(
    workspace: HostWorkspace,
    user: ClientUserRow,
    newEmail: string,
    mail: (code: string, minutes: number) => MailMessage,
    meta: RequestMeta,
  ): Promise<RequestChangeResult> {
    if (!this.supported) return { ok: false, reason: 'unsupported' };
    const budget = await this.deps.limiter.consume(EMAIL_CHANGE_LIMITS.requestsPerUser, `${workspace.id}:${user.id}`);
    if (!budget.allowed) return { ok: false, reason: 'limited', retryAfterSeconds: budget.retryAfterSeconds };
    if (newEmail === user.email) return { ok: false, reason: 'same' };
    const taken = await this.takenByAnother(this.deps.db, workspace, user, newEmail);
    const sent = await this.deps.twoFactor.sendConfirmationCode(workspace, user, 'email-change', newEmail, mail, { deliver: !taken });
    if (!sent.ok) return { ok: false, reason: 'limited', retryAfterSeconds: sent.retryAfterSeconds };
    await insertClientActivity(this.deps.db, { workspace, user, meta }, 'email.change_requested', {
      to: newEmail,
      ...(taken ? { taken: true } : {}),
    });
    return { ok: true };
  }

  /** The new address waiting for its code, as the database has it (the code's own row). */
  pendingAddress(workspace: HostWorkspace, user: ClientUserRow): Promise<string | null> {
    return findPendingEmailChange(this.deps.db, workspace.id, user.id, new Date());
  }

  async confirm(
    workspace: HostWorkspace,
    user: ClientUserRow,
    code: string,
    keepSidHash: string,
    notice: (oldEmail: string, newEmail: string) => MailMessage,
    meta: RequestMeta,
  ): Promise<ConfirmChangeResult> {
    const updateEmail = this.deps.adapter.contacts.updateEmail?.bind(this.deps.adapter.contacts);
    if (!updateEmail) return { ok: false, reason: 'unsupported' };
    const used = await this.deps.twoFactor.useConfirmationCode(workspace, user, 'email-change', code);
    if (!used.ok || !used.newEmail) return { ok: false, reason: 'invalid' };
    const newEmail = used.newEmail;
    try {
      const changed = await this.deps.db.transaction(async (trx) => {
        if (await this.takenByAnother(trx, workspace, user, newEmail)) throw new Refused('taken');
        await updateClientUserEmail(trx, workspace.id, user.id, newEmail);
        const contact = await updateEmail(workspace.id, user.contact_id, newEmail, { trx });
        if (!contact) throw new Refused('contact_gone');
        const sessionsEnded = await deleteOtherSessions(trx, workspace.id, user.id, keepSidHash);
        await voidUserLinks(trx, workspace.id, user.id);
        await voidConfirmationCodes(trx, workspace.id, user.id);
        await this.deps.mailer.send(notice(user.email, newEmail), { trx });
        await insertClientActivity(trx, { workspace, user: { ...user, email: newEmail }, meta }, 'email.changed', {
          from: user.email,
          sessionsEnded,
        });
        return { ok: true as const, oldEmail: user.email, newEmail, contact, sessionsEnded };
      });
      // After the commit: the other sessions' live streams end on every instance.
      await announceSessionsEnded(this.deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'email-changed' });
      return changed;
    } catch (err) {
      if (err instanceof Refused) return { ok: false, reason: err.reason };
      // Two clients confirming the same address at once: the unique index decides.
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return { ok: false, reason: 'taken' };
      throw err;
    }
  }
}
