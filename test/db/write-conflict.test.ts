// A write that meets another's lock (src/core/db/write-conflict.ts, the lock bound in
// src/core/db/connect.ts): on a PostgreSQL server a pool made with the app's bounds gives up on a
// row lock after DATABASE_LOCK_TIMEOUT_MS instead of holding its connection while it waits, and
// that error, a deadlock PostgreSQL broke, and a refused NOWAIT are each answered 409 with a
// message a person understands, never a 500. The embedded engine runs every connection in one
// session, so a second writer there only waits for the first transaction to end: no lock ever
// conflicts, and the second write goes through once the first commits.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type net from 'node:net';
import { createKnex, databaseBoundsFrom } from '../../src/core/db/connect.ts';
import { isWriteConflict } from '../../src/core/db/write-conflict.ts';
import { errorHandler } from '../../src/core/web/error-handler.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the portal's error handler answers for this error. */
async function answerFor(error: unknown): Promise<{ status: number; text: string }> {
  const app = express();
  app.get('/', (_req: Request, _res: Response, next: NextFunction) => next(error));
  app.use(
    errorHandler(
      (_req, res, page) => res.status(page.status).type('text').send(`${page.heading}: ${page.message}`),
      () => {},
    ),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
    return { status: res.status, text: await res.text() };
  } finally {
    server.close();
  }
}

async function expectConflictPage(error: unknown, code: string): Promise<void> {
  expect((error as { code?: string }).code, String((error as Error).message)).to.equal(code);
  expect(isWriteConflict(error)).to.equal(true);
  expect(await answerFor(error)).to.deep.equal({
    status: 409,
    text: 'That cannot be done now: Someone else was changing this at the same moment. Please reload the page and try again.',
  });
}

describe('a write that meets another write’s lock', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let holder: Knex;
  let bounded: Knex;

  before(async function () {
    database = await createTestDatabase();
    holder = createKnex(database.url, 2);
    // The app's own bounds (DATABASE_* unset), but a short lock wait, so the case is quick.
    bounded = createKnex(database.url, 2, { ...databaseBoundsFrom({}), lockMs: 200 });
    await holder.raw('create table counters (id int primary key, n int not null)');
    await holder('counters').insert([
      { id: 1, n: 0 },
      { id: 2, n: 0 },
    ]);
  });
  after(async function () {
    await bounded?.destroy();
    await holder?.destroy();
    await database?.drop();
  });

  /** Holds counter 1 locked in a transaction until `release` is called. */
  async function holdCounter() {
    const trx = await holder.transaction();
    await trx('counters').where({ id: 1 }).forUpdate();
    return { release: () => trx.commit() };
  }

  /** Each locks one counter, then asks for the other's: PostgreSQL cancels one of the two. */
  async function deadlock(): Promise<unknown[]> {
    let lockedCount = 0;
    let bothLocked: () => void = () => {};
    const locked = new Promise<void>((resolve) => {
      bothLocked = resolve;
    });
    const crossing = (first: number, second: number) =>
      holder
        .transaction(async (trx) => {
          await trx('counters').where({ id: first }).forUpdate();
          lockedCount += 1;
          if (lockedCount === 2) bothLocked();
          await locked;
          await trx('counters').where({ id: second }).increment('n', 1);
        })
        .then(
          () => null,
          (err: unknown) => err,
        );
    const outcomes = await Promise.all([crossing(1, 2), crossing(2, 1)]);
    return outcomes.filter((outcome) => outcome !== null);
  }

  it('gives up on a held row lock after the bound, as on a deadlock or a refused NOWAIT: 409 (embedded: waits, then writes)', async function () {
    expect(databaseBoundsFrom({}).lockMs, 'the app bounds lock waits by default').to.equal(1_000);
    const held = await holdCounter();
    const write = bounded('counters')
      .where({ id: 1 })
      .increment('n', 1)
      .then(
        () => 'written',
        (err: unknown) => err,
      );
    if (database.mode !== 'external') {
      // One session: the second writer waits for the first transaction to end, then writes.
      await pause(300);
      await held.release();
      expect(await write).to.equal('written');
      expect((await holder('counters').where({ id: 1 }).first()).n).to.equal(1);
      return;
    }
    const timedOut = await write;
    const refused = await holder.transaction((trx) => trx('counters').where({ id: 1 }).forUpdate().noWait()).catch((err: unknown) => err);
    await held.release();
    await expectConflictPage(timedOut, '55P03');
    await expectConflictPage(refused, '55P03');
    expect((await holder('counters').where({ id: 1 }).first()).n, 'the timed-out write rolled back').to.equal(0);

    const deadlocked = await deadlock();
    expect(deadlocked).to.have.length(1);
    await expectConflictPage(deadlocked[0], '40P01');
  });

  it('leaves other errors alone', async function () {
    const error = await holder.raw('select * from no_such_table').catch((err: unknown) => err);
    expect(isWriteConflict(error)).to.equal(false);
    expect((await answerFor(error)).status).to.equal(500);
  });
});
