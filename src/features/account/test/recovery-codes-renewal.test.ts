// New recovery codes from the two-factor status page, over HTTP: the form asks "is it really you?"
// (the current password; a wrong one changes nothing), makes a new set in place of the earlier one
// (stored hashed, the earlier codes refused at sign-in, the new ones accepted once), shows the codes
// once on the page it redirects to (post/redirect/get; a reload goes back to the status page), logs
// it, and speaks German to a German reader. With two-factor off there is nothing to renew.
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { csrfFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';

/** The outbox worker and the staff-notification dispatcher run on their own and may overlap a measured request. */
const isRequestQuery = (sql: string) => !/portal_mail_outbox|portal_notification_dispatch/i.test(sql);

type Agent = ReturnType<PortalHarness['agent']>;

const STATUS = '/portal/demo/account/two-factor';
const RENEW = '/portal/demo/account/two-factor/recovery-codes';
const codesOn = (html: string) => [...html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);

describe('new recovery codes from the two-factor status page', function () {
  let h: PortalHarness;
  let login: { email: string; password: string };
  let agent: Agent;
  let firstCodes: string[] = [];

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    agent = h.agent();
    expect((await postPasswordSignIn(agent, 'demo', login)).status).to.equal(303);
    const page = await agent.get(`${STATUS}/setup`).expect(200);
    const secret = /id="setup-secret">([A-Z2-7 ]+)</.exec(page.text)![1]!.replace(/ /g, '');
    const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate();
    const done = await agent
      .post(`${STATUS}/setup`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code, currentPassword: login.password })
      .expect(303);
    firstCodes = codesOn((await agent.get(String(done.headers.location)).expect(200)).text);
    expect(firstCodes).to.have.length(10);
    // A session of its own, signed in with a recovery code: the set-up's "is it really you?" holds
    // for the session that gave it, and this one must be asked again.
    agent = h.agent();
    expect((await postPasswordSignIn(agent, 'demo', login)).status).to.equal(303);
    const second = await agent.get('/portal/demo/sign-in/two-factor').expect(200);
    await agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(second.text), code: firstCodes.pop() })
      .expect(303);
  });
  after(async function () {
    await h?.close();
  });

  const storedHashes = async () => {
    const demo = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(demo.id), email: login.email })
      .first('id', 'workspace_id');
    return (
      await h.crm
        .db('client_recovery_codes')
        .where({ workspace_id: user.workspace_id, client_user_id: user.id })
        .orderBy('code_hash')
        .select('code_hash')
    ).map((row: { code_hash: string }) => row.code_hash);
  };
  const renewals = async () =>
    Number(
      (
        await h.crm.db('client_activity_logs').where({ event: 'two_factor.recovery_codes_renewed', email: login.email }).count({ n: '*' })
      )[0]!.n,
    );

  /** Signs in on a fresh agent and answers the second factor with `code`; the answer's status. */
  async function signInWithRecoveryCode(code: string): Promise<number> {
    const fresh = h.agent();
    expect((await postPasswordSignIn(fresh, 'demo', login)).headers.location).to.equal('/portal/demo/sign-in/two-factor');
    const page = await fresh.get('/portal/demo/sign-in/two-factor').expect(200);
    return (
      await fresh
        .post('/portal/demo/sign-in/two-factor')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), code })
    ).status;
  }

  it('offers the renewal on the status page, in English and German, with its own field ids beside the removal form', async function () {
    const english = await agent.get(STATUS).expect(200);
    expect(english.text).to.contain('New recovery codes').and.contain(`action="${RENEW}"`).and.contain('Make new recovery codes');
    expect(english.text).to.contain('id="renew-password"').and.contain('id="identity-password"');
    const ids = [...english.text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size, 'every id on the page once').to.equal(ids.length);
    const german = await agent.get(STATUS).set('Accept-Language', 'de').expect(200);
    expect(german.text).to.contain('Neue Wiederherstellungscodes erstellen').and.not.contain('Make new recovery codes');
  });

  it('refuses a wrong or missing password, keeping the codes, with the error linked to its own field', async function () {
    const before = await storedHashes();
    expect(before).to.have.length(10);
    const page = await agent.get(STATUS).expect(200);
    const wrong = await agent
      .post(RENEW)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: 'not-the-password' });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('href="#renew-password"').and.contain('id="renew-password-error"');
    expect(wrong.text).to.not.contain('id="identity-password-error"');
    const missing = await agent
      .post(RENEW)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(missing.status).to.equal(400);
    const german = await agent
      .post(RENEW)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: 'not-the-password' });
    expect(german.status).to.equal(400);
    expect(german.text).to.contain('Neue Wiederherstellungscodes');
    expect(await storedHashes()).to.deep.equal(before);
    expect(await renewals()).to.equal(0);
  });

  it('makes new codes after the password: shown once, stored hashed, logged; the earlier ones stop working', async function () {
    const page = await agent.get(STATUS).expect(200);
    const posted = await agent
      .post(RENEW)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: login.password })
      .expect(303);
    expect(posted.headers.location).to.equal(RENEW);
    const shown = await agent.get(RENEW).expect(200);
    expect(shown.headers['cache-control']).to.contain('no-store');
    expect(shown.text).to.contain('Here are your new recovery codes. The earlier ones no longer work.');
    expect(shown.text).to.not.contain('Two-factor authentication is on.');
    const renewed = codesOn(shown.text);
    expect(renewed).to.have.length(10);
    expect(renewed.filter((code) => firstCodes.includes(code))).to.deep.equal([]);
    // Shown once: a reload finds nothing to show and goes back to the status page.
    const reload = await agent.get(RENEW).expect(303);
    expect(reload.headers.location).to.equal(STATUS);

    const hashes = await storedHashes();
    expect(hashes).to.have.length(10);
    for (const code of renewed) expect(hashes.some((hash) => hash.includes(code) || hash.includes(code.replace('-', '')))).to.equal(false);
    expect(await renewals()).to.equal(1);
    expect((await agent.get(STATUS).expect(200)).text).to.contain('10 recovery codes left.');
    expect(firstCodes).to.have.length(9);

    expect(await signInWithRecoveryCode(firstCodes[0]!)).to.equal(401);
    expect(await signInWithRecoveryCode(renewed[0]!)).to.equal(303);
    expect(await signInWithRecoveryCode(renewed[0]!)).to.equal(401);
  });

  it('answers a German reader in German after the renewal (the identity held a few minutes needs no password again)', async function () {
    const page = await agent.get(STATUS).set('Accept-Language', 'de').expect(200);
    // Confirmed a moment ago: the form asks nothing more.
    expect(page.text).to.not.contain('id="renew-password"');
    await agent
      .post(RENEW)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const shown = await agent.get(RENEW).set('Accept-Language', 'de').expect(200);
    expect(shown.text).to.contain('Hier sind Ihre neuen Wiederherstellungscodes. Die bisherigen gelten nicht mehr.');
    expect(codesOn(shown.text)).to.have.length(10);
    expect(await renewals()).to.equal(2);
  });

  it('keeps to its query budget: the status page with two-factor on, and the renewal', async function () {
    const counter = countQueries();
    try {
      const measure = async (what: string, budget: number, action: () => Promise<unknown>) => {
        const counted = await counter.measure(action);
        const sql = counted.sql.filter(isRequestQuery);
        expect(sql.length, describeQueries(what, { count: sql.length, sql })).to.equal(budget);
        expectEachNamesItsWorkspace(sql, what);
      };
      // The session with its client user, the contact (2), the authenticator, the codes left.
      let page = '';
      await measure('GET account/two-factor (on)', 4, async () => {
        page = (await agent.get(STATUS).expect(200)).text;
      });
      // Identity confirmed a moment ago (held in the session): the session with its client user, the
      // contact (2), whether two-factor is on, then one transaction: BEGIN, the authenticator, the
      // codes deleted and inserted, the activity, COMMIT (6), and the session keeping the codes to show once (1).
      await measure('POST account/two-factor/recovery-codes', 10, () =>
        agent
          .post(RENEW)
          .type('form')
          .send({ _csrf: csrfFrom(page) })
          .expect(303),
      );
    } finally {
      counter.stop();
    }
  });

  it('makes nothing for a client without two-factor', async function () {
    const other = h.agent();
    const priya = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    expect((await postPasswordSignIn(other, 'demo', priya)).status).to.equal(303);
    const page = await other.get(STATUS).expect(200);
    expect(page.text).to.not.contain(`action="${RENEW}"`);
    const posted = await other
      .post(RENEW)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: priya.password })
      .expect(303);
    expect(posted.headers.location).to.equal(STATUS);
    expect(Number((await h.crm.db('client_recovery_codes').count({ n: '*' }))[0]!.n)).to.equal(10);
  });
});
