// Rate limits and lockouts that hold across app instances, because the counters live in
// PostgreSQL. A limit allows `points` events per `windowSeconds`; once exceeded, the key is
// blocked for `blockSeconds` and the caller learns how long to wait.
import type { Knex } from 'knex';
import { deleteCounter, extendCounter, incrementCounter, readCounter } from './queries.ts';

export interface LimitRule {
  name: string;
  points: number;
  windowSeconds: number;
  blockSeconds: number;
}

export type LimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
    /** The counters' table: the portal's, or a host's own table of the same shape. */
    private readonly table = 'portal_rate_limits',
  ) {}

  private key(rule: LimitRule, subject: string): string {
    return `${rule.name}:${subject}`.slice(0, 255);
  }

  /** Counts one event; refuses it once the rule's budget is spent. */
  async consume(rule: LimitRule, subject: string): Promise<LimitResult> {
    const now = this.now();
    const key = this.key(rule, subject);
    const counter = await incrementCounter(this.db, key, rule.windowSeconds * 1000, now, this.table);
    if (counter.points <= rule.points) return { allowed: true };
    if (counter.points === rule.points + 1) {
      const blockedUntil = now + rule.blockSeconds * 1000;
      await extendCounter(this.db, key, Math.max(blockedUntil, counter.expire), this.table);
      return { allowed: false, retryAfterSeconds: Math.ceil((Math.max(blockedUntil, counter.expire) - now) / 1000) };
    }
    return { allowed: false, retryAfterSeconds: Math.ceil((counter.expire - now) / 1000) };
  }

  /** Looks without counting: for lockouts that only failures feed. */
  async check(rule: LimitRule, subject: string): Promise<LimitResult> {
    const now = this.now();
    const counter = await readCounter(this.db, this.key(rule, subject), now, this.table);
    if (!counter || counter.points < rule.points) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((counter.expire - now) / 1000) };
  }

  async reset(rule: LimitRule, subject: string): Promise<void> {
    await deleteCounter(this.db, this.key(rule, subject), this.table);
  }
}

const MINUTE = 60;

/** The limits on sign-in. Per IP they stop sprays; per email they stop guessing one account. */
export const SIGN_IN_LIMITS = {
  attemptsPerIp: { name: 'sign-in:ip', points: 30, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  passwordFailuresPerAccount: { name: 'password-fail:account', points: 5, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  codeRequestsPerEmail: { name: 'code:email', points: 3, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  codeRequestsPerIp: { name: 'code:ip', points: 10, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  codeChecksPerIp: { name: 'code-check:ip', points: 30, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  resetRequestsPerEmail: { name: 'reset:email', points: 3, windowSeconds: 60 * MINUTE, blockSeconds: 60 * MINUTE },
  resetRequestsPerIp: { name: 'reset:ip', points: 10, windowSeconds: 60 * MINUTE, blockSeconds: 60 * MINUTE },
  /** The current-password check on the account page: guessing there is guessing a password. */
  currentPasswordChecksPerUser: { name: 'current-password:user', points: 5, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
} satisfies Record<string, LimitRule>;

/**
 * What one client user may post in a while: each message and comment notifies and may email the
 * agency, and stays in the record's history, so a runaway script or a stolen session is held to
 * what a busy person types. Counted per person, so a colleague of the same company is not held.
 */
export const POSTING_LIMITS = {
  messagesPerPerson: { name: 'message:person', points: 30, windowSeconds: 10 * MINUTE, blockSeconds: 10 * MINUTE },
  commentsPerPerson: { name: 'comment:person', points: 30, windowSeconds: 10 * MINUTE, blockSeconds: 10 * MINUTE },
} satisfies Record<string, LimitRule>;

/**
 * Opening a support ticket: each one is written to the CRM, notifies the agency's staff and may
 * bring files into the workspace's upload quota. Per person, what a busy day's worth of requests
 * needs; per company, enough for several colleagues at once, so one company's script (or a few
 * stolen sessions) cannot flood the agency. Another company has counters of its own.
 */
export const TICKET_LIMITS = {
  ticketsPerPerson: { name: 'ticket:person', points: 10, windowSeconds: 60 * MINUTE, blockSeconds: 60 * MINUTE },
  ticketsPerCompany: { name: 'ticket:company', points: 30, windowSeconds: 60 * MINUTE, blockSeconds: 60 * MINUTE },
} satisfies Record<string, LimitRule>;
