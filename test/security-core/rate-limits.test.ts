// Rate limits and the double-click guard (src/core/rate-limits) on a real database, with a clock the
// test moves: a rule allows exactly its points per window, then blocks for its block time and says
// how long; a window that has passed starts afresh; `check` looks without counting; `reset`
// forgets; keys are per rule and subject; expired counters and guards are cleaned up. And the
// sign-in limits themselves, so that a limit raised far past its purpose fails here.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { RateLimiter, SIGN_IN_LIMITS, type LimitRule } from '../../src/core/rate-limits/limiter.ts';
import { deleteExpiredCounters, deleteExpiredGuards } from '../../src/core/rate-limits/queries.ts';
import { REPEAT_WINDOW_MS, RepeatGuard } from '../../src/core/rate-limits/repeat-guard.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';

describe('rate limits', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let now = 1_800_000_000_000;
  const clock = () => now;
  const rule: LimitRule = { name: 'test', points: 3, windowSeconds: 60, blockSeconds: 600 };
  let subjectCount = 0;
  /** A subject no earlier test has counted. */
  const fresh = () => `subject-${++subjectCount}`;

  before(async function () {
    database = await reusableTestDatabase('security-core');
    db = createKnex(database.url, 2);
    await migratePortal(db);
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it("allows exactly the rule's points, then blocks for the block time", async function () {
    const limiter = new RateLimiter(db, clock);
    const subject = fresh();
    for (let i = 0; i < 3; i++) expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: true });
    now += 10_000;
    expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: false, retryAfterSeconds: 600 });
    now += 1_500;
    // Still blocked, counting down from the block's end.
    expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: false, retryAfterSeconds: 599 });
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: false, retryAfterSeconds: 599 });
    now += 599_000;
    expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: true });
  });

  it('extends the block of the subject that spent its budget, and no other counter', async function () {
    const limiter = new RateLimiter(db, clock);
    const bystander = fresh();
    await limiter.consume(rule, bystander);
    const before = await db('portal_rate_limits')
      .where({ key: `test:${bystander}` })
      .first('expire');
    const subject = fresh();
    for (let i = 0; i < 4; i++) await limiter.consume(rule, subject);
    expect(
      await db('portal_rate_limits')
        .where({ key: `test:${bystander}` })
        .first('expire'),
    ).to.deep.equal(before);
  });

  it('blocks until the window ends when the window outlasts the block', async function () {
    const limiter = new RateLimiter(db, clock);
    const long: LimitRule = { name: 'long', points: 1, windowSeconds: 900, blockSeconds: 60 };
    const subject = fresh();
    expect(await limiter.consume(long, subject)).to.deep.equal({ allowed: true });
    now += 100_000;
    expect(await limiter.consume(long, subject)).to.deep.equal({ allowed: false, retryAfterSeconds: 800 });
  });

  it('starts afresh once the window has passed', async function () {
    const limiter = new RateLimiter(db, clock);
    const subject = fresh();
    for (let i = 0; i < 3; i++) await limiter.consume(rule, subject);
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: true });
    expect((await limiter.consume(rule, subject)).allowed).to.equal(false);
  });

  it('keeps rules and subjects apart', async function () {
    const limiter = new RateLimiter(db, clock);
    const subject = fresh();
    for (let i = 0; i < 4; i++) await limiter.consume(rule, subject);
    expect(await limiter.consume(rule, fresh())).to.deep.equal({ allowed: true });
    expect(await limiter.consume({ ...rule, name: 'other' }, subject)).to.deep.equal({ allowed: true });
    expect(
      await db('portal_rate_limits')
        .where({ key: `test:${subject}` })
        .first('points'),
    ).to.deep.equal({ points: 4 });
  });

  it('checks without counting, and refuses once the points are used up', async function () {
    const limiter = new RateLimiter(db, clock);
    const subject = fresh();
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: true });
    await limiter.consume(rule, subject);
    await limiter.consume(rule, subject);
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: true });
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: true });
    await limiter.consume(rule, subject);
    now += 30_000;
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: false, retryAfterSeconds: 30 });
    now += 30_000;
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: true });
  });

  it('forgets a subject on reset, and only that subject', async function () {
    const limiter = new RateLimiter(db, clock);
    const subject = fresh();
    const other = fresh();
    for (let i = 0; i < 4; i++) await limiter.consume(rule, subject);
    for (let i = 0; i < 4; i++) await limiter.consume(rule, other);
    await limiter.reset(rule, subject);
    expect((await limiter.check(rule, other)).allowed).to.equal(false);
    expect(await limiter.check(rule, subject)).to.deep.equal({ allowed: true });
    expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: true });
  });

  it("cuts very long keys to the column's 255 characters", async function () {
    const limiter = new RateLimiter(db, clock);
    const subject = `${fresh()}-${'x'.repeat(300)}`;
    expect(await limiter.consume(rule, subject)).to.deep.equal({ allowed: true });
    const row = await db('portal_rate_limits')
      .where('key', 'like', `test:${subject.slice(0, 20)}%`)
      .first('key');
    expect((row as { key: string }).key).to.have.length(255);
  });

  it('counts in the table it is given', async function () {
    // The table survives from an earlier run when the database is kept (see reusableTestDatabase).
    if (!(await db.schema.hasTable('host_rate_limits')))
      await db.schema.createTable('host_rate_limits', (t) => {
        t.string('key', 255).primary();
        t.integer('points').notNullable().defaultTo(0);
        t.bigInteger('expire');
      });
    const limiter = new RateLimiter(db, clock, 'host_rate_limits');
    const subject = fresh();
    for (let i = 0; i < 4; i++) await limiter.consume(rule, subject);
    expect((await limiter.check(rule, subject)).allowed).to.equal(false);
    expect(
      await db('portal_rate_limits')
        .where({ key: `test:${subject}` })
        .first(),
    ).to.equal(undefined);
    await limiter.reset(rule, subject);
    expect(
      await db('host_rate_limits')
        .where({ key: `test:${subject}` })
        .first(),
    ).to.equal(undefined);
  });

  it('deletes expired counters and guards only', async function () {
    const limiter = new RateLimiter(db, clock);
    const guard = new RepeatGuard(db, clock);
    const old = fresh();
    await limiter.consume(rule, old);
    await guard.claim('test', old);
    now += 60_000;
    const live = fresh();
    await limiter.consume(rule, live);
    await guard.claim('test', live);
    expect(await deleteExpiredCounters(db, now)).to.be.at.least(1);
    expect(await deleteExpiredGuards(db, now)).to.be.at.least(1);
    expect(
      await db('portal_rate_limits')
        .where({ key: `test:${old}` })
        .first(),
    ).to.equal(undefined);
    expect(
      await db('portal_rate_limits')
        .where({ key: `test:${live}` })
        .first(),
    ).not.to.equal(undefined);
    expect(
      await db('portal_request_guards')
        .where({ key: `test:${old}` })
        .first(),
    ).to.equal(undefined);
    expect(
      await db('portal_request_guards')
        .where({ key: `test:${live}` })
        .first(),
    ).not.to.equal(undefined);
  });
});

