// Client sign-in: one-time codes, passwords, password resets and invitations. Every answer that
// reaches a person is the same for known and unknown emails; the difference is only in the log.
import type { Knex } from 'knex';
import {
  acceptedSessionSecrets,
  activate,
  announceSessionsEnded,
  changePersonAccess,
  type ClientPermission,
  type ClientUserRow,
  codeHashMatches,
  deleteOtherSessions,
  type EventBus,
  findClientUserByContact,
  findClientUserByEmail,
  findClientUserById,
  findSettings,
  generateCode,
  generateToken,
  hashCode,
  hashPassword,
  hashToken,
  type HostAdapter,
  type HostContact,
  type HostStaffUser,
  type HostWorkspace,
  insertActivity,
  insertClientUser,
  isLocale,
  type Locale,
  markInvited,
  mayUsePortal,
  type OutboxMailer,
  type PortalConfig,
  type PortalLinks,
  type RateLimiter,
  recordSignIn,
  type RepeatGuard,
  type RequestMeta,
  type RoleChoice,
  setPassword,
  SIGN_IN_LIMITS,
  updateClientUserEmail,
  verifyDecoy,
  verifyPassword,
  type FirstFactor,
} from '../../../core/index.ts';
import {
  burnLoginCode,
  claimLoginCodeTry,
  consumeLoginCode,
  consumeUserToken,
  findLiveUserToken,
  insertLoginCode,
  insertUserToken,
  voidUserLinks,
  type TokenPurpose,
} from './token-queries.ts';
import { codeEmail, emailLocale, invitationEmail, type InvitedBy, resetEmail } from './emails.ts';

export const CODE_TTL_MINUTES = 10;
const CODE_MAX_ATTEMPTS = 5;
export const RESET_TTL_MINUTES = 60;
export const INVITE_TTL_DAYS = 7;

export type SignInResult =
  | { ok: true; user: ClientUserRow }
  | { ok: false; reason: 'invalid' }
  /** The password was right, but the host asks this login a second factor the portal cannot check. */
  | { ok: false; reason: 'host_sign_in' }
  | { ok: false; reason: 'limited'; retryAfterSeconds: number };

export type RequestResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export type ChangePasswordResult =
  | { ok: true }
  | { ok: false; reason: 'wrong_password' }
  | { ok: false; reason: 'limited'; retryAfterSeconds: number };

/** Stands in for a client user id when an email is unknown, so the same work is done. */
const NOBODY = 'nobody';

/**
 * Who sends an invitation: a staff member (the admin pages), a client admin of the invitee's own
 * company (the team page), or the agency itself, with no person to name (a command line beside a
 * CRM whose staff have no email), whose own address, when it has one, is where a reply goes.
 */
export type Inviter = Pick<HostStaffUser, 'id' | 'name'> | { clientUserId: string; name: string } | { agency: { replyTo: string | null } };

function invitedBy(inviter: Inviter, company: string): InvitedBy {
  if ('agency' in inviter) return { kind: 'agency' };
  if ('clientUserId' in inviter) return { kind: 'colleague', name: inviter.name, company };
  return { kind: 'staff', name: inviter.name };
}

