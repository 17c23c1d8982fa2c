// The mail outbox: every email the portal sends is a row in portal_mail_outbox, written in the
// request's transaction, and delivered by a worker that runs in each app instance. A request
// therefore never waits on SMTP, and a message is not lost when SMTP is down (it is retried with
// exponential backoff) or when the process dies mid-send (its lease runs out and another worker,
// or this one after a restart, sends it). Claims use FOR UPDATE SKIP LOCKED, so with several
// instances each message goes to one worker.
//
// Delivery is at least once in one case only: a worker that sent a message but died before
// recording it. The lease is far longer than a send may take, so a slow send is never repeated.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { PortalLogger } from '../ops/logging.ts';
import type { Mailer, MailMessage, MailSendOptions } from '../ports/services.ts';
import { claimDueMessages, deleteFinishedMessages, insertOutboxMessage, markMessageFailed, markMessageSent } from './outbox-queries.ts';
import { inBackground } from '../ops/background.ts';

export interface MailOutboxOptions {
  db: Knex;
  /** Where messages finally go: the host's SMTP mailer or the development outbox. */
  transport: Mailer;
  /** Keys the encryption of queued messages (they carry codes and links). */
  secret: string;
  now: () => Date;
  logger: PortalLogger;
  /** How often each instance looks for due messages besides being woken by a commit. */
  pollIntervalMs?: number;
  /** How long a claimed message is held; must exceed the send timeout. */
  leaseMs?: number;
  /** First retry delay; doubles with each failed attempt, up to maxRetryDelayMs. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  maxAttempts?: number;
  sendTimeoutMs?: number;
  batchSize?: number;
  /** Whether the portal's migrations have run (src/core/db/migration-state.ts); passes before that send nothing. */
  ready?: () => Promise<boolean>;
  /** Deliver soon after a message is queued (default); off only where a test drives every pass. */
  wakeOnSend?: boolean;
  /**
   * How long after the commit delivery starts. Not at once: delivering while the request that
   * queued the message is still being answered would slow that answer, and a slower answer for a
   * known email is what the outbox is there to prevent.
   */
  wakeDelayMs?: number;
}

const DEFAULTS = {
  pollIntervalMs: 5_000,
  leaseMs: 5 * 60_000,
  retryBaseMs: 10_000,
  maxRetryDelayMs: 60 * 60_000,
  maxAttempts: 12,
  sendTimeoutMs: 60_000,
  batchSize: 20,
  wakeOnSend: true,
  wakeDelayMs: 100,
};

const KEEP_FINISHED_MS = 7 * 24 * 60 * 60_000;

/** The delay before attempt `attempts + 1`: base, 2 × base, 4 × base, ... capped. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

function sealer(secret: string) {
  const key = createHash('sha256').update(`portal-mail-outbox:${secret}`).digest();
  return {
    seal(message: MailMessage): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([
        cipher.update(
          JSON.stringify({
            subject: message.subject,
            text: message.text,
            html: message.html ?? null,
            replyTo: message.replyTo ?? null,
            calendar: message.calendar ?? null,
          }),
          'utf8',
        ),
        cipher.final(),
      ]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(recipient: string, payload: string): MailMessage {
      const raw = Buffer.from(payload, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const json = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as {
        subject: string;
        text: string;
        html: string | null;
        replyTo?: string | null;
        calendar?: MailMessage['calendar'] | null;
      };
      return {
        to: recipient,
        subject: json.subject,
        text: json.text,
        ...(json.html ? { html: json.html } : {}),
        ...(json.replyTo ? { replyTo: json.replyTo } : {}),
        ...(json.calendar ? { calendar: json.calendar } : {}),
      };
    },
  };
}

/** The Mailer the portal's features use: it queues, the worker sends. */
export interface OutboxMailer extends Mailer {
  /**
   * Queues the message only when `deliver` is true, doing the same database work either way, for
   * answers that must take as long for an unknown email as for a known one.
   */
  sendIf(deliver: boolean, message: MailMessage, options?: MailSendOptions): Promise<void>;
}

