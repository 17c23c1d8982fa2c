// Which database errors answer 503 "temporarily unavailable" (src/core/db/unavailable.ts) rather than
// 500: the errors a request really meets when PostgreSQL goes away under it. The pools reach the
// server through a TCP relay the test can cut, the way a stopping server closes every socket; each
// case runs a request's statement through knex as the portal does (knex puts the statement's text in
// front of pg's message), and the error it gets is handed to the portal's error handler in a real
// Express app, whose answer must be the 503 page with Retry-After.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import net from 'node:net';
import { createKnex } from '../../src/core/db/connect.ts';
import { isDatabaseUnavailable } from '../../src/core/db/unavailable.ts';
import { errorHandler } from '../../src/core/web/error-handler.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** A TCP relay in front of the database whose open connections can be cut at once. */
async function startRelay(target: URL): Promise<{ url: (database: URL) => string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: (database) => Object.assign(new URL(database.href), { hostname: '127.0.0.1', port: String(port) }).href,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('database errors that mean "unavailable"', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let db: Knex;

  before(async function () {
    database = await createTestDatabase();
    relay = await startRelay(new URL(database.url));
    db = createKnex(relay.url(new URL(database.url)), 2, { connectMs: 2_000, statementMs: 0 });
  });
  after(async function () {
    await db?.destroy();
    await relay?.close();
    await database?.drop();
  });

  /** What the portal's error handler answers for this error. */
  async function answerFor(error: unknown): Promise<{ status: number; retryAfter: string | null; text: string }> {
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
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
    } finally {
      server.close();
    }
  }

  async function expectUnavailable(error: unknown): Promise<void> {
    expect(error, 'the statement failed').to.be.instanceOf(Error);
    const answer = await answerFor(error);
    expect(answer, (error as Error).message).to.deep.include({ status: 503, retryAfter: '5' });
    expect(answer.text).to.contain('temporarily unavailable');
  }

  it('a statement in flight when the connection is cut', async function () {
    const running = db.raw('select pg_sleep(2)').catch((err: unknown) => err);
    await pause(200);
    relay.cut();
    const error = await running;
    expect((error as Error).message).to.match(/^select pg_sleep\(2\) - Connection terminated unexpectedly$/);
    await expectUnavailable(error);
  });

  it('a statement sent on a pooled connection that was cut while idle', async function () {
    await db.raw('select 1');
    relay.cut();
    // Sent before the pool has seen the socket close: a request arriving in the same moment.
    const error = await db.raw('select 2').catch((err: unknown) => err);
    expect(isDatabaseUnavailable(error), (error as Error).message).to.equal(true);
    await expectUnavailable(error);
  });

  it('a transaction whose connection is cut between its statements (the rollback fails too)', async function () {
    const running = db
      .transaction(async (trx) => {
        await trx.raw('select 1');
        await pause(300);
        await trx.raw('select 2');
      })
      .catch((err: unknown) => err);
    await pause(150);
    relay.cut();
    await expectUnavailable(await running);
  });

  it('a backend terminated by the server (57P01, as in a fast shutdown)', async function () {
    // The embedded engine has no server backends to terminate: the case needs a PostgreSQL server.
    if (database.mode !== 'external') this.skip();
    const running = db.raw("select pg_sleep(2), 'terminate me'").catch((err: unknown) => err);
    await pause(200);
    const direct = createKnex(database.url, 1);
    try {
      await direct.raw(
        "select pg_terminate_backend(pid) from pg_stat_activity where query like '%''terminate me''%' and pid <> pg_backend_pid()",
      );
    } finally {
      await direct.destroy();
    }
    const error = await running;
    expect((error as { code?: string }).code).to.equal('57P01');
    await expectUnavailable(error);
  });

  it('a bug is still a 500', async function () {
    // On a connection of its own: the relayed pool may still hold a socket the cases above cut.
    const direct = createKnex(database.url, 1);
    try {
      const error = await direct.raw('select * from no_such_table').catch((err: unknown) => err);
      expect((error as { code?: string }).code, (error as Error).message).to.equal('42P01');
      expect(isDatabaseUnavailable(error)).to.equal(false);
      expect((await answerFor(error)).status).to.equal(500);
    } finally {
      await direct.destroy();
    }
  });
});
