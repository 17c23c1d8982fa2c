// The sign-in and security log on the reference CRM: Maria reads her own sign-ins (with the method,
// the address and a short browser name) and security changes, newest first, fifty to a page with
// an "older" link, and nothing of anyone else nor any other kind of activity. Her company's log is
// for client admins only: Olivia, Northwind's client admin, reads everyone's with their emails;
// Maria gets 404. A malformed page address is a 400 with words. The partial indexes (the pages'
// and the retention's) hold exactly the events the page reads, and its query reads them.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { SECURITY_EVENTS } from '../security-log/events.ts';

const LOG = '/portal/demo/account/security-log';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0';

const rowsOf = (html: string) => (/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').match(/<tr>/g)?.length ?? 0;

describe('sign-in and security log', function () {
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let maria: { id: string; client_id: string; email: string };
  let olivia: { id: string; client_id: string; email: string };
  let mariaAgent: Awaited<ReturnType<typeof signedInAgent>>;

  const log = (who: { id: string; client_id: string; email: string }, event: string, extra: Record<string, unknown> = {}) => ({
    workspace_id: workspaceId,
    client_user_id: who.id,
    client_id: who.client_id,
    email: who.email,
    event,
    details: JSON.stringify(extra),
    ip: '203.0.113.7',
    user_agent: FIREFOX,
  });

  before(async function () {
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    const person = (email: string) => db('client_users').where({ workspace_id: workspaceId, email }).first('id', 'client_id', 'email');
    maria = await person('maria@northwind.test');
    olivia = await person('olivia@northwind.test');
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === maria.email)!;
    mariaAgent = await signedInAgent(h.agent(), 'demo', login);
  });
  after(async function () {
    await h?.close();
  });

  it("lists the person's own sign-ins and security changes, and nothing else", async function () {
    await db('client_activity_logs').insert([
      log(maria, 'passkey.added'),
      log(maria, 'invoice.viewed', { invoiceId: 'inv-1' }),
      log(olivia, 'password.changed'),
    ]);
    const page = await mariaAgent.get(LOG).expect(200);
    expect(page.text).to.contain('Sign-in and security log');
    // Her own sign-in through the harness, with its method.
    expect(page.text).to.match(/Signed in <span class="hint">\(password\)<\/span>/);
    expect(page.text).to.contain('Added a passkey');
    expect(page.text).to.contain('Firefox on Windows');
    expect(page.text).to.contain('203.0.113.7');
    expect(page.text).not.to.contain('Viewed an invoice');
    expect(page.text).not.to.contain('Changed password');
    // How long the workspace keeps them (its admin has not changed the default).
    expect(page.text).to.contain('Entries are kept for 365 days, then deleted.');
    // Newest first: the passkey, added after the sign-in, comes before it.
    expect(page.text.indexOf('Added a passkey')).to.be.below(page.text.indexOf('Signed in <span'));
    // The Account page links to it; Maria is no client admin, so not to the company's.
    const account = await mariaAgent.get('/portal/demo/account').expect(200);
    expect(account.text).to.contain('href="/portal/demo/account/security-log"');
    expect(account.text).not.to.contain('security-log/company');
  });

  it('pages fifty at a time, newest first, with an older link', async function () {
    await db('client_activity_logs').where({ workspace_id: workspaceId, client_user_id: maria.id }).delete();
    await db('client_activity_logs').insert(Array.from({ length: 120 }, (_, i) => log(maria, 'sign_in.failed', { method: 'code', n: i })));
    const first = await mariaAgent.get(LOG).expect(200);
    expect(rowsOf(first.text)).to.equal(50);
    const older = /href="([^"]+\?before=\d+)"/.exec(first.text)?.[1];
    expect(older).to.be.a('string');
    const second = await mariaAgent.get(older!).expect(200);
    expect(rowsOf(second.text)).to.equal(50);
    const third = await mariaAgent.get(/href="([^"]+\?before=\d+)"/.exec(second.text)![1]!).expect(200);
    expect(rowsOf(third.text)).to.equal(20);
    expect(third.text).not.to.match(/\?before=\d+/);
    expect(third.text).to.contain('Newest entries');
  });

  it('refuses a malformed page address with words', async function () {
    const res = await mariaAgent.get(`${LOG}?before=1%20or%201=1`).expect(400);
    expect(res.text).to.contain('That page of the log does not exist.');
  });

  it("shows the company's log to a client admin only, with each person's email", async function () {
    await mariaAgent.get(`${LOG}/company`).expect(404);
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === olivia.email)!;
    const admin = await signedInAgent(h.agent(), 'demo', login);
    const account = await admin.get('/portal/demo/account').expect(200);
    expect(account.text).to.contain('href="/portal/demo/account/security-log/company"');
    const page = await admin.get(`${LOG}/company`).expect(200);
    expect(page.text).to.contain('maria@northwind.test');
    expect(page.text).to.contain('olivia@northwind.test');
    const others = await db('client_activity_logs')
      .where({ workspace_id: workspaceId })
      .whereNot({ client_id: maria.client_id })
      .whereNotNull('email')
      .whereIn('event', [...SECURITY_EVENTS])
      .distinct('email');
    for (const { email } of others) expect(page.text).not.to.contain(email);
  });

  it('has partial indexes that hold exactly the events the page reads', async function () {
    const { rows } = await db.raw<{ rows: Array<{ indexdef: string }> }>(
      `select indexdef from pg_indexes where indexname in
         ('client_activity_logs_security_person_idx', 'client_activity_logs_security_company_idx', 'client_activity_logs_security_age_idx')`,
    );
    expect(rows).to.have.length(3);
    for (const { indexdef } of rows) {
      const named = [...indexdef.matchAll(/'([a-z_.]+)'::(?:character varying|text)/g)].map((m) => m[1]).sort();
      expect(named).to.deep.equal([...SECURITY_EVENTS].sort());
    }
    // And the page's query, with its values bound as knex binds them, can read them (sequential scans
    // off: on a test's few rows the planner would rightly prefer one).
    const plan = await db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const events = SECURITY_EVENTS.map(() => '?').join(', ');
      const explain = (column: string, id: string) =>
        trx.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
          `explain select id from client_activity_logs where workspace_id = ? and event in (${events}) and ${column} = ? order by id desc limit 51`,
          [workspaceId, ...SECURITY_EVENTS, id],
        );
      const lines = async (column: string, id: string) => (await explain(column, id)).rows.map((r) => r['QUERY PLAN']).join('\n');
      return { person: await lines('client_user_id', maria.id), company: await lines('client_id', maria.client_id) };
    });
    expect(plan.person).to.contain('client_activity_logs_security_person_idx');
    expect(plan.company).to.contain('client_activity_logs_security_company_idx');
  });
});
