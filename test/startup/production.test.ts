// `npm start` in production, as a real process. It refuses to start, listing every refusal at once
// in one output (SESSION_SECRET missing, a SESSION_SECRET_PREVIOUS entry too short, SMTP_URL
// missing, ...), each on a line of its own; it starts with a valid secret and SMTP_URL, seeds
// nothing (no demo workspace, users or printed passwords) and says how to create the first staff
// user, which `npm run staff:create` then does (that user signs in); the demo payment provider does not exist there unless PAYMENTS_DEMO_PROVIDER=on, which is
// logged as a warning. With one it sends HSTS, hides the development outbox, and — behind a
// TLS-terminating proxy on the same machine — sets the client's session cookie with Secure, so a
// client can sign in (on a database seeded beforehand, as the demo data is development only).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import path from 'node:path';
import supertest from 'supertest';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { SEED_WORKSPACES } from '../../plugins/reference-crm/seed-data.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { seedDemoDatabase } from '../support/demo-database.ts';
import { addressOf, startServer, stopServer, type StartedServer } from '../support/server-process.ts';
import { cookieNamed, csrfFrom } from '../support/portal-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';

// Production refuses a predictable secret (one character repeated): this one was made with openssl rand -base64 48.
const SECRET = 'LjSxHDwxSA+Pw5xU6AgRmioE+gXbTebLi8g9R/GnzBSbSkoo4Vi2WmfMtQ7/YcQa';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The demo data, written by the test (a production start seeds nothing), with online payments on in workspace demo. */
async function seedDemoData(url: string): Promise<void> {
  await seedDemoDatabase(url);
  const db = createKnex(url, 1);
  try {
    // The provider is the column's default ('demo').
    const { id } = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(id), allow_online_payments: true })
      .onConflict('workspace_id')
      .merge(['allow_online_payments']);
  } finally {
    await db.destroy();
  }
}

/** A callback with a malformed signature: 400 where the demo provider exists, 404 where it does not. */
const demoCallback = (url: string) =>
  supertest(url)
    .post('/portal/demo/payments/callback/demo')
    .set('Demo-Signature', 't=1,v1=00')
    .set('Content-Type', 'application/json')
    .send('{}');

