// Instances are stateless: two app instances on one database share sessions and rate limits, and
// see each other's events (so caches invalidate everywhere), so a load balancer may send each
// request to either.
import { expect } from 'chai';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, postPasswordSignIn } from '../support/portal-harness.ts';

describe('two app instances on one database', function () {
  let database: TestDatabase;
  let a: RunningCrm;
  let b: RunningCrm;

  before(async function () {
    database = await createSeededTestDatabase();
    const common = {
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'shared-secret-'.padEnd(48, 'y'),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    };
    a = await bootReferenceCrm(common);
    b = await bootReferenceCrm(common);
  });
  after(async function () {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('each instance sees the events the other publishes', async function () {
    // Two instances in one process on the embedded database would each have their own in-process
    // bus: PGlite does not carry NOTIFY across connections, and embedded means one instance.
    if (database.mode === 'embedded') this.skip();
    const onA: object[] = [];
    const onB: object[] = [];
    a.events.subscribe('test.ping', (p) => onA.push(p));
    b.events.subscribe('test.ping', (p) => onB.push(p));
    await a.events.publish('test.ping', { from: 'a' });
    await b.events.publish('test.ping', { from: 'b' });
    for (let i = 0; i < 100 && (onA.length < 2 || onB.length < 2); i++) await new Promise((r) => setTimeout(r, 20));
    // Each sees its own event at once and the other's a moment later: order across instances is not kept.
    const senders = (got: object[]) => got.map((p) => (p as { from: string }).from).sort();
    expect(senders(onA)).to.deep.equal(['a', 'b']);
    expect(senders(onB)).to.deep.equal(['a', 'b']);
  });

  it('a settings save on one instance changes the portal on the other at once (cached per instance)', async function () {
    // On the embedded database each instance's bus is its own (see above); the TTL alone would apply.
    if (database.mode === 'embedded') this.skip();
    // B has the workspace cached before the save.
    expect((await request(b.url).get('/portal/demo/sign-in').expect(200)).text).to.not.contain('Harbour hub');
    const css = async () => (await request(b.url).get('/portal/demo/branding.css').expect(200)).text;
    expect(await css()).to.not.contain('--brand:#0b6e4f');

    const staff = a.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const admin = request.agent(a.url);
    const signIn = await admin.get('/signin').expect(200);
    await admin
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(signIn.text), email: staff.email, password: staff.password })
      .expect(303);
    const form = await admin.get('/settings/client-portal').expect(200);
    const fields: Record<string, string> = {
      _csrf: csrfFrom(form.text),
      showProposals: 'on',
      showInvoices: 'on',
      showTasks: 'on',
      loginWithCode: 'on',
      loginWithPassword: 'on',
      portalTitle: 'Harbour hub',
      primaryColor: '#0b6e4f',
    };
    let post = admin.post('/settings/client-portal');
    for (const [name, value] of Object.entries(fields)) post = post.field(name, value);
    expect((await post).status).to.equal(303);

    // The NOTIFY reaches B within milliseconds; no request waits for the 30 s TTL.
    let seen = '';
    for (let i = 0; i < 50 && !seen.includes('--brand:#0b6e4f'); i++) {
      seen = await css();
      if (!seen.includes('--brand:#0b6e4f')) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).to.contain('--brand:#0b6e4f');
    expect((await request(b.url).get('/portal/demo/sign-in').expect(200)).text).to.contain('Harbour hub');
  });

  it('a session started on one instance is valid on the other', async function () {
    const login = a.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    const res = await postPasswordSignIn(request.agent(a.url), 'demo', login);
    expect(res.status).to.equal(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.sid='))!.split(';')[0]!;
    const onB = await request(b.url).get('/portal/demo/account').set('Cookie', cookie);
    expect(onB.status).to.equal(200);
    expect(onB.text).to.contain(login.email);
  });

  it('a lockout earned on one instance holds on the other', async function () {
    const login = a.clientLogins.filter((l) => l.workspaceSlug === 'demo')[1]!;
    for (let i = 0; i < 5; i++) {
      const instance = i % 2 === 0 ? a : b;
      const res = await postPasswordSignIn(request.agent(instance.url), 'demo', { email: login.email, password: `wrong-${i}` });
      expect(res.status).to.equal(401);
    }
    for (const instance of [a, b]) {
      const res = await postPasswordSignIn(request.agent(instance.url), 'demo', login);
      expect(res.status).to.equal(429);
    }
  });
});