describe('the sign-in limits', function () {
  it('stop sprays per IP and guessing per account within their purpose', function () {
    const perIp = [
      SIGN_IN_LIMITS.attemptsPerIp,
      SIGN_IN_LIMITS.codeRequestsPerIp,
      SIGN_IN_LIMITS.codeChecksPerIp,
      SIGN_IN_LIMITS.resetRequestsPerIp,
    ];
    for (const rule of perIp) {
      expect(rule.points, rule.name).to.be.within(5, 30);
      expect(rule.blockSeconds, rule.name).to.be.at.least(15 * 60);
    }
    expect(SIGN_IN_LIMITS.passwordFailuresPerAccount.points).to.equal(5);
    expect(SIGN_IN_LIMITS.currentPasswordChecksPerUser.points).to.equal(5);
    expect(SIGN_IN_LIMITS.codeRequestsPerEmail.points).to.equal(3);
    expect(SIGN_IN_LIMITS.resetRequestsPerEmail.points).to.equal(3);
    expect(new Set(Object.values(SIGN_IN_LIMITS).map((r) => r.name)).size).to.equal(Object.keys(SIGN_IN_LIMITS).length);
  });
});

describe('the double-click guard', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let now = 1_800_000_000_000;
  const clock = () => now;

  before(async function () {
    database = await reusableTestDatabase('security-core');
    db = createKnex(database.url, 2);
    await migratePortal(db);
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it("lets the first request through and answers a repeat with the first's outcome", async function () {
    const guard = new RepeatGuard(db, clock);
    expect(await guard.claim('code', 'a@example.test')).to.deep.equal({ first: true });
    expect(await guard.claim('code', 'a@example.test')).to.deep.equal({ first: false, outcome: null });
    await guard.remember('code', 'a@example.test', 'sent');
    expect(await guard.claim('code', 'a@example.test')).to.deep.equal({ first: false, outcome: 'sent' });
    expect(await guard.claim('code', 'b@example.test')).to.deep.equal({ first: true });
    expect(await guard.claim('reset', 'a@example.test')).to.deep.equal({ first: true });
  });

  it('holds for five seconds by default, or the window given', async function () {
    const guard = new RepeatGuard(db, clock);
    expect(REPEAT_WINDOW_MS).to.equal(5_000);
    await guard.claim('code', 'window@example.test');
    await guard.remember('code', 'window@example.test', 'sent');
    now += 4_999;
    expect((await guard.claim('code', 'window@example.test')).first).to.equal(false);
    now += 1;
    // A new window: the old outcome is forgotten.
    expect(await guard.claim('code', 'window@example.test')).to.deep.equal({ first: true });
    expect(await guard.claim('code', 'window@example.test')).to.deep.equal({ first: false, outcome: null });
    await guard.claim('invite', 'long', 60_000);
    now += 59_999;
    expect((await guard.claim('invite', 'long')).first).to.equal(false);
  });

  it('forgets a released request, so trying again at once is a first request', async function () {
    const guard = new RepeatGuard(db, clock);
    await guard.claim('code', 'retry@example.test');
    await guard.claim('code', 'bystander@example.test');
    await guard.release('code', 'retry@example.test');
    expect(await guard.claim('code', 'retry@example.test')).to.deep.equal({ first: true });
    // Only the released request is forgotten: another one in its window is still a repeat.
    expect((await guard.claim('code', 'bystander@example.test')).first).to.equal(false);
  });

  it('cuts very long keys to 255 characters', async function () {
    const guard = new RepeatGuard(db, clock);
    const subject = `long-${'y'.repeat(300)}`;
    await guard.claim('code', subject);
    await guard.remember('code', subject, 'sent');
    expect(await guard.claim('code', subject)).to.deep.equal({ first: false, outcome: 'sent' });
    const row = await db('portal_request_guards').where('key', 'like', 'code:long-%').first('key');
    expect((row as { key: string }).key).to.have.length(255);
  });
});
