// Regression tests for the holes a review found in sign-in: the lockout race (20 parallel password
// sign-ins for one email: nothing gets past the fifth attempt), reset and invitation links that
// outlived a password change or an accepted invitation, the unlimited current-password check on the
// account page, code and reset requests that did more work (and an awaited send) for known emails,
// and double clicks that sent two emails.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { bootReferenceCrm } from '../../../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase } from '../../../../test/support/database.ts';
import {
  csrfFrom,
  flagsFileFor,
  linkFrom,
  signedInAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('sign-in security fixes', function () {
  let h: PortalHarness;
  let logins: Array<{ email: string; password: string; name: string }>;

  before(async function () {
    h = await startPortalHarness();
    logins = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');
  });
  after(async function () {
    await h.close();
  });
  beforeEach(async function () {
    // Mail of the previous test is delivered before the capture is cleared, so it cannot arrive late.
    await h.crm.portal.drainOutbox();
    h.smtp.clear();
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
  });

  async function formToken(agent: Agent, path: string): Promise<string> {
    return csrfFrom((await agent.get(path).expect(200)).text);
  }

  async function requestReset(email: string): Promise<string> {
    const agent = h.agent();
    const csrf = await formToken(agent, '/portal/demo/password/forgot');
    await agent.post('/portal/demo/password/forgot').type('form').send({ _csrf: csrf, email }).expect(200);
    const message = await h.smtp.waitForMessage((m) => m.to.includes(email) && m.subject.includes('Reset'), 5000);
    return linkFrom(message.text, '/password/reset/');
  }

  describe('lockout race', function () {
    it('20 parallel password sign-ins for one email: no more than five are checked, none succeeds after the fifth failure', async function () {
      const login = logins[0]!;
      const agents = Array.from({ length: 20 }, () => h.agent());
      const tokens = await Promise.all(agents.map((agent) => formToken(agent, '/portal/demo/sign-in')));
      // The 14th carries the right password.
      const statuses = await Promise.all(
        agents.map((agent, i) =>
          agent
            .post('/portal/demo/sign-in/password')
            .type('form')
            .send({ _csrf: tokens[i], email: login.email, password: i === 13 ? login.password : `wrong-${i}` })
            .then((res) => res.status),
        ),
      );
      const checked = statuses.filter((status) => status !== 429);
      expect(checked.length, `statuses: ${statuses.join(',')}`).to.be.at.most(5);
      const failures = statuses.filter((status) => status === 401).length;
      if (statuses.includes(303)) {
        // The right password was among the first five attempts counted: fewer than five failed.
        expect(failures).to.be.below(5);
      } else {
        expect(failures).to.equal(5);
        expect(await signInStatus(h.agent(), login)).to.equal(429);
      }
    });

    async function signInStatus(agent: Agent, login: { email: string; password: string }) {
      const csrf = await formToken(agent, '/portal/demo/sign-in');
      return (
        await agent.post('/portal/demo/sign-in/password').type('form').send({ _csrf: csrf, email: login.email, password: login.password })
      ).status;
    }
  });

  describe('links are voided', function () {
    it('a password change on the account page voids every reset link sent before', async function () {
      const login = logins[1]!;
      const link = await requestReset(login.email);
      await h.agent().get(link).expect(200);
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const csrf = await formToken(agent, '/portal/demo/account');
      const next = 'a-changed-password-2026';
      await agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ _csrf: csrf, currentPassword: login.password, password: next, confirmPassword: next })
        .expect(303);
      await h.agent().get(link).expect(410);
      // Back to the demo password, for the other tests.
      const back = await formToken(agent, '/portal/demo/account');
      await agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ _csrf: back, currentPassword: next, password: login.password, confirmPassword: login.password })
        .expect(303);
    });

    it('an accepted invitation voids the reset link sent meanwhile, and a reset voids the invitation', async function () {
      const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      const contacts = await h.crm.adapter.contacts.list(workspace.id);
      const taken = await h.crm.db('client_users').where({ workspace_id: workspace.id }).pluck('contact_id');
      const [first, second] = contacts.filter((c) => !taken.includes(c.id) && c.email);
      const staff = { id: '1', workspaceId: workspace.id, name: 'Test Admin', email: 'admin@demo.test', role: 'admin' as const };

      // Invitation accepted → the reset link asked for meanwhile stops working.
      await h.crm.portal.auth.invite(workspace, first!.id, staff, { ip: '127.0.0.1', userAgent: 'test' });
      const email = first!.email.toLowerCase();
      const invitation = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(email), 5000)).text, '/invitation/');
      const reset = await requestReset(email);
      const agent = h.agent();
      const csrf = csrfFrom((await agent.get(invitation).expect(200)).text);
      await agent
        .post(invitation)
        .type('form')
        .send({ _csrf: csrf, password: 'accepted-password-1', confirmPassword: 'accepted-password-1' })
        .expect(303);
      await h.agent().get(reset).expect(410);

      // Reset used → the invitation link sent before stops working.
      await h.crm.portal.auth.invite(workspace, second!.id, staff, { ip: '127.0.0.1', userAgent: 'test' });
      const email2 = second!.email.toLowerCase();
      const invitation2 = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(email2), 5000)).text, '/invitation/');
      const reset2 = await requestReset(email2);
      const other = h.agent();
      const csrf2 = csrfFrom((await other.get(reset2).expect(200)).text);
      await other
        .post(reset2)
        .type('form')
        .send({ _csrf: csrf2, password: 'reset-password-2', confirmPassword: 'reset-password-2' })
        .expect(303);
      await h.agent().get(invitation2).expect(410);
    });
  });

  describe('current-password check on the account page', function () {
    it('after five wrong current passwords, even the right one is refused with 429 and when to retry', async function () {
      const login = logins[0]!;
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const csrf = await formToken(agent, '/portal/demo/account');
      const next = 'never-set-password-2026';
      for (let i = 0; i < 5; i++) {
        await agent
          .post('/portal/demo/account/password')
          .type('form')
          .send({ _csrf: csrf, currentPassword: `guess-${i}`, password: next, confirmPassword: next })
          .expect(400);
      }
      const right = await agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ _csrf: csrf, currentPassword: login.password, password: next, confirmPassword: next });
      expect(right.status).to.equal(429);
      expect(Number(right.headers['retry-after'])).to.be.within(1, 15 * 60);
      expect(right.text).to.match(/Too many wrong passwords\. Try again in \d+ minutes?\./);
      // The password did not change.
      await signedInAgent(h.agent(), 'demo', login);
    });
  });

  describe('enumeration by timing: known and unknown emails do the same work', function () {
    /** The SQL statements (text, not values) one request runs, leaving out the mail worker's own. */
    async function statementsOf(db: Knex, run: () => Promise<unknown>): Promise<string[]> {
      const seen: string[] = [];
      const listener = (query: { sql: string }) => {
        const worker = /portal_mail_outbox/.test(query.sql) && !/^insert/i.test(query.sql.trim());
        if (!worker) seen.push(query.sql);
      };
      db.on('query', listener);
      try {
        await run();
      } finally {
        db.off('query', listener);
      }
      return seen;
    }

    for (const [label, page, action] of [
      ['code request', '/portal/demo/sign-in', '/portal/demo/sign-in/code'],
      ['reset request', '/portal/demo/password/forgot', '/portal/demo/password/forgot'],
    ] as const) {
      it(`a ${label} runs the same SQL statements for a known and an unknown email`, async function () {
        const agent = h.agent();
        const csrf = await formToken(agent, page);
        const post = (email: string) => agent.post(action).type('form').send({ _csrf: csrf, email }).expect(200);
        const known = await statementsOf(h.crm.db, () => post(logins[1]!.email));
        await h.afterRepeatWindow();
        await h.crm.db('portal_rate_limits').delete();
        const unknown = await statementsOf(h.crm.db, () => post('nobody-at-all@example.com'));
        expect(unknown).to.deep.equal(known);
        expect(known.some((sql) => /insert into portal_mail_outbox/i.test(sql))).to.equal(true);
      });
    }

    it('answers a code request without waiting for the mail server (SMTP down: 200, the email waits in the outbox)', async function () {
      const database = await createSeededTestDatabase();
      const crm = await bootReferenceCrm({
        databaseUrl: database.url,
        port: 0,
        smtpUrl: 'smtp://127.0.0.1:1',
        sessionSecret: 's'.repeat(48),
        flagsFile: flagsFileFor(['demo']),
        quiet: true,
      });
      try {
        const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
        const agent = (await import('supertest')).default.agent(crm.url);
        const csrf = csrfFrom((await agent.get('/portal/demo/sign-in').expect(200)).text);
        const res = await agent.post('/portal/demo/sign-in/code').type('form').send({ _csrf: csrf, email: login.email });
        expect(res.status).to.equal(200);
        await crm.portal.drainOutbox();
        const rows = await crm.db('portal_mail_outbox').select('recipient', 'sent_at', 'attempts');
        expect(rows).to.deep.equal([{ recipient: login.email, sent_at: null, attempts: 1 }]);
      } finally {
        await crm.close();
        await database.drop();
      }
    });
  });

  describe('double clicks', function () {
    it('the same code request twice within a few seconds sends one email and answers both alike', async function () {
      const login = logins[1]!;
      const agent = h.agent();
      const csrf = await formToken(agent, '/portal/demo/sign-in');
      const post = () => agent.post('/portal/demo/sign-in/code').type('form').send({ _csrf: csrf, email: login.email });
      const [a, b] = await Promise.all([post(), post()]);
      const c = await post();
      expect([a.status, b.status, c.status]).to.deep.equal([200, 200, 200]);
      const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
      expect(strip(b.text)).to.equal(strip(a.text));
      expect(strip(c.text)).to.equal(strip(a.text));
      await h.crm.portal.drainOutbox();
      expect(h.smtp.messages.filter((m) => m.to.includes(login.email))).to.have.length(1);
      // The code in that one email works: no later request replaced it.
      const code = /\b(\d{6})\b/.exec(h.smtp.messages.find((m) => m.to.includes(login.email))!.subject)![1]!;
      const verifyCsrf = await formToken(agent, '/portal/demo/sign-in/code');
      const signedIn = await agent
        .post('/portal/demo/sign-in/code/verify')
        .type('form')
        .send({ _csrf: verifyCsrf, email: login.email, code });
      expect(signedIn.status).to.equal(303);
    });
  });
});
