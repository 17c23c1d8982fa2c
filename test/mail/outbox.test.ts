// The mail outbox on a real database with a real SMTP server: messages are queued in the caller's
// transaction (a rolled-back one sends nothing), stored encrypted and emptied once sent; with SMTP
// down nothing is lost and the message goes out once after the backoff; a message claimed by a
// worker that died is sent once its lease runs out; and two instances draining one outbox send
// each message exactly once (FOR UPDATE SKIP LOCKED; the real race needs DATABASE_URL, on the
// embedded database all connections share one backend). Started before the migrations, as an
// instance starts it, it reads no table until they have run.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { MailOutbox, retryDelayMs } from '../../src/core/mail/outbox.ts';
import { claimDueMessages } from '../../src/core/mail/outbox-queries.ts';
import { migratePortal } from '../../src/migrations/index.ts';
import { portalMigrated } from '../../src/core/db/migration-state.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort } from '../support/free-port.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';

const quiet = { info: () => {}, error: () => {} };

describe('mail outbox', function () {
  let database: TestDatabase;
  let db: Knex;
  let clock: number;
  const now = () => new Date(clock);
  const outboxes: MailOutbox[] = [];
  const captures: SmtpCapture[] = [];

  // These tests drive every delivery pass themselves (wakeOnSend off), except the first.
  const outbox = (smtpUrl: string, knex: Knex = db, wakeOnSend = false) => {
    const created = new MailOutbox({
      db: knex,
      transport: createMailer({ smtpUrl, from: 'Portal <portal@test.example>' }),
      secret: 'outbox-test-secret'.padEnd(40, 's'),
      now,
      logger: quiet,
      sendTimeoutMs: 5_000,
      wakeOnSend,
    });
    outboxes.push(created);
    return created;
  };
  const capture = async (port?: number) => {
    const started = await startSmtpCapture(port ? { port } : {});
    captures.push(started);
    return started;
  };
  const message = (n: number | string) => ({
    to: `client-${n}@example.com`,
    subject: `Your code ${n}`,
    text: `The secret code is ${n}-123456.`,
  });

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migratePortal(db);
  });
  beforeEach(async function () {
    clock = Date.parse('2026-11-24T10:00:00Z');
    await db('portal_mail_outbox').delete();
  });
  afterEach(async function () {
    for (const o of outboxes.splice(0)) await o.stop();
    for (const c of captures.splice(0)) await c.stop();
  });
  after(async function () {
    await db.destroy();
    await database.drop();
  });

  it('started before the migrations, reads no table until they have run, then delivers', async function () {
    const fresh = await createTestDatabase();
    const knex = createKnex(fresh.url);
    const failed: string[] = [];
    knex.on('query-error', (_err: unknown, query: { sql: string }) => failed.push(query.sql));
    const smtp = await capture();
    const early = new MailOutbox({
      db: knex,
      transport: createMailer({ smtpUrl: smtp.url, from: 'Portal <portal@test.example>' }),
      secret: 'outbox-test-secret'.padEnd(40, 's'),
      now,
      logger: quiet,
      pollIntervalMs: 20,
      ready: () => portalMigrated(knex),
    });
    try {
      early.start();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await migratePortal(knex);
      await early.mailer.send(message('after migrate'));
      await smtp.waitForMessage((m) => m.subject === 'Your code after migrate', 5000);
      expect(failed.join('\n'), 'statements that failed').to.equal('');
    } finally {
      await early.stop();
      await knex.destroy();
      await fresh.drop();
    }
  });

  it('delivers on its own right after the transaction commits', async function () {
    const smtp = await capture();
    const o = outbox(smtp.url, db, true);
    await db.transaction(async (trx) => o.mailer.send(message('auto'), { trx }));
    await smtp.waitForMessage((m) => m.subject === 'Your code auto', 5000);
  });

  it("queues in the caller's transaction, stores the content encrypted and empties it once sent", async function () {
    const smtp = await capture();
    const o = outbox(smtp.url);
    await db.transaction(async (trx) => o.mailer.send(message(1), { trx }));
    await db
      .transaction(async (trx) => {
        await o.mailer.send(message(2), { trx });
        await trx.rollback();
      })
      .catch(() => {});
    const [queued] = await db('portal_mail_outbox').select('recipient', 'payload');
    expect(queued.recipient).to.equal('client-1@example.com');
    expect(queued.payload).to.be.a('string').and.not.contain('123456');
    expect(await o.drain()).to.equal(1);
    expect(smtp.messages.map((m) => m.subject)).to.deep.equal(['Your code 1']);
    expect(smtp.messages[0]!.text).to.contain('The secret code is 1-123456.');
    const rows = await db('portal_mail_outbox').select('payload', 'sent_at');
    expect(rows).to.have.length(1);
    expect(rows[0].payload).to.equal(null);
    expect(rows[0].sent_at).to.equal(clock);
  });

  it('keeps a message while SMTP is down and sends it once, after the backoff, when SMTP is back', async function () {
    const port = await freePort();
    const o = outbox(`smtp://127.0.0.1:${port}`);
    await o.mailer.send(message('down'));
    expect(await o.drain()).to.equal(0);
    const [failed] = await db('portal_mail_outbox').select('attempts', 'next_attempt_at', 'sent_at', 'last_error');
    expect(failed).to.include({ attempts: 1, sent_at: null, next_attempt_at: clock + retryDelayMs(1, 10_000, 3_600_000) });
    expect(failed.last_error).to.be.a('string').and.not.be.empty;

    const smtp = await capture(port);
    expect(await o.drain()).to.equal(0); // not due yet: the backoff holds
    clock += 10_000;
    expect(await o.drain()).to.equal(1);
    expect(await o.drain()).to.equal(0);
    expect(smtp.messages.filter((m) => m.subject === 'Your code down')).to.have.length(1);
    expect(retryDelayMs(2, 10_000, 3_600_000)).to.equal(20_000);
    expect(retryDelayMs(20, 10_000, 3_600_000)).to.equal(3_600_000);
  });

  it('sends a message whose worker died mid-send once its lease has run out, and only then', async function () {
    const smtp = await capture();
    const o = outbox(smtp.url);
    await o.mailer.send(message('orphan'));
    // A worker claims it and dies before recording anything.
    const [claimed] = await claimDueMessages(db, clock, clock + 5 * 60_000, 10);
    expect(claimed?.attempts).to.equal(1);
    expect(await o.drain()).to.equal(0);
    clock += 5 * 60_000;
    expect(await o.drain()).to.equal(1);
    expect(smtp.messages.filter((m) => m.subject === 'Your code orphan')).to.have.length(1);
  });

  it('two instances draining one outbox send each message exactly once', async function () {
    const smtp = await capture();
    const otherDb = createKnex(database.url);
    try {
      const a = outbox(smtp.url, db);
      const b = outbox(smtp.url, otherDb);
      for (let i = 0; i < 40; i++) await (i % 2 ? a : b).mailer.send(message(`pair-${i}`));
      const counts = await Promise.all([a.drain(), b.drain()]);
      expect(counts[0]! + counts[1]!).to.equal(40);
      const subjects = smtp.messages.map((m) => m.subject).sort();
      expect(subjects).to.have.length(40);
      expect(new Set(subjects).size).to.equal(40);
      expect(await db('portal_mail_outbox').whereNull('sent_at').count<{ count: number }[]>({ count: '*' })).to.deep.equal([{ count: 0 }]);
    } finally {
      for (const o of outboxes.splice(0)) await o.stop();
      await otherDb.destroy();
    }
  });
});
