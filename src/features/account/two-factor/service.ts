// Client two-factor authentication with a TOTP authenticator app, and the emailed confirmation codes
// a signed-in client types to prove it is them. What is kept, and how:
// - the TOTP secret: encrypted (secret-box.ts), since it must be read back to check a code;
// - ten recovery codes: HMAC under the portal secret, like one-time sign-in codes; shown once;
// - the newest 30-second step a code was accepted for: a code is accepted once (no replay);
// - every check is counted before it runs, per client user, like the other guessable secrets.
import type { Knex } from 'knex';
import { Secret, TOTP } from 'otpauth';
import { randomBytes } from 'node:crypto';
import {
  acceptedSessionSecrets,
  type ClientUserRow,
  codeHashMatches,
  createSecretBox,
  generateCode,
  hashCode,
  type HostWorkspace,
  type LimitRule,
  type OutboxMailer,
  type PortalConfig,
  type RateLimiter,
  type SecretBox,
} from '../../../core/index.ts';
import {
  claimTotpStep,
  consumeConfirmationCode,
  countUnusedRecoveryCodes,
  deleteTwoFactor,
  enableTwoFactor,
  burnConfirmationCode,
  claimConfirmationTry,
  findTwoFactor,
  insertConfirmationCode,
  isTwoFactorEnabled,
  replaceRecoveryCodes,
  resealTwoFactorSecret,
  useRecoveryCode,
  type ConfirmationPurpose,
} from './queries.ts';

const MINUTE = 60;

