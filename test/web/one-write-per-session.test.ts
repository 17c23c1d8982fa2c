// One form at a time per browser session (src/core/web/one-write-per-session.ts), in a real Express
// app: a session's POSTs run one after another in the order sent, past the waiting bound the rest
// are refused 409 at once, another session's forms and every page view pass beside them, an upload
// is not held, and a request whose browser went away before its turn leaves the line.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import type http from 'node:http';
import type net from 'node:net';
import { HttpError } from '../../src/core/http/http-error.ts';
import { oneWritePerSession, TOO_MANY_AT_ONCE } from '../../src/core/web/one-write-per-session.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('one form at a time per session', function () {
  let server: http.Server;
  let base: string;
  /** The requests under way in the handler, now and at most, and the order they ran in. */
  let now = 0;
  let most = 0;
  let ran: string[] = [];
  let hold = 100;
  /** The requests the app has received, guard or not: each is sent once the one before has arrived. */
  let arrived = 0;
  const arrival = async (count: number) => {
    while (arrived < count) await pause(2);
  };

  before(async function () {
    const app = express();
    app.use((_req, _res, next) => {
      arrived += 1;
      next();
    });
    app.use(oneWritePerSession({ maxWaiting: 2 }));
    app.all('/{*any}', async (req: Request, res: Response) => {
      now += 1;
      most = Math.max(most, now);
      ran.push(String(req.query.n ?? ''));
      await pause(hold);
      now -= 1;
      res.send('done');
    });
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err instanceof HttpError ? err.status : 500).send((err as Error).message);
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(function () {
    server?.close();
  });
  beforeEach(function () {
    now = 0;
    most = 0;
    ran = [];
    hold = 100;
    arrived = 0;
  });

  const send = (n: number, cookie: string, init: RequestInit = {}) =>
    fetch(`${base}/form?n=${n}`, { method: 'POST', headers: { cookie }, ...init }).then(async (res) => ({
      status: res.status,
      text: await res.text(),
    }));

  it("runs one session's forms one at a time in the order sent, and refuses those past the bound", async function () {
    const answers: Array<Promise<{ status: number; text: string }>> = [];
    hold = 300;
    for (let n = 1; n <= 5; n += 1) {
      answers.push(send(n, 'portal.sid=s%3Amaria'));
      await arrival(n);
    }
    const done = await Promise.all(answers);
    expect(done.map((a) => a.status)).to.deep.equal([200, 200, 200, 409, 409]);
    expect(done[3]!.text).to.equal(TOO_MANY_AT_ONCE);
    expect(most).to.equal(1);
    expect(ran).to.deep.equal(['1', '2', '3']);
    // The line is free again once they answered.
    expect((await send(6, 'portal.sid=s%3Amaria')).status).to.equal(200);
  });

  it('lets another session, page views, uploads and requests without a session run beside them', async function () {
    hold = 300;
    const maria = Array.from({ length: 3 }, (_, i) => send(i + 1, 'portal.sid=s%3Amaria'));
    await arrival(3);
    const others = [
      send(10, 'portal.sid=s%3Apriya'),
      fetch(`${base}/page?n=11`, { headers: { cookie: 'portal.sid=s%3Amaria' } }).then((res) => ({ status: res.status })),
      send(12, 'portal.sid=s%3Amaria', { body: new FormData() }),
      send(13, ''),
    ];
    expect((await Promise.all(others)).map((a) => a.status)).to.deep.equal([200, 200, 200, 200]);
    expect(most, 'all four ran while the first of Maria’s forms did').to.equal(5);
    expect((await Promise.all(maria)).map((a) => a.status)).to.deep.equal([200, 200, 200]);
  });

  it('takes a request out of the line when its browser goes away before its turn', async function () {
    hold = 600;
    const first = send(1, 'portal.sid=s%3Amaria');
    await arrival(1);
    const gone = new AbortController();
    const abandoned = send(2, 'portal.sid=s%3Amaria', { signal: gone.signal }).catch(() => 'aborted');
    await arrival(2);
    const third = send(3, 'portal.sid=s%3Amaria');
    await arrival(3);
    gone.abort();
    expect(await abandoned).to.equal('aborted');
    expect((await first).status).to.equal(200);
    expect((await third).status).to.equal(200);
    expect(ran).to.deep.equal(['1', '3']);
  });
});
