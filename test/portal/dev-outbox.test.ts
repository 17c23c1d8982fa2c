// Without SMTP_URL the demo still works offline: emails go to a development outbox, printed to the
// console and listed at /dev/outbox for signed-in CRM staff, where a one-time code can be read and
// used. Anyone else is sent to the staff sign-in and sees no code.
import { expect } from 'chai';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, sixDigitCode } from '../support/portal-harness.ts';

describe('development outbox', function () {
  let database: TestDatabase;
  let crm: RunningCrm;

  before(async function () {
    database = await createSeededTestDatabase();
    crm = await bootReferenceCrm({
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'outbox-secret-'.padEnd(40, 'o'),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    });
  });
  after(async function () {
    await crm.close();
    await database.drop();
  });

  it('lists the sign-in code email, which signs the client in', async function () {
    const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    const agent = request.agent(crm.url);
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    await agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email })
      .expect(200);

    await crm.portal.drainOutbox();
    const refused = await request(crm.url).get('/dev/outbox').expect(303);
    expect(refused.headers.location).to.equal('/signin?next=%2Fdev%2Foutbox');
    expect(refused.text).to.not.match(/\d{6}/);

    const staff = request.agent(crm.url);
    const signInPage = await staff.get('/signin').expect(200);
    const admin = crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo')!;
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(signInPage.text), email: admin.email, password: admin.password })
      .expect(303);
    const outbox = await staff.get('/dev/outbox').expect(200);
    expect(outbox.headers['cache-control']).to.equal('no-store');
    expect(outbox.text).to.contain(login.email);
    const code = sixDigitCode(/Your sign-in code for Demo Agency: \d{6}/.exec(outbox.text)![0]);

    const form = await agent.get('/portal/demo/sign-in/code').expect(200);
    const res = await agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email: login.email, code });
    expect(res.status).to.equal(303);
  });

  it('is not mounted when mail goes to SMTP', async function () {
    expect(crm.outbox).to.not.equal(undefined);
    const other = await createSeededTestDatabase();
    const withSmtp = await bootReferenceCrm({
      databaseUrl: other.url,
      port: 0,
      smtpUrl: 'smtp://127.0.0.1:1',
      sessionSecret: 'x'.repeat(40),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    });
    try {
      await request(withSmtp.url).get('/dev/outbox').expect(404);
    } finally {
      await withSmtp.close();
      await other.drop();
    }
  });
});