const TWO_FACTOR_LIMITS = {
  /** Second-factor codes at sign-in and when confirming set-up: five tries, like a sign-in code. */
  checksPerUser: { name: 'two-factor:user', points: 5, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  /** Confirmation codes emailed to a signed-in client. */
  confirmationRequestsPerUser: { name: 'confirm-code:user', points: 3, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
} satisfies Record<string, LimitRule>;

const RECOVERY_CODE_COUNT = 10;
const CONFIRMATION_TTL_MINUTES = 10;
const CONFIRMATION_MAX_ATTEMPTS = 5;
const PERIOD_SECONDS = 30;

export type CheckResult =
  | { ok: true; via: 'totp' | 'recovery' }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'limited'; retryAfterSeconds: number };

export interface SetupView {
  /** Base32, grouped in fours for typing into an app by hand. */
  secretGroups: string;
  uri: string;
  /** The QR code as the parts of an SVG the view draws itself (no markup from a library is inserted). */
  qr: { viewBox: string; background: string; modules: string };
  /** True when this call made the secret (set-up started now). */
  started: boolean;
  /** The secret sealed (secret-box.ts), for the caller to keep with the session that started the set-up. */
  sealed: string;
}

/** Recovery codes as people read them: ten lower-case letters and digits, in two groups. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function generateRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface TwoFactorServiceDeps {
  db: Knex;
  config: PortalConfig;
  limiter: RateLimiter;
  mailer: OutboxMailer;
  now: () => Date;
}

export class TwoFactorService {
  private readonly box: SecretBox;

  constructor(private readonly deps: TwoFactorServiceDeps) {
    this.box = createSecretBox(deps.config.sessionSecret, deps.config.previousSessionSecrets);
  }

  /** How many recovery codes a set holds (the status page says so before making new ones). */
  readonly recoveryCodeCount = RECOVERY_CODE_COUNT;

  isEnabled(workspace: HostWorkspace, user: ClientUserRow): Promise<boolean> {
    return isTwoFactorEnabled(this.deps.db, workspace.id, user.id);
  }

  async status(workspace: HostWorkspace, user: ClientUserRow): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    const row = await findTwoFactor(this.deps.db, workspace.id, user.id);
    const enabled = Boolean(row?.enabled_at);
    return { enabled, recoveryCodesLeft: enabled ? await countUnusedRecoveryCodes(this.deps.db, workspace.id, user.id) : 0 };
  }

  private totp(workspace: HostWorkspace, user: ClientUserRow, secretBase32: string): TOTP {
    return new TOTP({
      issuer: workspace.name,
      label: user.email,
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD_SECONDS,
      secret: Secret.fromBase32(secretBase32),
    });
  }

  /**
   * The authenticator being set up: the secret this session already started (`held`, sealed), or a
   * new one. Nothing is stored until the set-up is confirmed: the caller keeps the sealed secret in
   * the session that started it, so another session (another tab, someone else holding a stolen
   * session) gets a secret of its own, and ending a session ends its set-up.
   */
  async setup(workspace: HostWorkspace, user: ClientUserRow, held: string | null): Promise<SetupView | null> {
    if (await isTwoFactorEnabled(this.deps.db, workspace.id, user.id)) return null;
    const opened = held ? this.box.open(held, user.id) : null;
    const secret = opened?.plain ?? new Secret({ size: 20 }).base32;
    // Sealed again only when new, or sealed under a retired session secret: an unchanged session is not written again.
    const sealed = opened && !opened.stale ? held! : this.box.seal(secret, user.id);
    const uri = this.totp(workspace, user, secret).toString();
    return { secretGroups: secret.match(/.{1,4}/g)!.join(' '), uri, qr: await qrParts(uri), started: !opened, sealed };
  }

  /** Counts one check for this client user before it runs; the first refusal wins. */
  private async budget(user: ClientUserRow, rule: LimitRule): Promise<CheckResult | null> {
    const result = await this.deps.limiter.consume(rule, `${user.workspace_id}:${user.id}`);
    return result.allowed ? null : { ok: false, reason: 'limited', retryAfterSeconds: result.retryAfterSeconds };
  }

  /**
   * The 30-second step a code belongs to, if it is right for now (one step of clock drift allowed),
   * and whether the secret was sealed under a previous session secret.
   */
  private matchingStep(
    workspace: HostWorkspace,
    user: ClientUserRow,
    secretCiphertext: string,
    code: string,
  ): { step: number; stale: boolean; secret: string } | null {
    const opened = this.box.open(secretCiphertext, user.id);
    if (!opened || !/^\d{6}$/.test(code)) return null;
    const timestamp = this.deps.now().getTime();
    const delta = this.totp(workspace, user, opened.plain).validate({ token: code, timestamp, window: 1 });
    return delta === null
      ? null
      : { step: Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta, stale: opened.stale, secret: opened.plain };
  }

  /**
   * Confirms set-up with a code from the app and returns the recovery codes, to be shown once.
   * Switching on and storing the codes is one transaction.
   */
  async confirmSetup(
    workspace: HostWorkspace,
    user: ClientUserRow,
    code: string,
    held: string | null,
  ): Promise<{ ok: true; recoveryCodes: string[] } | Exclude<CheckResult, { ok: true }>> {
    const limited = await this.budget(user, TWO_FACTOR_LIMITS.checksPerUser);
    if (limited && !limited.ok) return limited as Exclude<CheckResult, { ok: true }>;
    const match = held ? this.matchingStep(workspace, user, held, code) : null;
    if (match === null) return { ok: false, reason: 'invalid' };
    const step = match.step;
    const sealed = match.stale ? this.box.seal(match.secret, user.id) : held!;
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    const enabled = await this.deps.db.transaction(async (trx) => {
      if (!(await enableTwoFactor(trx, workspace.id, user.id, sealed, step))) return false;
      await replaceRecoveryCodes(
        trx,
        workspace.id,
        user.id,
        recoveryCodes.map((c) => this.recoveryHash(user, c)),
      );
      return true;
    });
    if (!enabled) return { ok: false, reason: 'invalid' };
    await this.deps.limiter.reset(TWO_FACTOR_LIMITS.checksPerUser, `${user.workspace_id}:${user.id}`);
    return { ok: true, recoveryCodes };
  }

  /**
   * A new set of recovery codes in place of the earlier ones (used or not), for a client whose
   * two-factor is on; null when it is off. Replacing the codes and `record` (the activity entry) are
   * one transaction, so the log never says codes were made that were not stored, or the reverse.
   */
  async renewRecoveryCodes(
    workspace: HostWorkspace,
    user: ClientUserRow,
    record: (trx: Knex.Transaction) => Promise<void>,
  ): Promise<string[] | null> {
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    return this.deps.db.transaction(async (trx) => {
      const row = await findTwoFactor(trx, workspace.id, user.id);
      if (!row?.enabled_at) return null;
      await replaceRecoveryCodes(
        trx,
        workspace.id,
        user.id,
        recoveryCodes.map((c) => this.recoveryHash(user, c)),
      );
      await record(trx);
      return recoveryCodes;
    });
  }

  /** The code's hash under the current session secret, then under each previous one. */
  private recoveryHashes(user: ClientUserRow, code: string): string[] {
    return acceptedSessionSecrets(this.deps.config).map((secret) => hashCode(secret, user.id, `recovery:${normalizeRecovery(code)}`));
  }

  private recoveryHash(user: ClientUserRow, code: string): string {
    return this.recoveryHashes(user, code)[0]!;
  }

  /** The second factor at sign-in: a code from the app (once per step) or an unused recovery code. */
  async check(workspace: HostWorkspace, user: ClientUserRow, input: string): Promise<CheckResult> {
    const limited = await this.budget(user, TWO_FACTOR_LIMITS.checksPerUser);
    if (limited) return limited;
    const code = input.replace(/\s+/g, '');
    const row = await findTwoFactor(this.deps.db, workspace.id, user.id);
    if (!row?.enabled_at) return { ok: false, reason: 'invalid' };
    let via: 'totp' | 'recovery' | null = null;
    if (/^\d{6}$/.test(code)) {
      const match = this.matchingStep(workspace, user, row.secret_ciphertext, code);
      if (match !== null && (await claimTotpStep(this.deps.db, workspace.id, user.id, match.step))) {
        via = 'totp';
        // Sealed under a previous session secret: sealed again under the current one, now that it
        // is known to be right, so the previous secret can be retired.
        if (match.stale)
          await resealTwoFactorSecret(this.deps.db, workspace.id, user.id, row.secret_ciphertext, this.box.seal(match.secret, user.id));
      }
    } else if (normalizeRecovery(code).length === 10) {
      // Codes hashed under a previous session secret still count (one more look-up per previous secret, only on a miss).
      for (const hash of this.recoveryHashes(user, code)) {
        if (await useRecoveryCode(this.deps.db, workspace.id, user.id, hash)) {
          via = 'recovery';
          break;
        }
      }
    }
    if (!via) return { ok: false, reason: 'invalid' };
    await this.deps.limiter.reset(TWO_FACTOR_LIMITS.checksPerUser, `${user.workspace_id}:${user.id}`);
    return { ok: true, via };
  }

  /** Removes the authenticator and its recovery codes (the client's choice, or the agency's reset). */
  async remove(db: Knex | Knex.Transaction, workspace: HostWorkspace, user: ClientUserRow): Promise<boolean> {
    return (await deleteTwoFactor(db, workspace.id, user.id)) > 0;
  }

  /**
   * Emails a 6-digit code that confirms a change: to the client's own address (proving it is them
   * when they have no password) or to a new sign-in address. `mail` builds the message.
   */
  async sendConfirmationCode(
    workspace: HostWorkspace,
    user: ClientUserRow,
    purpose: ConfirmationPurpose,
    newEmail: string | null,
    mail: (code: string, minutes: number) => Parameters<OutboxMailer['send']>[0],
    /** `deliver: false` does the same work but sends nothing (an address that must not learn it was asked for). */
    options: { deliver?: boolean } = {},
  ): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const result = await this.deps.limiter.consume(TWO_FACTOR_LIMITS.confirmationRequestsPerUser, `${workspace.id}:${user.id}`);
    if (!result.allowed) return { ok: false, retryAfterSeconds: result.retryAfterSeconds };
    const code = generateCode();
    const expiresAt = new Date(this.deps.now().getTime() + CONFIRMATION_TTL_MINUTES * 60_000);
    await this.deps.db.transaction(async (trx) => {
      await insertConfirmationCode(trx, {
        workspaceId: workspace.id,
        clientUserId: user.id,
        purpose,
        newEmail,
        codeHash: hashCode(this.deps.config.sessionSecret, user.id, this.confirmationInput(purpose, newEmail, code)),
        expiresAt,
      });
      await this.deps.mailer.sendIf(options.deliver ?? true, mail(code, CONFIRMATION_TTL_MINUTES), { trx });
    });
    return { ok: true };
  }

  /** What a confirmation code is hashed from: the code bound to its purpose and the address it confirms. */
  private confirmationInput(purpose: ConfirmationPurpose, newEmail: string | null, code: string): string {
    return `${purpose}:${newEmail ?? ''}:${code}`;
  }

  /**
   * Checks and uses an emailed confirmation code; the try is counted before the code is compared,
   * so five tries in all, however many arrive at once. Returns the address it confirms.
   */
  async useConfirmationCode(
    workspace: HostWorkspace,
    user: ClientUserRow,
    purpose: ConfirmationPurpose,
    code: string,
  ): Promise<{ ok: true; newEmail: string | null } | { ok: false }> {
    const live = await claimConfirmationTry(this.deps.db, workspace.id, user.id, purpose, this.deps.now(), CONFIRMATION_MAX_ATTEMPTS);
    if (!live) return { ok: false };
    if (
      !codeHashMatches(
        acceptedSessionSecrets(this.deps.config),
        user.id,
        this.confirmationInput(purpose, live.new_email, code),
        live.code_hash,
      )
    ) {
      if (Number(live.attempts) >= CONFIRMATION_MAX_ATTEMPTS) await burnConfirmationCode(this.deps.db, workspace.id, live.id);
      return { ok: false };
    }
    if (!(await consumeConfirmationCode(this.deps.db, workspace.id, live.id))) return { ok: false };
    return { ok: true, newEmail: live.new_email };
  }
}

/**
 * Renders the QR code with the qrcode package and keeps only what the view needs: the viewBox and
 * the two path outlines, checked against a strict pattern, so the page never includes markup it did
 * not write (and no inline style, which the CSP would refuse).
 */
async function qrParts(text: string): Promise<SetupView['qr']> {
  // Loaded here: only setting up a second factor draws one.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  const viewBox = /viewBox="([0-9 ]+)"/.exec(svg)?.[1];
  const paths = [...svg.matchAll(/<path (?:fill|stroke)="#[0-9a-f]{6}" d="([MmHhVvZz0-9. -]+)"/g)].map((m) => m[1]!);
  if (!viewBox || paths.length !== 2) throw new Error('unexpected QR code SVG from the qrcode package');
  return { viewBox, background: paths[0]!, modules: paths[1]! };
}
