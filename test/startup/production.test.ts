// `npm start` in production, as a real process: it refuses to start without SESSION_SECRET or with
// a SESSION_SECRET_PREVIOUS entry too short; with one it sends HSTS, hides the development outbox,
// and — behind a TLS-terminating proxy on the same machine — sets the client's session cookie with
// Secure, so a client can sign in.
import { expect } from 'chai';
import supertest from 'supertest';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addressOf, startServer, stopServer, type StartedServer } from '../support/server-process.ts';
import { cookieNamed, csrfFrom } from '../support/portal-harness.ts';


describe('production mode, as a real process', function () {
  this.timeout(90_000);
  let database: TestDatabase;
  let server: StartedServer | undefined;

  before(async function () {
    database = await createTestDatabase();
  });
  after(async function () {
    await stopServer(server, 'SIGTERM');
    await database?.drop();
  });

  it('refuses to start without SESSION_SECRET, saying so', async function () {
    const refused = startServer({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: '0' });
    expect(await refused.exited).to.equal(1);
    expect(refused.output()).to.contain('SESSION_SECRET is required in production');
  });

  it('refuses to start with a previous session secret shorter than 32 characters, saying so', async function () {
    const refused = startServer({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: '0', SESSION_SECRET: 's'.repeat(48), SESSION_SECRET_PREVIOUS: `${'p'.repeat(48)}, too-short` });
    expect(await refused.exited).to.equal(1);
    expect(refused.output()).to.contain('SESSION_SECRET_PREVIOUS: each secret must be at least 32 characters');
  });

  it('serves with HSTS and secure cookies behind a local TLS proxy, and without the outbox', async function () {
    server = startServer({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: '0', SESSION_SECRET: 's'.repeat(48) });
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
