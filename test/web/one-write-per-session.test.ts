// One form at a time per browser session (src/core/web/one-write-per-session.ts), in a real Express
// app: a session's POSTs run one after another in the order sent, past the waiting bound the rest
// are refused 409 at once, another session's forms and every page view pass beside them, an upload
// is not held, and a request whose browser went away before its turn leaves the line. A form sent
// with `hold=1` stays in the handler until the test opens the gate: each case waits for events (a
// request arrived, the gate opened), never for a time, so a loaded machine answers the same.
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
  /** Held forms wait on it in the handler until the test opens it. */
  let gate: Promise<void>;
  let openGate: () => void;
  /** The requests the app has received, guard or not: each is sent once the one before has arrived. */
  let arrived = 0;
  const arrival = async (count: number) => {
    while (arrived < count) await pause(2);
  };
  /** The requests whose browser went away before their answer, as the app saw it. */
  let left = 0;

  before(async function () {
    const app = express();
    app.use((_req, res, next) => {
      arrived += 1;
      // A connection closed before its answer was sent: the browser went away.
      res.on('close', () => {
        if (!res.writableFinished) left += 1;
      });
      next();
    });
    app.use(oneWritePerSession({ maxWaiting: 2 }));
    app.all('/{*any}', async (req: Request, res: Response) => {
      now += 1;
      most = Math.max(most, now);
      ran.push(String(req.query.n ?? ''));
      if (req.query.hold === '1') await gate;
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
    arrived = 0;
    left = 0;
    gate = new Promise((resolve) => {
      openGate = resolve;
    });
  });

  /** A form of the session in `cookie`; `held` keeps it in the handler until the gate opens. */
  const send = (n: number, cookie: string, init: RequestInit = {}, held = false) =>
    fetch(`${base}/form?n=${n}${held ? '&hold=1' : ''}`, { method: 'POST', headers: { cookie }, ...init }).then(async (res) => ({
      status: res.status,
      text: await res.text(),
    }));

  it("runs one session's forms one at a time in the order sent, and refuses those past the bound", async function () {
    const answers: Array<Promise<{ status: number; text: string }>> = [];
    for (let n = 1; n <= 5; n += 1) {
      answers.push(send(n, 'portal.sid=s%3Amaria', {}, true));
      await arrival(n);
    }
    // The first is in the handler, two wait: the fourth and fifth are refused while it is held.
    const refused = await Promise.all(answers.slice(3));
    expect(refused.map((a) => a.status)).to.deep.equal([409, 409]);
    expect(refused[0]!.text).to.equal(TOO_MANY_AT_ONCE);
    expect(ran).to.deep.equal(['1']);
    openGate();
    const done = await Promise.all(answers.slice(0, 3));
    expect(done.map((a) => a.status)).to.deep.equal([200, 200, 200]);
    expect(most).to.equal(1);
    expect(ran).to.deep.equal(['1', '2', '3']);
    // The line is free again once they answered.
    expect((await send(6, 'portal.sid=s%3Amaria')).status).to.equal(200);
  });

  it('lets another session, page views, uploads and requests without a session run beside them', async function () {
    const maria = Array.from({ length: 3 }, (_, i) => send(i + 1, 'portal.sid=s%3Amaria', {}, true));
    await arrival(3);
    // Answered while the first of Maria's forms is still held in the handler: none waited behind it.
    const others = [
      send(10, 'portal.sid=s%3Apriya'),
      fetch(`${base}/page?n=11`, { headers: { cookie: 'portal.sid=s%3Amaria' } }).then((res) => ({ status: res.status })),
      send(12, 'portal.sid=s%3Amaria', { body: new FormData() }),
      send(13, ''),
    ];
    expect((await Promise.all(others)).map((a) => a.status)).to.deep.equal([200, 200, 200, 200]);
    expect(
      ran.filter((n) => ['1', '2', '3'].includes(n)),
      'Maria’s forms run so far',
    ).to.deep.equal(['1']);
    openGate();
    expect((await Promise.all(maria)).map((a) => a.status)).to.deep.equal([200, 200, 200]);
  });

  it('takes a request out of the line when its browser goes away before its turn', async function () {
    const first = send(1, 'portal.sid=s%3Amaria', {}, true);
    await arrival(1);
    const gone = new AbortController();
    const abandoned = send(2, 'portal.sid=s%3Amaria', { signal: gone.signal }, true).catch(() => 'aborted');
    await arrival(2);
    const third = send(3, 'portal.sid=s%3Amaria', {}, true);
    await arrival(3);
    gone.abort();
    expect(await abandoned).to.equal('aborted');
    // The app has seen it go before the first answers and the line moves on.
    while (left < 1) await pause(2);
    openGate();
    expect((await first).status).to.equal(200);
    expect((await third).status).to.equal(200);
    expect(ran).to.deep.equal(['1', '3']);
  });
});
