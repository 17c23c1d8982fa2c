// Client roles and the agency's overrides, end to end on the reference CRM: a workspace admin gives
// Maria García of Northwind the Billing role (shown first as what it changes, then saved, logged,
// and her open live stream ended so it comes back under the new access); as Billing she never
// meets a proposal or quotation (list, record, PDF, dashboard, navigation, offer reminders);
// hiding invoices from her whole company takes them away too, with the reason on her page; a
// workspace role is created, given, changed (confirmed, since someone holds it) and removed only
// once no one holds it. Bad input gets a 4xx with words, never a 500.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { activeClientUsersOf } from '../../offers/reminders/queries.ts';
import {
  cookieNamed,
  postPasswordSignIn,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  postFormFrom,
} from '../../../../test/support/portal-harness.ts';
import { setAsideDemoRoleLogins } from '../../../../test/support/demo-records.ts';
import { openSse } from '../../../../test/support/sse-client.ts';

const ADMIN = '/settings/client-portal';
const PORTAL = '/portal/demo';

describe('client roles and access overrides (admin pages and the portal)', function () {
  let h: PortalHarness;
  let db: Knex;
  let staff: Awaited<ReturnType<typeof signedInStaffAgent>>;
  let maria: { id: string; workspace_id: string; client_id: string; email: string };
  let mariaLogin: { email: string; password: string };

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    db = h.crm.db;
    staff = await signedInStaffAgent(h, 'demo');
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    mariaLogin = { email: login.email, password: login.password };
    const demo = await h.crm.adapter.workspaces.findBySlug('demo');
    maria = await db('client_users')
      .where({ workspace_id: demo!.id, email: 'maria@northwind.test' })
      .first('id', 'workspace_id', 'client_id', 'email');
  });
  after(async function () {
    await h?.close();
  });
  afterEach(async function () {
    await db('client_users')
      .where({ workspace_id: maria.workspace_id, id: maria.id })
      .update({ role: 'full', client_role_id: null, denied_permissions: [] });
    await db('portal_client_access').where({ workspace_id: maria.workspace_id }).delete();
  });

  /** Maria, signed in, and her session cookie. */
  async function signInMaria() {
    const agent = h.agent();
    const res = await postPasswordSignIn(agent, 'demo', mariaLogin);
    expect(res.status).to.equal(303);
    return { agent, cookie: cookieNamed(res, 'portal.sid')!.split(';')[0]! };
  }

  /** Posts a form of an admin page, with the page's CSRF token. */
  const postForm = (pageUrl: string, action: string, form: Record<string, string>, status: number) =>
    postFormFrom(staff, pageUrl, action, form, status);

  const personPage = () => `${ADMIN}/clients/${maria.id}/access`;

  it('shows what a person sees and why, and links to it from the clients page', async function () {
    const list = await staff.get(`${ADMIN}/clients`).expect(200);
    expect(list.text).to.contain(`href="${ADMIN}/clients/${maria.id}/access"`);
    expect(list.text).to.contain(`/companies/${encodeURIComponent(maria.client_id)}/access`);
    const page = await staff.get(personPage()).expect(200);
    expect(page.text).to.contain('What Maria García sees');
    expect(page.text).to.match(/id="role-full"[^>]* checked/);
    // Online payments are off in the demo workspace unless switched on: the first layer says so.
    expect(page.text).to.match(/Paying online<\/th>\s*<td>No<\/td>\s*<td>Hidden: switched off for the whole workspace<\/td>/);
    expect(page.text).to.match(/Invoices<\/th>\s*<td>Yes<\/td>/);
  });

  it('gives the Billing role after showing what it changes, logs it, and ends her live stream', async function () {
    const { cookie } = await signInMaria();
    const stream = await openSse(`${h.crm.url}${PORTAL}/live`, { Cookie: cookie });
    try {
      const review = await postForm(personPage(), personPage(), { role: 'billing' }, 200);
      expect(review.text).to.contain('Change what Maria García sees?');
      expect(review.text).to.contain('Role: Full access → Billing.');
      expect(review.text).to.contain('No longer sees: Proposals and quotations, Tasks, Projects, Messages.');
      // Nothing is saved before the confirmation.
      expect((await db('client_users').where({ id: maria.id }).first('role')).role).to.equal('full');
      expect(stream.isEnded).to.equal(false);

      const saved = await postForm(personPage(), personPage(), { role: 'billing', confirmed: 'on' }, 303);
      expect(saved.headers.location).to.equal(`${personPage()}?saved=1`);
      expect((await db('client_users').where({ id: maria.id }).first('role')).role).to.equal('billing');
      const logged = await db('client_activity_logs')
        .where({ workspace_id: maria.workspace_id, event: 'client_user.access_changed', client_user_id: maria.id })
        .orderBy('id', 'desc')
        .first('details');
      expect(logged.details).to.deep.include({ role: { from: 'full', to: 'billing' } });
      await stream.ended;
      const page = await staff.get(`${personPage()}?saved=1`).expect(200);
      expect(page.text).to.match(/Proposals and quotations<\/th>\s*<td>No<\/td>\s*<td>Hidden: role Billing<\/td>/);
    } finally {
      stream.close();
    }
  });

  it('never shows a Billing person a proposal or quotation: lists, records, PDFs, dashboard, navigation, reminders', async function () {
    await db('client_users').where({ workspace_id: maria.workspace_id, id: maria.id }).update({ role: 'billing' });
    const { agent } = await signInMaria();
    const offer = await db('proposals as p')
      .join('clients as c', (on) => on.on('c.workspace_id', 'p.workspace_id').andOn('c.id', 'p.client_id'))
      .where({ 'c.name': 'Northwind Traders' })
      .whereNot('p.status', 'draft')
      .first('p.id');
    const quotation = await db('quotations as q')
      .join('clients as c', (on) => on.on('c.workspace_id', 'q.workspace_id').andOn('c.id', 'q.client_id'))
      .where({ 'c.name': 'Northwind Traders' })
      .whereNot('q.status', 'draft')
      .first('q.id');
    for (const url of [
      '/proposals',
      `/proposals/${offer.id}`,
      `/proposals/${offer.id}.pdf`,
      `/proposals/${offer.id}/preview`,
      '/quotations',
      `/quotations/${quotation.id}`,
      `/quotations/${quotation.id}.pdf`,
      '/tasks',
      '/messages',
    ]) {
      expect((await agent.get(`${PORTAL}${url}`)).status, url).to.equal(404);
    }
    const dashboard = await agent.get(`${PORTAL}/`).expect(200);
    expect(dashboard.text).not.to.contain(`href="${PORTAL}/proposals"`);
    expect(dashboard.text).not.to.contain(`href="${PORTAL}/quotations"`);
    expect(dashboard.text).to.contain(`href="${PORTAL}/invoices"`);
    await agent.get(`${PORTAL}/invoices`).expect(200);
    const recipients = await activeClientUsersOf(db, maria.workspace_id, [maria.client_id]);
    expect(recipients.map((r) => r.email)).not.to.include(maria.email);
  });

  it('never sends a Billing person a live event of a proposal: an invoice comment arrives, a proposal comment does not', async function () {
    await db('client_users').where({ workspace_id: maria.workspace_id, id: maria.id }).update({ role: 'billing' });
    const { cookie } = await signInMaria();
    const stream = await openSse(`${h.crm.url}${PORTAL}/live`, { Cookie: cookie });
    try {
      const record = async (kind: 'proposal' | 'invoice') => {
        const table = kind === 'proposal' ? 'proposals' : 'invoices';
        const row = await db(table)
          .where({ workspace_id: Number(maria.workspace_id), client_id: Number(maria.client_id) })
          .whereNot('status', 'draft')
          .first('id');
        return `${ADMIN}/records/${kind}/${maria.client_id}/${row.id}`;
      };
      const proposal = await record('proposal');
      const invoice = await record('invoice');
      await postForm(proposal, `${proposal}/comments`, { body: 'About the proposal' }, 303);
      await postForm(invoice, `${invoice}/comments`, { body: 'About the invoice' }, 303);
      await stream.waitFor((event) => event.event === 'comment-created');
      const comments = stream.events.filter((event) => event.event === 'comment-created').map((event) => JSON.parse(event.data));
      expect(comments.map((data) => data.subjectType)).to.deep.equal(['invoice']);
      expect(stream.events.map((event) => event.data).join('\n')).not.to.contain('"subjectType":"proposal"');
    } finally {
      stream.close();
    }
  });

  it('hides invoices from everyone at a company, with the reason on each person’s page', async function () {
    const companyPage = `${ADMIN}/companies/${encodeURIComponent(maria.client_id)}/access`;
    const review = await postForm(companyPage, companyPage, { hide_invoices: 'on' }, 200);
    expect(review.text).to.contain('Everyone at Northwind Traders no longer sees: Invoices.');
    await postForm(companyPage, companyPage, { hide_invoices: 'on', confirmed: 'on' }, 303);
    const { agent } = await signInMaria();
    await agent.get(`${PORTAL}/invoices`).expect(404);
    await agent.get(`${PORTAL}/proposals`).expect(200);
    const page = await staff.get(personPage()).expect(200);
    expect(page.text).to.match(/Invoices<\/th>\s*<td>No<\/td>\s*<td>Hidden: hidden from their company<\/td>/);
    const company = await staff.get(companyPage).expect(200);
    expect(company.text).to.match(/id="company-hide-invoices"[^>]* checked/);
    expect(company.text).to.contain('Maria García');
    expect(
      await db('client_activity_logs')
        .where({ workspace_id: maria.workspace_id, event: 'client.access_changed', client_id: maria.client_id })
        .first('id'),
    ).to.not.equal(undefined);
  });

  it('creates a workspace role, gives it, asks before changing it, and removes it only once no one holds it', async function () {
    const created = await postForm(
      `${ADMIN}/roles`,
      `${ADMIN}/roles`,
      { name: 'Accounts payable', grant_invoices: 'on', grant_payments: 'on' },
      303,
    );
    expect(created.headers.location).to.equal(`${ADMIN}/roles?notice=created`);
    const role = await db('client_roles').where({ workspace_id: maria.workspace_id, name: 'Accounts payable' }).first('id');
    await postForm(personPage(), personPage(), { role: `custom:${role.id}`, confirmed: 'on' }, 303);
    const page = await staff.get(personPage()).expect(200);
    expect(page.text).to.match(/Documents<\/th>\s*<td>No<\/td>\s*<td>Hidden: role Accounts payable<\/td>/);
    const { agent } = await signInMaria();
    await agent.get(`${PORTAL}/documents`).expect(404);
    await agent.get(`${PORTAL}/invoices`).expect(200);

    const roleUrl = `${ADMIN}/roles/${role.id}`;
    const review = await postForm(
      roleUrl,
      roleUrl,
      { name: 'Accounts payable', grant_invoices: 'on', grant_payments: 'on', grant_documents: 'on' },
      200,
    );
    expect(review.text).to.contain('The 1 person who holds it now sees: Documents');
    await postForm(
      roleUrl,
      roleUrl,
      { name: 'Accounts payable', grant_invoices: 'on', grant_payments: 'on', grant_documents: 'on', confirmed: 'on' },
      303,
    );
    await agent.get(`${PORTAL}/documents`).expect(200);

    const refused = await postForm(roleUrl, `${roleUrl}/remove`, {}, 409);
    expect(refused.text).to.contain('1 person holds this role. Give them another role first');
    await postForm(personPage(), personPage(), { role: 'member', confirmed: 'on' }, 303);
    await staff.get(`${roleUrl}/remove`).expect(200);
    await postForm(roleUrl, `${roleUrl}/remove`, {}, 303);
    expect(await db('client_roles').where({ id: role.id }).first('id')).to.equal(undefined);
    const events = await db('client_activity_logs')
      .where({ workspace_id: maria.workspace_id })
      .whereIn('event', ['client_role.created', 'client_role.changed', 'client_role.removed'])
      .orderBy('id')
      .pluck('event');
    expect(events).to.deep.equal(['client_role.created', 'client_role.changed', 'client_role.removed']);
  });

  it('shows a record "as" one person: their portal’s page, or what hides it from them', async function () {
    await db('client_users').where({ workspace_id: maria.workspace_id, id: maria.id }).update({ role: 'billing' });
    const proposal = await db('proposals')
      .where({ workspace_id: Number(maria.workspace_id), client_id: Number(maria.client_id) })
      .whereNot('status', 'draft')
      .first('id');
    const invoice = await db('invoices')
      .where({ workspace_id: Number(maria.workspace_id), client_id: Number(maria.client_id) })
      .whereNot('status', 'draft')
      .first('id');
    const record = (kind: string, id: number) => `${ADMIN}/records/${kind}/${maria.client_id}/${id}/as-client`;

    const company = await staff.get(record('proposal', proposal.id)).expect(200);
    expect(company.text).to.contain('View as');
    expect(company.text).to.contain(`<option value="${maria.id}">maria@northwind.test (Billing)</option>`);
    const hidden = await staff.get(`${record('proposal', proposal.id)}?as=${maria.id}`).expect(200);
    expect(hidden.text).to.contain('maria@northwind.test does not see this proposal in the portal.');
    expect(hidden.text).to.contain('Hidden: role Billing.');
    const shown = await staff.get(`${record('invoice', invoice.id)}?as=${maria.id}`).expect(200);
    expect(shown.text).to.contain('maria@northwind.test at Northwind Traders');
    expect(shown.text).not.to.contain('does not see this');
    const logged = await db('client_activity_logs')
      .where({ workspace_id: maria.workspace_id, event: 'record.viewed_as_client' })
      .orderBy('id', 'desc')
      .first('details');
    expect(logged.details).to.include({ asClientUserId: maria.id });

    const stranger = await db('client_users')
      .where({ workspace_id: maria.workspace_id })
      .whereNot({ client_id: maria.client_id })
      .first('id');
    await staff.get(`${record('invoice', invoice.id)}?as=${stranger.id}`).expect(404);
    const bad = await staff.get(`${record('invoice', invoice.id)}?as=nobody`).expect(400);
    expect(bad.text).to.contain('Choose a person from the list.');
  });

  it('keeps the last client admin of a company: the agency can neither give her another role nor disable her', async function () {
    // The demo's own Northwind client admin set aside, Maria is the company's only one.
    await setAsideDemoRoleLogins(db);
    await db('client_users').where({ workspace_id: maria.workspace_id, id: maria.id }).update({ role: 'admin' });
    const demoted = await postForm(personPage(), personPage(), { role: 'full', confirmed: 'on' }, 409);
    expect(demoted.text).to.contain('This is the only client admin of their company.');
    const disabled = await postForm(`${ADMIN}/clients`, `${ADMIN}/clients/${maria.id}/disable`, {}, 409);
    expect(disabled.text).to.contain('Make someone else there client admin first.');
    expect(await db('client_users').where({ id: maria.id }).first('role', 'status')).to.deep.equal({ role: 'admin', status: 'active' });
    // Hiding things from her is no demotion: she stays client admin.
    await postForm(personPage(), personPage(), { role: 'admin', hide_invoices: 'on', confirmed: 'on' }, 303);
    expect(await db('client_users').where({ id: maria.id }).first('role', 'denied_permissions')).to.deep.equal({
      role: 'admin',
      denied_permissions: ['invoices'],
    });
  });

  it('answers bad input with a 4xx and words, never a 500', async function () {
    const badRole = await postForm(personPage(), personPage(), { role: 'owner', confirmed: 'on' }, 400);
    expect(badRole.text).to.contain('Choose a role from the list.');
    const goneRole = await postForm(
      personPage(),
      personPage(),
      { role: 'custom:00000000-0000-4000-8000-000000000000', confirmed: 'on' },
      400,
    );
    expect(goneRole.text).to.contain('That role no longer exists.');
    const noName = await postForm(`${ADMIN}/roles`, `${ADMIN}/roles`, { name: '  ', grant_invoices: 'on' }, 400);
    expect(noName.text).to.contain('Enter a name for the role.');
    for (const name of ['Accounts \u202Eelbayap', 'Acc\u200Bounts']) {
      const hidden = await postForm(`${ADMIN}/roles`, `${ADMIN}/roles`, { name, grant_invoices: 'on' }, 400);
      expect(hidden.text, JSON.stringify(name)).to.contain('cannot hold invisible characters');
      expect(await db('client_roles').where({ workspace_id: maria.workspace_id, name }).first('id')).to.equal(undefined);
    }
    const nothing = await postForm(`${ADMIN}/roles`, `${ADMIN}/roles`, { name: 'Empty' }, 400);
    expect(nothing.text).to.contain('Choose at least one part of the portal the role sees.');
    await postForm(`${ADMIN}/roles`, `${ADMIN}/roles`, { name: 'Twice', grant_tasks: 'on' }, 303);
    const twice = await postForm(`${ADMIN}/roles`, `${ADMIN}/roles`, { name: 'twice', grant_tasks: 'on' }, 400);
    expect(twice.text).to.contain('Another role already has this name.');
    await staff.get(`${ADMIN}/roles/00000000-0000-4000-8000-000000000000`).expect(404);
    await staff.get(`${ADMIN}/roles/not-a-uuid`).expect(404);
    // A client user of another workspace is not found here.
    const other = await db('client_users').whereNot({ workspace_id: maria.workspace_id }).first('id');
    await staff.get(`${ADMIN}/clients/${other.id}/access`).expect(404);
    await staff.get(`${ADMIN}/companies/no-such-client/access`).expect(404);
    await db('client_roles').where({ workspace_id: maria.workspace_id, name: 'Twice' }).delete();
  });

  it('is for workspace admins only', async function () {
    const member = await signedInStaffAgent(h, 'demo', 'member');
    expect((await member.get(personPage())).status).to.equal(403);
    expect((await member.get(`${ADMIN}/roles`)).status).to.equal(403);
  });
});
