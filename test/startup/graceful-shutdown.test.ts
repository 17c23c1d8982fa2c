// SIGTERM, as an orchestrator sends it, to `npm start` as a real process on PostgreSQL (or the
// embedded one): while a slow request is in flight (its body still arriving) and a client's live
// stream is open, the process stops accepting connections at once, ends the live stream with a
// `retry:` hint (the browser reconnects, to another instance behind the load balancer), lets the
// slow request finish with its normal answer, and exits 0 within a few seconds.
import { expect } from 'chai';
import net from 'node:net';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addressOf, startServer, stopServer, type StartedServer } from '../support/server-process.ts';
import { csrfFrom } from '../support/portal-harness.ts';

const EMAIL = 'maria@northwind.test';

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a new TCP connection to the port is accepted (true) or refused (false). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown on SIGTERM, as a real process', function () {
  this.timeout(240_000);
  let database: TestDatabase;
  let server: StartedServer | undefined;

  before(async function () {
    database = await createTestDatabase();
  });
  after(async function () {
    await stopServer(server, 'SIGKILL');
    await database?.drop();
  });

  it('stops accepting, ends live streams with a retry hint, finishes the request in flight, exits 0', async function () {
    server = startServer({ DATABASE_URL: database.url, PORT: '0', SESSION_SECRET: 's'.repeat(48), LOG_LEVEL: 'info' });
    const url = new URL(await addressOf(server));
    const port = Number(url.port);

    // A signed-in client with its live stream open.
    const page = await fetch(new URL('/portal/demo/sign-in', url));
    const pageCookies = cookiesOf(page);
    const csrf = csrfFrom(await page.text());
    const signedIn = await fetch(new URL('/portal/demo/sign-in/password', url), {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: pageCookies, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: DEMO_CLIENT_PASSWORD }),
    });
    expect(signedIn.status).to.equal(303);
    const session = `${pageCookies}; ${cookiesOf(signedIn)}`;
    const stream = await fetch(new URL('/portal/demo/messages/stream', url), { headers: { Accept: 'text/event-stream', Cookie: session } });
    expect(stream.status).to.equal(200);
    let streamed = '';
    const streamEnded = (async () => {
      const reader = stream.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return Date.now();
        streamed += decoder.decode(value, { stream: true });
      }
    })();

    // A slow request: a sign-in form whose body is still arriving when SIGTERM comes.
    const body = new URLSearchParams({ _csrf: csrf, email: EMAIL, password: DEMO_CLIENT_PASSWORD }).toString();
    const slowRequest = async (whileSending: () => Promise<void>) => {
      const slow = net.connect(port, '127.0.0.1');
      let answer = '';
      slow.on('data', (chunk) => (answer += chunk));
      const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
      await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
      slow.write(
        `POST /portal/demo/sign-in/password HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${pageCookies}\r\nConnection: close\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
      );
      await whileSending();
      slow.write(body.slice(10));
      await closed;
      return answer;
    };
    // The same slow request, undisturbed, for comparison.
    expect(await slowRequest(() => sleep(300).then(() => {}))).to.match(/^HTTP\/1\.1 303 /);

    expect(streamed).to.contain('retry: 2000');

    let signalled = 0;
    const answer = await slowRequest(async () => {
      await sleep(300);
      signalled = Date.now();
      server!.child.kill('SIGTERM');
      // The stream ends with the shutdown's retry hint, while the slow request still runs.
      const endedAt = await Promise.race([streamEnded, sleep(5_000).then(() => null)]);
      expect(endedAt, 'the live stream ended').to.be.a('number');
      expect(streamed).to.match(/retry: 1000\n\n$/);
      // New connections are refused while the request in flight is still being answered.
      expect(await accepts(port)).to.equal(false);
      expect(server!.child.exitCode).to.equal(null);
      await sleep(500);
    });
    expect(answer, server.output().slice(-3000)).to.match(/^HTTP\/1\.1 303 /);
    expect(answer).to.match(/\r\nLocation: \/portal\/demo\/\r\n/i);

    expect(await server.exited).to.equal(0);
    const took = Date.now() - signalled;
    expect(took, 'exit after SIGTERM (ms)').to.be.below(5_000);
    if (process.env.SHOW_TIMINGS) console.log(`exit ${took} ms after SIGTERM`);
    expect(server.output()).to.contain('"msg":"shutting down"').and.contain('"msg":"stopped"');
  });
});