export class MailOutbox {
  readonly mailer: OutboxMailer;
  private readonly options: typeof DEFAULTS & MailOutboxOptions;
  private readonly sealed: ReturnType<typeof sealer>;
  private tail: Promise<unknown> = Promise.resolve();
  private queued: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(options: MailOutboxOptions) {
    this.options = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS &
      MailOutboxOptions;
    this.sealed = sealer(options.secret);
    const enqueue = async (deliver: boolean, message: MailMessage, sendOptions?: MailSendOptions) => {
      const db = sendOptions?.trx ?? this.options.db;
      await insertOutboxMessage(db, {
        recipient: message.to,
        payload: this.sealed.seal(message),
        now: this.options.now().getTime(),
        deliver,
      });
      if (!deliver || !this.options.wakeOnSend) return;
      // Woken once the row is visible to the worker's connection (after the commit), and once the
      // request has had time to answer.
      const wakeLater = () => setTimeout(() => this.wake(), this.options.wakeDelayMs).unref();
      if (sendOptions?.trx) sendOptions.trx.executionPromise.then(wakeLater, () => {});
      else wakeLater();
    };
    this.mailer = {
      send: (message, sendOptions) => enqueue(true, message, sendOptions),
      sendIf: enqueue,
    };
  }

  /**
   * Starts polling. The instance starts it before it migrates, and migrations may take longer than
   * an interval (on Citus, distributing the tables takes many): until `ready` says they have run, a
   * pass sends nothing and reads no table.
   */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Stops polling and waits for a send in progress to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail.catch(() => {});
  }

  private wake(): void {
    if (this.stopped) return;
    this.drain().catch((err) => {
      // The portal's migrations rolled back: no table, nothing to send.
      if ((err as { code?: string }).code === '42P01') return;
      this.options.logger.error('mail outbox: delivery pass failed', err);
    });
  }

  /**
   * Sends every message that is due now, and resolves with how many were delivered. Passes run
   * one after another in an instance; a call made while one runs gets the next pass, so it sees
   * messages queued after the running pass began. Tests call it to deliver without waiting.
   */
  drain(): Promise<number> {
    if (this.queued) return this.queued;
    const pass = this.tail.then(() => {
      this.queued = null;
      return inBackground('mail outbox', () => this.deliverDue());
    });
    this.queued = pass;
    this.tail = pass.catch(() => {});
    return pass;
  }

  private async deliverDue(): Promise<number> {
    const { db, batchSize, leaseMs } = this.options;
    if (this.options.ready && !(await this.options.ready())) return 0;
    let delivered = 0;
    for (;;) {
      const now = this.options.now().getTime();
      const batch = await claimDueMessages(db, now, now + leaseMs, batchSize);
      if (batch.length === 0) return delivered;
      for (const claimed of batch) if (await this.deliver(claimed)) delivered += 1;
    }
  }

  private async deliver(claimed: { id: number; recipient: string; payload: string; attempts: number }): Promise<boolean> {
    const { db, transport, sendTimeoutMs, retryBaseMs, maxRetryDelayMs, maxAttempts } = this.options;
    try {
      const message = this.sealed.open(claimed.recipient, claimed.payload);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        transport.send(message),
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer from the mail server within ${sendTimeoutMs} ms`)), sendTimeoutMs);
        }),
      ]).finally(() => clearTimeout(timeout));
      await markMessageSent(db, claimed.id, this.options.now().getTime());
      return true;
    } catch (err) {
      const now = this.options.now().getTime();
      const giveUp = claimed.attempts >= maxAttempts;
      const error = err instanceof Error ? err.message : String(err);
      await markMessageFailed(db, claimed.id, {
        error,
        retryAt: now + retryDelayMs(claimed.attempts, retryBaseMs, maxRetryDelayMs),
        giveUp,
        now,
      });
      this.options.logger.error(
        `mail outbox: sending message ${claimed.id} failed (attempt ${claimed.attempts}${giveUp ? ', giving up' : ', will retry'})`,
        err,
      );
      return false;
    }
  }

  /** Drops delivered and abandoned messages after a week. */
  async housekeeping(): Promise<number> {
    return deleteFinishedMessages(this.options.db, this.options.now().getTime() - KEEP_FINISHED_MS);
  }
}