export interface AuthServiceDeps {
  db: Knex;
  adapter: HostAdapter;
  /** The outbox: mail is queued in the request's transaction and sent by the worker. */
  mailer: OutboxMailer;
  config: PortalConfig;
  /** The workspace's portal address in emails (its verified custom domain where it has one). */
  links: PortalLinks;
  limiter: RateLimiter;
  guard: RepeatGuard;
  now: () => Date;
  /** Where ended sessions are announced, so every instance ends their live streams. */
  bus?: EventBus | undefined;
}

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  /** Read before a transaction opens (PortalLinks.baseOf may query). */
  private async portalUrl(workspace: HostWorkspace, path: string, meta?: RequestMeta): Promise<string> {
    // Asked for at the agency's own domain: the link goes back to that address, port and all.
    if (meta?.customOrigin) return `${meta.customOrigin}${path}`;
    return `${await this.deps.links.baseOf(workspace)}${path}`;
  }

  private async log(
    workspace: HostWorkspace,
    event: Parameters<typeof insertActivity>[1]['event'],
    meta: RequestMeta,
    who: { user?: ClientUserRow | null; email?: string | null },
    details: Record<string, unknown> = {},
    db: Knex | Knex.Transaction = this.deps.db,
  ) {
    await insertActivity(db, {
      workspaceId: workspace.id,
      event,
      clientUserId: who.user?.id ?? null,
      clientId: who.user?.client_id ?? null,
      email: who.user?.email ?? who.email ?? null,
      details,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  }

  /** Checks the per-IP and per-email budgets in order; the first refusal wins. */
  private async withinLimits(checks: Array<[Parameters<RateLimiter['consume']>[0], string]>): Promise<RequestResult> {
    for (const [rule, subject] of checks) {
      const result = await this.deps.limiter.consume(rule, subject);
      if (!result.allowed) return { ok: false, retryAfterSeconds: result.retryAfterSeconds };
    }
    return { ok: true };
  }

  /**
   * Checks the per-IP budget, then whether this is a repeat of the same request within a few
   * seconds (a double click: answered as the first was, doing nothing), then the per-email budget.
   */
  private async requestBudget(
    action: string,
    ipRule: Parameters<RateLimiter['consume']>[0],
    emailRule: Parameters<RateLimiter['consume']>[0],
    workspace: HostWorkspace,
    email: string,
    meta: RequestMeta,
  ): Promise<RequestResult | 'repeat'> {
    const perIp = await this.withinLimits([[ipRule, `${workspace.id}:${meta.ip}`]]);
    if (!perIp.ok) return perIp;
    const subject = `${workspace.id}:${email}`;
    const seen = await this.deps.guard.claim(action, subject);
    if (!seen.first) {
      const limitedFor = seen.outcome?.startsWith('limited:') ? Number(seen.outcome.slice('limited:'.length)) : 0;
      return limitedFor > 0 ? { ok: false, retryAfterSeconds: limitedFor } : 'repeat';
    }
    const perEmail = await this.withinLimits([[emailRule, subject]]);
    if (!perEmail.ok) await this.deps.guard.remember(action, subject, `limited:${perEmail.retryAfterSeconds}`);
    return perEmail;
  }

  /**
   * Emails a one-time code. Known and unknown emails run the same statements (for an unknown one
   * they change nothing) and the email is queued, not sent, so the answer takes as long either way.
   */
  /** `locale`: the language of the page the code was asked from, for a client who chose none. */
  async requestCode(workspace: HostWorkspace, email: string, meta: RequestMeta, locale?: Locale): Promise<RequestResult> {
    const budget = await this.requestBudget(
      'code-request',
      SIGN_IN_LIMITS.codeRequestsPerIp,
      SIGN_IN_LIMITS.codeRequestsPerEmail,
      workspace,
      email,
      meta,
    );
    if (budget === 'repeat') return { ok: true };
    if (!budget.ok) return budget;
    return this.forgottenOnFailure('code-request', workspace, email, () => this.issueCode(workspace, email, meta, locale));
  }

  /** A request that failed is forgotten by the repeat guard, so trying again at once does it. */
  private async forgottenOnFailure<T>(action: string, workspace: HostWorkspace, email: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      await this.deps.guard.release(action, `${workspace.id}:${email}`);
      throw err;
    }
  }

  private async issueCode(workspace: HostWorkspace, email: string, meta: RequestMeta, locale?: Locale): Promise<RequestResult> {
    const user = await this.findSignInUser(workspace, email);
    const known = user && mayUsePortal(user.status) ? user : null;
    const code = generateCode();
    const expiresAt = new Date(this.deps.now().getTime() + CODE_TTL_MINUTES * 60_000);
    const codeHash = hashCode(this.deps.config.sessionSecret, known?.id ?? NOBODY, code);
    const mail = codeEmail({
      to: known?.email ?? email,
      workspace,
      code,
      minutes: CODE_TTL_MINUTES,
      signInUrl: await this.portalUrl(workspace, '/sign-in/code', meta),
      locale: emailLocale(known?.locale, locale),
    });
    // The log entry is in the same transaction, so both answers commit one transaction that wrote
    // something (a commit that wrote nothing skips the WAL flush and would answer faster).
    await this.deps.db.transaction(async (trx) => {
      await this.log(workspace, 'sign_in_code.requested', meta, { user, email }, { known: Boolean(known) }, trx);
      await insertLoginCode(trx, workspace.id, known?.id ?? null, codeHash, expiresAt);
      await this.deps.mailer.sendIf(Boolean(known), mail, { trx });
    });
    return { ok: true };
  }

  async signInWithCode(workspace: HostWorkspace, email: string, code: string, meta: RequestMeta): Promise<SignInResult> {
    const limited = await this.withinLimits([[SIGN_IN_LIMITS.codeChecksPerIp, `${workspace.id}:${meta.ip}`]]);
    if (!limited.ok) {
      await this.log(workspace, 'sign_in.locked', meta, { email }, { method: 'code' });
      return { ok: false, reason: 'limited', retryAfterSeconds: limited.retryAfterSeconds };
    }
    const user = await findClientUserByEmail(this.deps.db, workspace.id, email);
    const allowed = user && mayUsePortal(user.status) && (await this.hostLoginAllows(workspace, user));
    // The try is counted before the code is compared (claimLoginCodeTry): past the fifth, no code.
    const live = user && allowed ? await claimLoginCodeTry(this.deps.db, workspace.id, user.id, this.deps.now(), CODE_MAX_ATTEMPTS) : null;
    if (!user || !live) {
      await this.log(
        workspace,
        'sign_in.failed',
        meta,
        { user, email },
        { method: 'code', reason: user ? 'no_live_code' : 'unknown_email' },
      );
      return { ok: false, reason: 'invalid' };
    }
    if (!codeHashMatches(acceptedSessionSecrets(this.deps.config), user.id, code, live.code_hash)) {
      const attempts = Number(live.failed_attempts);
      const burned = attempts >= CODE_MAX_ATTEMPTS;
      if (burned) await burnLoginCode(this.deps.db, workspace.id, live.id);
      await this.log(workspace, 'sign_in.failed', meta, { user }, { method: 'code', reason: 'wrong_code', attempts, burned });
      return { ok: false, reason: 'invalid' };
    }
    if (!(await consumeLoginCode(this.deps.db, workspace.id, live.id))) {
      await this.log(workspace, 'sign_in.failed', meta, { user }, { method: 'code', reason: 'code_already_used' });
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, user };
  }

  async signInWithPassword(workspace: HostWorkspace, email: string, password: string, meta: RequestMeta): Promise<SignInResult> {
    const account = `${workspace.id}:${email}`;
    // The portal's record of the email is read while the attempt is counted (a read that decides
    // nothing on its own): a round trip less before argon2 starts, whose thread would otherwise wait.
    const portalUser = findClientUserByEmail(this.deps.db, workspace.id, email);
    portalUser.catch(() => {}); // awaited below unless the attempt is refused; a failure then surfaces there
    // The attempt is counted before the password is checked, in one atomic upsert: of any number
    // of attempts at once, only the first five reach the check, and a success clears the count.
    // (Counting after a failed check let every attempt in flight pass the lockout.)
    const budget = await this.withinLimits([
      [SIGN_IN_LIMITS.attemptsPerIp, `${workspace.id}:${meta.ip}`],
      [SIGN_IN_LIMITS.passwordFailuresPerAccount, account],
    ]);
    if (!budget.ok) {
      await this.log(workspace, 'sign_in.locked', meta, { email }, { method: 'password' });
      return { ok: false, reason: 'limited', retryAfterSeconds: budget.retryAfterSeconds };
    }
    const { user, valid, hostSignInOnly } = await this.checkPasswordSignIn(workspace, email, password, await portalUser);
    if (hostSignInOnly) {
      await this.log(workspace, 'sign_in.failed', meta, { user, email }, { method: 'password', reason: 'host_second_factor' });
      return { ok: false, reason: 'host_sign_in' };
    }
    if (!user || !valid) {
      await this.log(
        workspace,
        'sign_in.failed',
        meta,
        { user, email },
        { method: 'password', reason: user ? 'wrong_password' : 'unknown_email' },
      );
      return { ok: false, reason: 'invalid' };
    }
    // The right password clears the count even when a second factor is still to come: the second
    // factor has its own budget.
    await this.deps.limiter.reset(SIGN_IN_LIMITS.passwordFailuresPerAccount, account);
    return { ok: true, user };
  }

  /**
   * A sign-in is complete when its session starts: after the second factor where one is asked, so
   * a right password or code followed by a wrong second factor is never logged as a sign-in.
   */
  async signInCompleted(workspace: HostWorkspace, user: ClientUserRow, method: FirstFactor, meta: RequestMeta) {
    // A link's sign-in was recorded with the password it set (password.reset, invitation.accepted).
    if (method === 'link') return;
    await Promise.all([
      recordSignIn(this.deps.db, workspace.id, user.id),
      this.log(workspace, 'sign_in.succeeded', meta, { user }, { method }),
    ]);
  }

  /**
   * Checks an email and password: against the host's own credentials when it keeps them (the
   * client user is then created on first sign-in), otherwise against the portal's argon2id hash.
   */
  private async checkPasswordSignIn(
    workspace: HostWorkspace,
    email: string,
    password: string,
    user: ClientUserRow | null,
  ): Promise<{ user: ClientUserRow | null; valid: boolean; hostSignInOnly?: true }> {
    const credentials = this.deps.adapter.credentials;
    if (credentials) {
      const contact = await credentials.verifyPassword(workspace.id, email, password);
      if (contact === 'host-sign-in-only') return { user, valid: false, hostSignInOnly: true };
      if (!contact) return { user, valid: false };
      const linked = user ?? (await this.linkHostLogin(workspace, contact));
      return { user: linked, valid: linked.contact_id === contact.id && mayUsePortal(linked.status) };
    }
    const valid =
      user?.password_hash && mayUsePortal(user.status) ? await verifyPassword(user.password_hash, password) : await verifyDecoy(password);
    return { user, valid };
  }

  /** The portal's record of a client who already has a login in the host. */
  private async linkHostLogin(workspace: HostWorkspace, contact: HostContact): Promise<ClientUserRow> {
    try {
      return await insertClientUser(this.deps.db, {
        workspaceId: workspace.id,
        clientId: contact.clientId,
        contactId: contact.id,
        email: contact.email,
        status: 'active',
      });
    } catch (err) {
      // Two first sign-ins at once: the other request created it.
      const existing = await findClientUserByContact(this.deps.db, workspace.id, contact.id);
      if (existing) return existing;
      throw err;
    }
  }

  /** The client user an email belongs to, linking a host login on first use when the host keeps logins. */
  private async findSignInUser(workspace: HostWorkspace, email: string): Promise<ClientUserRow | null> {
    const user = await findClientUserByEmail(this.deps.db, workspace.id, email);
    if (!this.deps.adapter.credentials) return user;
    if (user) return (await this.hostLoginAllows(workspace, user)) ? user : null;
    const contact = await this.deps.adapter.credentials.findLogin(workspace.id, email);
    return contact ? this.linkHostLogin(workspace, contact) : null;
  }

  /**
   * When the host keeps client logins, the host decides who may sign in, also after the portal
   * has linked a login: one the host has since switched off or removed gets no code, no reset link
   * and no session from a code or link issued earlier.
   */
  private async hostLoginAllows(workspace: HostWorkspace, user: ClientUserRow): Promise<boolean> {
    const credentials = this.deps.adapter.credentials;
    if (!credentials) return true;
    return (await credentials.findLogin(workspace.id, user.email))?.id === user.contact_id;
  }

  async hasPassword(workspace: HostWorkspace, user: ClientUserRow): Promise<boolean> {
    const credentials = this.deps.adapter.credentials;
    return credentials ? credentials.hasPassword(workspace.id, user.contact_id) : Boolean(user.password_hash);
  }

  private async passwordMatches(workspace: HostWorkspace, user: ClientUserRow, password: string): Promise<boolean> {
    const credentials = this.deps.adapter.credentials;
    if (credentials) {
      const contact = await credentials.verifyPassword(workspace.id, user.email, password);
      return typeof contact === 'object' && contact?.id === user.contact_id;
    }
    return user.password_hash ? verifyPassword(user.password_hash, password) : false;
  }

  /**
   * A host-kept password is written through the adapter, which cannot join the portal's
   * transaction; it is written first, once the request is known to be good, and the portal's own
   * changes (link consumed, sessions ended) follow. A portal-kept password is returned as a hash
   * for the caller to write inside its transaction.
   */
  private async preparePassword(workspace: HostWorkspace, user: ClientUserRow, password: string): Promise<string | null> {
    const credentials = this.deps.adapter.credentials;
    if (!credentials) return hashPassword(password);
    await credentials.setPassword(workspace.id, user.contact_id, password);
    return null;
  }

  /** `locale`: the language of the page the reset was asked from, for a client who chose none. */
  async requestPasswordReset(workspace: HostWorkspace, email: string, meta: RequestMeta, locale?: Locale): Promise<RequestResult> {
    const budget = await this.requestBudget(
      'reset-request',
      SIGN_IN_LIMITS.resetRequestsPerIp,
      SIGN_IN_LIMITS.resetRequestsPerEmail,
      workspace,
      email,
      meta,
    );
    if (budget === 'repeat') return { ok: true };
    if (!budget.ok) return budget;
    return this.forgottenOnFailure('reset-request', workspace, email, () => this.issueReset(workspace, email, meta, locale));
  }

  private async issueReset(workspace: HostWorkspace, email: string, meta: RequestMeta, locale?: Locale): Promise<RequestResult> {
    const user = await this.findSignInUser(workspace, email);
    const known = user && mayUsePortal(user.status) ? user : null;
    // As for codes: the same statements for an unknown email, changing nothing; the mail is queued.
    const token = generateToken();
    const mail = resetEmail({
      to: known?.email ?? email,
      workspace,
      minutes: RESET_TTL_MINUTES,
      url: await this.portalUrl(workspace, `/password/reset/${token}`, meta),
      locale: emailLocale(known?.locale, locale),
    });
    await this.deps.db.transaction(async (trx) => {
      await this.log(workspace, 'password.reset_requested', meta, { user, email }, { known: Boolean(known) }, trx);
      await this.issueToken(trx, workspace.id, known, token, 'reset', RESET_TTL_MINUTES * 60_000);
      await this.deps.mailer.sendIf(Boolean(known), mail, { trx });
    });
    return { ok: true };
  }

  private async issueToken(
    trx: Knex.Transaction,
    workspaceId: string,
    user: ClientUserRow | null,
    token: string,
    purpose: TokenPurpose,
    ttlMs: number,
  ): Promise<void> {
    const expiresAt = new Date(this.deps.now().getTime() + ttlMs);
    await insertUserToken(trx, workspaceId, user?.id ?? null, purpose, hashToken(token), expiresAt);
  }

  /** The client user a reset or invitation link belongs to, if the link still works. */
  async findLinkUser(workspace: HostWorkspace, purpose: TokenPurpose, token: string): Promise<ClientUserRow | null> {
    const row = await findLiveUserToken(this.deps.db, workspace.id, purpose, hashToken(token), this.deps.now());
    if (!row) return null;
    const user = await findClientUserById(this.deps.db, workspace.id, row.client_user_id);
    if (!user || !mayUsePortal(user.status)) return null;
    // An invitation may be how a contact gets a host login in the first place; a reset needs one.
    return purpose === 'invite' || (await this.hostLoginAllows(workspace, user)) ? user : null;
  }

  /**
   * Sets a new password from a reset or invitation link. The token is consumed, the password set
   * and every existing session ended in one transaction: a link works once, and a reset locks out
   * whoever else was signed in.
   */
  async setPasswordFromLink(
    workspace: HostWorkspace,
    purpose: TokenPurpose,
    token: string,
    password: string,
    meta: RequestMeta,
  ): Promise<ClientUserRow | null> {
    const holder = await this.findLinkUser(workspace, purpose, token);
    if (!holder) return null;
    const passwordHash = await this.preparePassword(workspace, holder, password);
    const user = await this.deps.db.transaction(async (trx) => {
      const row = await findLiveUserToken(trx, workspace.id, purpose, hashToken(token), this.deps.now());
      if (!row) return null;
      const owner = await findClientUserById(trx, workspace.id, row.client_user_id);
      if (!owner || !mayUsePortal(owner.status)) return null;
      if (!(await consumeUserToken(trx, workspace.id, row.id))) return null;
      if (passwordHash) await setPassword(trx, workspace.id, owner.id, passwordHash);
      else await activate(trx, workspace.id, owner.id);
      // The other reset and invitation links of this client stop working too.
      await voidUserLinks(trx, workspace.id, owner.id);
      await recordSignIn(trx, workspace.id, owner.id);
      await deleteOtherSessions(trx, workspace.id, owner.id, null);
      return owner;
    });
    if (user) await announceSessionsEnded(this.deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'password-changed' });
    if (user) await this.log(workspace, purpose === 'reset' ? 'password.reset' : 'invitation.accepted', meta, { user });
    return user;
  }

  /**
   * Changes the password after checking the current one. The check is limited like sign-in (and
   * counted before it runs, for the same reason): a stolen session must not become a way to guess
   * the password.
   */
  async changePassword(
    workspace: HostWorkspace,
    user: ClientUserRow,
    current: string,
    next: string,
    keepSidHash: string,
    meta: RequestMeta,
  ): Promise<ChangePasswordResult> {
    const checked = await this.checkCurrentPassword(workspace, user, current, 'password_change', meta);
    if (!checked.ok) return checked;
    await this.replacePassword(workspace, user, next, keepSidHash);
    await this.log(workspace, 'password.changed', meta, { user });
    return { ok: true };
  }

  /**
   * The current password, typed to confirm a change on the account page (a new password, two-factor
   * set-up or removal, a new sign-in email). One budget for all of them, counted before the check.
   */
  async checkCurrentPassword(
    workspace: HostWorkspace,
    user: ClientUserRow,
    current: string,
    purpose: string,
    meta: RequestMeta,
  ): Promise<ChangePasswordResult> {
    const subject = `${workspace.id}:${user.id}`;
    const budget = await this.withinLimits([[SIGN_IN_LIMITS.currentPasswordChecksPerUser, subject]]);
    if (!budget.ok) {
      await this.log(workspace, 'sign_in.locked', meta, { user }, { method: purpose });
      return { ok: false, reason: 'limited', retryAfterSeconds: budget.retryAfterSeconds };
    }
    if (!(await this.passwordMatches(workspace, user, current))) {
      await this.log(workspace, 'sign_in.failed', meta, { user }, { method: purpose, reason: 'wrong_password' });
      return { ok: false, reason: 'wrong_password' };
    }
    await this.deps.limiter.reset(SIGN_IN_LIMITS.currentPasswordChecksPerUser, subject);
    return { ok: true };
  }

  /** A new password ends every other session of the client and voids every link sent before. */
  private async replacePassword(workspace: HostWorkspace, user: ClientUserRow, password: string, keepSidHash: string): Promise<void> {
    const passwordHash = await this.preparePassword(workspace, user, password);
    await this.deps.db.transaction(async (trx) => {
      if (passwordHash) await setPassword(trx, workspace.id, user.id, passwordHash);
      await deleteOtherSessions(trx, workspace.id, user.id, keepSidHash);
      await voidUserLinks(trx, workspace.id, user.id);
    });
    await announceSessionsEnded(this.deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'password-changed' });
  }

  /** A client who so far signed in only with codes chooses a password. */
  async setFirstPassword(
    workspace: HostWorkspace,
    user: ClientUserRow,
    next: string,
    keepSidHash: string,
    meta: RequestMeta,
  ): Promise<ChangePasswordResult> {
    await this.replacePassword(workspace, user, next, keepSidHash);
    await this.log(workspace, 'password.changed', meta, { user }, { first: true });
    return { ok: true };
  }

  /** A right first factor that still does not sign the person in (their company's sign-in rules). */
  async logSignInRefused(workspace: HostWorkspace, user: ClientUserRow, method: string, reason: string, meta: RequestMeta): Promise<void> {
    await this.log(workspace, 'sign_in.failed', meta, { user }, { method, reason });
  }

  /** A passkey sign-in that failed: the person where the passkey named one, the reason always. */
  async logPasskeyFailure(workspace: HostWorkspace, user: ClientUserRow | null, reason: string, meta: RequestMeta): Promise<void> {
    await this.log(workspace, 'sign_in.failed', meta, { user }, { method: 'passkey', reason });
  }

  async logSignOut(workspace: HostWorkspace, user: ClientUserRow, meta: RequestMeta): Promise<void> {
    await this.log(workspace, 'sign_out', meta, { user });
  }

  /**
   * Invites a host contact (or sends the invitation again). The client user is created on first
   * invite, linked to the contact; its sign-in email follows the contact's current email. The email
   * names who invited them: a staff member at the agency, a client admin at the contact's own
   * company (the team page), or the agency itself. With `role`, the person gets that role in the
   * same transaction (a new client user otherwise gets client_users.role's default).
   */
  async invite(
    workspace: HostWorkspace,
    contactId: string,
    inviter: Inviter,
    meta: RequestMeta,
    options: { role?: RoleChoice } = {},
  ): Promise<ClientUserRow | null> {
    const contact = await this.deps.adapter.contacts.findById(workspace.id, contactId);
    if (!contact) return null;
    const email = contact.email.trim().toLowerCase();
    const token = generateToken();
    // Written in the client's own language if they chose one before, else the workspace's.
    const workspaceLocale = (await findSettings(this.deps.db, workspace.id)).defaultLocale;
    const invitationUrl = await this.portalUrl(workspace, `/invitation/${token}`);
    // The client user, the link and the queued email are one transaction: no link without its email.
    const user = await this.deps.db.transaction(async (trx) => {
      const existing = await findClientUserByContact(trx, workspace.id, contact.id);
      let invited: ClientUserRow;
      if (existing) {
        if (existing.email !== email) await updateClientUserEmail(trx, workspace.id, existing.id, email);
        await markInvited(trx, workspace.id, existing.id);
        invited = { ...existing, email };
      } else {
        invited = await insertClientUser(trx, {
          workspaceId: workspace.id,
          clientId: contact.clientId,
          contactId: contact.id,
          email,
          status: 'invited',
        });
      }
      if (options.role) {
        await changePersonAccess(
          trx,
          workspace.id,
          invited,
          { ...options.role, denied: invited.denied_permissions as ClientPermission[] },
          null,
        );
        invited = { ...invited, role: options.role.role, client_role_id: options.role.clientRoleId };
      }
      await this.issueToken(trx, workspace.id, invited, token, 'invite', INVITE_TTL_DAYS * 24 * 60 * 60_000);
      await this.deps.mailer.send(
        invitationEmail({
          to: email,
          workspace,
          contactName: contact.name,
          invitedBy: invitedBy(inviter, contact.clientName),
          replyTo: 'agency' in inviter ? inviter.agency.replyTo : null,
          days: INVITE_TTL_DAYS,
          url: invitationUrl,
          locale: emailLocale(invited.locale, isLocale(workspaceLocale) ? workspaceLocale : null),
        }),
        { trx },
      );
      return invited;
    });
    await this.log(
      workspace,
      'invitation.sent',
      meta,
      { user },
      'clientUserId' in inviter
        ? { invitedByClientUserId: inviter.clientUserId }
        : 'agency' in inviter
          ? { byAgency: true }
          : { staffId: inviter.id },
    );
    return user;
  }
}

declare module '../../../core/sessions/session-data.ts' {
  interface FirstFactors {
    password: true;
    code: true;
    /** A link from an email that set a password (a reset, an invitation). */
    link: true;
    passkey: true;
  }
}