describe('production mode, as a real process', function () {
  this.timeout(90_000);
  let seeded: TestDatabase;
  let smtp: SmtpCapture;
  let server: StartedServer | undefined;

  before(async function () {
    [seeded, smtp] = await Promise.all([createTestDatabase(), startSmtpCapture()]);
    await seedDemoData(seeded.url);
  });
  afterEach(async function () {
    await stopServer(server, 'SIGTERM');
    server = undefined;
  });
  after(async function () {
    await smtp?.stop();
    await seeded?.drop();
  });

  // Each refusal alone is checkStartupSettings' (production-checks.test.ts); the process is asked once, with all of them.
  it('lists every unsafe setting at once, in one output', async function () {
    const refused = startServer({
      NODE_ENV: 'production',
      DATABASE_URL: seeded.url,
      PORT: '0',
      SESSION_SECRET_PREVIOUS: 'too-short',
      PAYMENTS_DEMO_PROVIDER: 'yes',
    });
    expect(await refused.exited).to.equal(1);
    const output = refused.output();
    expect(output).to.contain('SESSION_SECRET is required in production');
    expect(output).to.contain('SESSION_SECRET_PREVIOUS: each secret must be at least 32 characters');
    expect(output).to.contain('SMTP_URL is required in production');
    expect(output).to.contain('PAYMENTS_DEMO_PROVIDER must be on or off');
    // One report: printed together, one refusal a line.
    expect(output.match(/Could not start/g)).to.have.length(1);
    expect(output.split('\n').filter((line) => line.includes('SMTP_URL'))).to.have.length(1);
    expect(output).to.not.contain('running at');
  });

  it('says in one line that the port is taken, naming PORT, and exits 1', async function () {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as AddressInfo;
    try {
      const refused = startServer({
        NODE_ENV: 'production',
        DATABASE_URL: seeded.url,
        PORT: String(port),
        SESSION_SECRET: SECRET,
        SMTP_URL: smtp.url,
      });
      expect(await refused.exited).to.equal(1);
      const lines = refused
        .output()
        .split('\n')
        .filter((line) => line.startsWith('Could not start'));
      expect(lines, refused.output()).to.deep.equal([
        `Could not start: port ${port} is already in use on 127.0.0.1: stop what listens there or set PORT to a free port`,
      ]);
      expect(refused.output()).not.to.match(/\n\s+at /);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('starts on an empty database with SMTP_URL and a secret, and seeds nothing', async function () {
    const empty = await createTestDatabase();
    try {
      server = startServer({
        NODE_ENV: 'production',
        DATABASE_URL: empty.url,
        PORT: '0',
        SESSION_SECRET: SECRET,
        SMTP_URL: smtp.url,
        APP_URL: 'https://crm.example.com',
      });
      await addressOf(server);
      const output = server.output();
      expect(output).to.not.contain(DEMO_CLIENT_PASSWORD);
      for (const workspace of SEED_WORKSPACES) for (const staff of workspace.staff) expect(output).to.not.contain(staff.password);
      expect(output).to.contain('npm run staff:create');

      // The way in on an empty production database: the command the server points to, then a sign-in.
      // Run without blocking this process: on the embedded engine the database is served from here.
      const created = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'plugins/reference-crm/cli/create-staff.ts',
          '--workspace',
          'agency',
          '--name',
          'Ann Admin',
          '--email',
          'ann@agency.example',
        ],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', DATABASE_URL: empty.url },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      const password = /Password \(shown once, keep it safe\): (\S+)/.exec(created.stdout)![1]!;
      const url = await addressOf(server);
      const form = await supertest(url).get('/signin').set('X-Forwarded-Proto', 'https').expect(200);
      const given = ((form.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
      await supertest(url)
        .post('/signin')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', given)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), email: 'ann@agency.example', password })
        .expect(303);
      await stopServer(server, 'SIGTERM');
      const db = createKnex(empty.url, 1);
      try {
        // Only what staff:create made: no demo workspace, staff, clients or client logins.
        expect(await db('workspaces').pluck('slug')).to.deep.equal(['agency']);
        expect(await db('staff_users').pluck('email')).to.deep.equal(['ann@agency.example']);
        for (const table of ['clients', 'contacts', 'invoices', 'client_users']) {
          const [row] = await db(table).count<{ count: string | number }[]>({ count: '*' });
          expect(Number(row!.count), table).to.equal(0);
        }
      } finally {
        await db.destroy();
      }
    } finally {
      await stopServer(server, 'SIGTERM');
      await empty.drop();
    }
  });

  it('has no demo payment provider, unless PAYMENTS_DEMO_PROVIDER=on, which it warns about', async function () {
    server = startServer({ NODE_ENV: 'production', DATABASE_URL: seeded.url, PORT: '0', SESSION_SECRET: SECRET, SMTP_URL: smtp.url });
    expect((await demoCallback(await addressOf(server))).status).to.equal(404);
    expect(server.output()).to.not.contain('PAYMENTS_DEMO_PROVIDER');
    await stopServer(server, 'SIGTERM');

    server = startServer({
      NODE_ENV: 'production',
      DATABASE_URL: seeded.url,
      PORT: '0',
      SESSION_SECRET: SECRET,
      SMTP_URL: smtp.url,
      PAYMENTS_DEMO_PROVIDER: 'on',
    });
    expect((await demoCallback(await addressOf(server))).status).to.equal(400);
    const warnings = server
      .output()
      .split('\n')
      .filter((line) => line.includes('PAYMENTS_DEMO_PROVIDER'));
    expect(warnings, server.output()).to.have.length(1);
    expect(warnings[0])
      .to.match(/"level":40/)
      .and.match(/no money/i);
  });

  it('serves with HSTS and secure cookies behind a local TLS proxy, and without the outbox', async function () {
    server = startServer({ NODE_ENV: 'production', DATABASE_URL: seeded.url, PORT: '0', SESSION_SECRET: SECRET, SMTP_URL: smtp.url });
    const url = await addressOf(server);
    const agent = supertest.agent(url);

    const signIn = await agent.get('/portal/demo/sign-in').set('X-Forwarded-Proto', 'https').expect(200);
    expect(signIn.headers['strict-transport-security']).to.match(/max-age=\d+/);
    expect((await supertest(url).get('/dev/outbox')).status).to.equal(404);

    // The demo's client, seeded by the test, signing in over the proxy. A cookie jar keeps Secure
    // cookies off plain http, so the browser's part (sending back what it was given) is done by hand.
    const given = ((signIn.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
    const posted = await agent
      .post('/portal/demo/sign-in/password')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', given)
      .type('form')
      .send({ _csrf: csrfFrom(signIn.text), email: 'maria@northwind.test', password: DEMO_CLIENT_PASSWORD });
    const cookie = cookieNamed(posted, 'portal.sid');
    expect(cookie, `answered ${posted.status}`).to.be.a('string');
    expect(cookie)
      .to.match(/;\s*Secure/i)
      .and.to.match(/;\s*HttpOnly/i);
    expect(posted.status).to.equal(303);

    // Without the proxy's word the request is plain http: no secure cookie is set.
    const plain = await supertest(url).get('/portal/demo/sign-in');
    expect(cookieNamed(plain, 'portal.sid') ?? '').to.not.match(/Secure/i);
  });
});
