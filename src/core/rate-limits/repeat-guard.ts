// Double clicks: the same request again within a few seconds is answered as the first was and
// does nothing (no second email). The guard lives in PostgreSQL, so it holds when the two clicks
// reach different app instances.
import type { Knex } from 'knex';
import { claimGuard, deleteGuard, readGuardOutcome, recordGuardOutcome } from './queries.ts';

/** Long enough for a double click or an impatient second submit; short enough to resend on purpose. */
export const REPEAT_WINDOW_MS = 5_000;

export type GuardResult = { first: true } | { first: false; outcome: string | null };

export class RepeatGuard {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  private key(action: string, subject: string): string {
    return `${action}:${subject}`.slice(0, 255);
  }

  /** First request for this action and subject within the window, or a repeat with the first's outcome (null while it runs). */
  async claim(action: string, subject: string, windowMs = REPEAT_WINDOW_MS): Promise<GuardResult> {
    const key = this.key(action, subject);
    if (await claimGuard(this.db, key, windowMs, this.now())) return { first: true };
    return { first: false, outcome: await readGuardOutcome(this.db, key) };
  }

  /** Forgets a request that failed, so trying again at once is not taken for a double click. */
  async release(action: string, subject: string): Promise<void> {
    await deleteGuard(this.db, this.key(action, subject));
  }

  /** Remembers what the first request answered, for a repeat to answer the same. */
  async remember(action: string, subject: string, outcome: string): Promise<void> {
    await recordGuardOutcome(this.db, this.key(action, subject), outcome);
  }
}
