// Instances are stateless: two app instances on one database share sessions and rate limits,
// so a load balancer may send each request to either.
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
