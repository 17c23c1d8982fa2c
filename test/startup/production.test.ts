// `npm start` in production, as a real process: it refuses to start without SESSION_SECRET; with
// one it sends HSTS, hides the development outbox, and — behind a TLS-terminating proxy on the
// same machine — sets the client's session cookie with Secure, so a client can sign in.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import supertest from 'supertest';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { cookieNamed, csrfFrom } from '../support/portal-harness.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SERVER = path.join(ROOT, 'plugins/reference-crm/server.ts');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The address the server prints once it is ready (it listens on a free port). */
async function addressOf(server: Started): Promise<string> {
  for (;;) {
    const match = /running at (http:\/\/\S+)/.exec(server.output());
    if (match) return match[1]!;
    const done = await Promise.race([server.exited.then(() => 'exited'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 100))]);
    if (done === 'exited') throw new Error(`the server exited:\n${server.output()}`);
  }
}

describe('production mode, as a real process', function () {
  this.timeout(90_000);
  let database: TestDatabase;
  let server: Started | undefined;

  before(async function () {
    database = await createTestDatabase();
  });
  after(async function () {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await database?.drop();
  });

  it('refuses to start without SESSION_SECRET, saying so', async function () {
    const refused = start({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: '0' });
    expect(await refused.exited).to.equal(1);
    expect(refused.output()).to.contain('SESSION_SECRET is required in production');
  });

  it('serves with HSTS and secure cookies behind a local TLS proxy, and without the outbox', async function () {
    server = start({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: '0', SESSION_SECRET: 's'.repeat(48) });
    const url = await addressOf(server);
    const agent = supertest.agent(url);

    const signIn = await agent.get('/portal/demo/sign-in').set('X-Forwarded-Proto', 'https').expect(200);
    expect(signIn.headers['strict-transport-security']).to.match(/max-age=\d+/);
    expect((await supertest(url).get('/dev/outbox')).status).to.equal(404);

    // The demo's seeded client, signing in over the proxy. A cookie jar keeps Secure cookies off
    // plain http, so the browser's part (sending back what it was given) is done by hand.
    const given = (signIn.headers['set-cookie'] as unknown as string[] | undefined ?? []).map((c) => c.split(';')[0]).join('; ');
    const posted = await agent
      .post('/portal/demo/sign-in/password')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', given)
      .type('form')
      .send({ _csrf: csrfFrom(signIn.text), email: 'maria@northwind.test', password: DEMO_CLIENT_PASSWORD });
    const cookie = cookieNamed(posted, 'portal.sid');
    expect(cookie, `answered ${posted.status}`).to.be.a('string');
    expect(cookie).to.match(/;\s*Secure/i).and.to.match(/;\s*HttpOnly/i);
    expect(posted.status).to.equal(303);

    // Without the proxy's word the request is plain http: no secure cookie is set.
    const plain = await supertest(url).get('/portal/demo/sign-in');
    expect(cookieNamed(plain, 'portal.sid') ?? '').to.not.match(/Secure/i);
  });
});
