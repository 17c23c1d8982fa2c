// Instances are stateless: two app instances on one database share sessions and rate limits,
// so a load balancer may send each request to either.
import { expect } from 'chai';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor } from '../support/portal-harness.ts';

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
    const onA = request.agent(a.url);
    const page = await onA.get('/portal/demo/sign-in').expect(200);
    const res = await onA.post('/portal/demo/sign-in/password').type('form').send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password });
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
      const agent = request.agent(instance.url);
      const page = await agent.get('/portal/demo/sign-in');
      await agent.post('/portal/demo/sign-in/password').type('form').send({ _csrf: csrfFrom(page.text), email: login.email, password: `wrong-${i}` }).expect(401);
    }
    for (const instance of [a, b]) {
      const agent = request.agent(instance.url);
      const page = await agent.get('/portal/demo/sign-in');
      const res = await agent.post('/portal/demo/sign-in/password').type('form').send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password });
      expect(res.status).to.equal(429);
    }
  });
});
