// Instances are stateless: two app instances on one database share sessions and rate limits, and
// see each other's events (so caches invalidate everywhere), so a load balancer may send each
// request to either.
import { expect } from 'chai';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { flagsFileFor, postPasswordSignIn } from '../support/portal-harness.ts';

describe('two app instances on one database', function () {
  let database: TestDatabase;
  let a: RunningCrm;
  let b: RunningCrm;

  before(async function () {
    database = await createTestDatabase();
    const common = { databaseUrl: database.url, port: 0, sessionSecret: 'shared-secret-'.padEnd(48, 'y'), flagsFile: flagsFileFor(['demo']), quiet: true };
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
