// SQL round trips per request, for every page of the portal and its admin: a budget each, so a
// regression (a query repeated by a handler, a cache that stopped working) fails here rather than
// in a benchmark. Counted: every knex query and every query on the session store's pool. Pages
// are measured warm (the workspace, settings and branding cached), as nearly every request is.
import { expect } from 'chai';
import { countQueries, type QueryCounter } from '../support/query-counter.ts';
import { budgetCheck } from '../support/budgets.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { enableTwoFactor } from '../../src/features/account/two-factor/queries.ts';

describe('query budgets per request', function () {
  let h: PortalHarness;
  let counter: QueryCounter;
  let login: { email: string; password: string };

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    counter = countQueries();
    await h.agent().get('/portal/demo/sign-in').expect(200); // fills the workspace cache
  });
  after(async function () {
    counter.stop();
    await h.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  const expectBudget = budgetCheck(() => counter);

  it('branding.css: none (workspace, settings and branding come from the cache)', async function () {
    await expectBudget('branding.css', 0, () => h.agent().get('/portal/demo/branding.css').expect(200));
  });

  it('the workspace is read again only after a change is announced', async function () {
    await h.crm.portal.workspaceChanged((await h.crm.adapter.workspaces.findBySlug('demo'))!.id);
    // The workspace, its settings and its staff's languages (read with it so no staff page reads them).
    const cold = await expectBudget('branding.css after a change', 3, () => h.agent().get('/portal/demo/branding.css').expect(200));
    expect(cold.sql.join('\n'))
      .to.match(/from "workspaces"/)
      .and.match(/from "workspace_client_portal_settings"/)
      .and.match(/from "portal_staff_preferences"/);
    await expectBudget('branding.css again', 0, () => h.agent().get('/portal/demo/branding.css').expect(200));
  });

  it('sign-in page: none, for a new visitor and for one coming back (no session before sign-in)', async function () {
    const agent = h.agent();
    await expectBudget('GET sign-in', 0, () => agent.get('/portal/demo/sign-in').expect(200));
    await expectBudget('GET sign-in again', 0, () => agent.get('/portal/demo/sign-in').expect(200));
  });

  it('password sign-in: the limiter, the user, the sign-in record, whether two-factor is on, the session cap and one session write', async function () {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    const counted = await expectBudget('POST sign-in/password', 9, () =>
      agent
        .post('/portal/demo/sign-in/password')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password })
        .expect(303),
    );
    expect(
      counted.sql.filter((sql) => /^INSERT INTO "client_sessions"/i.test(sql)),
      'session writes',
    ).to.have.length(1);
    expect(
      counted.sql.filter((sql) => /^(select|update) .*"client_sessions" where sid/i.test(sql)),
      'session reads and touches',
    ).to.have.length(0);
  });

  it('dashboard, kept: the session with its client user, the contact, the kept reads by key and the unread messages; nothing of the host; no session touch', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    await agent.get('/portal/demo/').expect(200);
    const counted = await expectBudget('GET dashboard', 4, () => agent.get('/portal/demo/').expect(200));
    expect(
      counted.sql.filter((sql) => /^select .*join portal_client_summaries /s.test(sql)),
      'the kept reads',
    ).to.have.length(1);
    expect(
      counted.sql.filter((sql) => /from "?(proposals|quotations|invoices|documents|tasks|projects|tickets)"?/.test(sql)),
      'reads of the host',
    ).to.deep.equal([]);
    expect(
      counted.sql.some((sql) => /^update "client_sessions"/i.test(sql)),
      'session touch',
    ).to.equal(false);
  });

  it('dashboard after a change to the client’s records: as kept, then one read of the summary with the open proposals, quotations and invoices, the latest documents, the open tasks and the count of active projects, and the reads kept', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    await agent.get('/portal/demo/').expect(200);
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).first('client_id');
    await h.crm.portal.hostRecordChanged({ workspaceId: demo.id, clientId: String(user.client_id), kind: 'task', id: '1' });
    const counted = await expectBudget('GET dashboard after a change', 6, () => agent.get('/portal/demo/').expect(200));
    expect(
      counted.sql.filter((sql) => /from "projects"/.test(sql)),
      'the projects counted in the one read',
    ).to.have.length(1);
    expect(counted.sql.find((sql) => /from "projects"/.test(sql))).to.match(/json_agg/);
    expect(
      counted.sql.filter((sql) => /^insert into portal_client_summaries/i.test(sql)),
      'the reads kept',
    ).to.have.length(1);
    await expectBudget('GET dashboard kept again', 4, () => agent.get('/portal/demo/').expect(200));
  });

  it('team page (a client admin): the session with its client user, their access and the contact; the company’s contacts, client users, the workspace’s roles and the company’s requests for new colleagues', async function () {
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).update({ role: 'admin' });
    try {
      const agent = await signedInAgent(h.agent(), 'demo', login);
      await agent.get('/portal/demo/team').expect(200);
      await expectBudget('GET team', 6, () => agent.get('/portal/demo/team').expect(200));
    } finally {
      await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).update({ role: 'full' });
    }
  });

  it('account: the session with its client user, the contact, the session list and the message-email choice', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    await expectBudget('GET account', 4, () => agent.get('/portal/demo/account').expect(200));
  });

  it('confirmation before signing out all other sessions: the session with its client user, the contact; nothing of its own', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    await expectBudget('GET account/sessions/revoke-others', 2, () => agent.get('/portal/demo/account/sessions/revoke-others').expect(200));
  });

  // The staff side reads the staff user's workspace through the same per-instance cache as the
  // client side: neither the admin guard nor the host's header (headerItems) reads it again.
  it('admin settings page: the CRM session and staff user, the header (notifications, unread messages) and the settings; the workspace from the cache', async function () {
    const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const agent = h.agent();
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
      .expect(303);
    await agent.get('/settings/client-portal').expect(200);
    const counted = await expectBudget('GET admin settings', 5, () => agent.get('/settings/client-portal').expect(200));
    expect(
      counted.sql.filter((sql) => /from "workspaces"/i.test(sql)),
      'workspace reads',
    ).to.have.length(0);
  });

  it('admin confirmation before disabling a client user: the CRM session and staff user, the header (notifications, unread messages) and the client user; the workspace from the cache', async function () {
    const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const agent = h.agent();
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
      .expect(303);
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).first('id');
    const confirm = `/settings/client-portal/clients/${String(user.id)}/disable`;
    await agent.get(confirm).expect(200);
    const counted = await expectBudget('GET disable confirmation', 5, () => agent.get(confirm).expect(200));
    expect(
      counted.sql.filter((sql) => /from "workspaces"/i.test(sql)),
      'workspace reads',
    ).to.have.length(0);
  });

  it('admin client satisfaction page: the CRM session and staff user and the header, then the answers grouped by company (one read) and the companies’ names (one read)', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const clients = await h.crm
      .db('clients')
      .where({ workspace_id: Number(demo.id) })
      .orderBy('id')
      .limit(3)
      .select('id');
    // Answers from three companies: still one read for all of them, and one for their names.
    await h.crm.db('portal_ticket_ratings').insert(
      clients.map((client: { id: number }, index: number) => ({
        workspace_id: demo.id,
        client_id: String(client.id),
        ticket_id: `budget-${index}`,
        rating: 3 + (index % 3),
      })),
    );
    try {
      await agent.get('/settings/client-portal/satisfaction').expect(200);
      await expectBudget('GET client satisfaction', 6, () => agent.get('/settings/client-portal/satisfaction').expect(200));
    } finally {
      await h.crm.db('portal_ticket_ratings').where({ workspace_id: demo.id }).whereLike('ticket_id', 'budget-%').delete();
    }
  });

  it('admin help article feedback: the CRM session and staff user and the header, then the answers counted per article (one read) and the page’s titles from the CRM (one read), however many articles', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const articles = await h.crm
      .db('kb_articles')
      .where({ workspace_id: Number(demo.id) })
      .orderBy('id')
      .limit(3)
      .select('id');
    const answers = (ids: string[]) =>
      ids.flatMap((id, index) =>
        Array.from({ length: 1 + (index % 4) }, (_, n) => ({
          workspace_id: demo.id,
          article_id: id,
          client_user_id: `00000000-0000-4000-8000-${String(index * 10 + n).padStart(12, '0')}`,
          helpful: n % 2 === 0,
        })),
      );
    await h.crm.db('portal_knowledge_votes').insert(answers(articles.map((article: { id: number }) => String(article.id))));
    try {
      await agent.get('/settings/client-portal/help-feedback').expect(200);
      await expectBudget('GET help article feedback, 3 articles', 6, () => agent.get('/settings/client-portal/help-feedback').expect(200));
      // Seventy more articles answered (a full page of 50 and more behind it): the same reads.
      await h.crm.db('portal_knowledge_votes').insert(answers(Array.from({ length: 70 }, (_, i) => `budget-${i}`)));
      await expectBudget('GET help article feedback, 73 articles', 6, () => agent.get('/settings/client-portal/help-feedback').expect(200));
      await expectBudget('GET help article feedback, last 30 days', 6, () =>
        agent.get('/settings/client-portal/help-feedback?period=30d').expect(200),
      );
    } finally {
      await h.crm.db('portal_knowledge_votes').where({ workspace_id: demo.id }).delete();
    }
  });

  it('admin access pages: the CRM session and staff user and the header, then for a person their row with their company’s and role’s (one read), contact, company, settings and the workspace’s roles; for a company its client, what is hidden, settings, people, contacts and roles; the roles page its roles and holder counts', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).first('id', 'client_id');
    const person = `/settings/client-portal/clients/${String(user.id)}/access`;
    const company = `/settings/client-portal/companies/${encodeURIComponent(String(user.client_id))}/access`;
    await agent.get(person).expect(200);
    await expectBudget('GET person access', 9, () => agent.get(person).expect(200));
    await expectBudget('GET company access', 10, () => agent.get(company).expect(200));
    await expectBudget('GET client roles', 6, () => agent.get('/settings/client-portal/roles').expect(200));
    const [role] = await h.crm
      .db('client_roles')
      .insert({ workspace_id: demo.id, id: '00000000-0000-4000-8000-00000000b0d9', name: 'Budget role', permissions: ['invoices'] })
      .returning('id');
    try {
      const roleUrl = `/settings/client-portal/roles/${String(role.id)}`;
      await expectBudget('GET client role', 6, () => agent.get(roleUrl).expect(200));
      await expectBudget('GET client role removal', 6, () => agent.get(`${roleUrl}/remove`).expect(200));
    } finally {
      await h.crm.db('client_roles').where({ workspace_id: demo.id, id: role.id }).delete();
    }
    const proposal = await h.crm
      .db('proposals')
      .where({ workspace_id: Number(demo.id), client_id: Number(user.client_id) })
      .whereNot('status', 'draft')
      .first('id');
    const viewAs = `/settings/client-portal/records/proposal/${String(user.client_id)}/${String(proposal.id)}/as-client?as=${String(user.id)}`;
    await expectBudget('GET view as one person', 12, () => agent.get(viewAs).expect(200));
  });

  it('your data: the session with its client user and the contact, then the person’s copies and newest erasure request; the erasure confirmation that request alone', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    await agent.get('/portal/demo/account/data').expect(200);
    await expectBudget('GET your data', 4, () => agent.get('/portal/demo/account/data').expect(200));
    await expectBudget('GET erasure confirmation', 3, () => agent.get('/portal/demo/account/data/erasure').expect(200));
  });

  it('notifications: the session with its client user (and the unread count) and the contact, then one page of notifications; the channel choices their row', async function () {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    await agent.get('/portal/demo/notifications').expect(200);
    await expectBudget('GET notifications', 3, () => agent.get('/portal/demo/notifications').expect(200));
    // The first view makes or reads the workspace's push key, kept in memory from then on.
    await agent.get('/portal/demo/account/notifications').expect(200);
    await expectBudget('GET notification channels', 3, () => agent.get('/portal/demo/account/notifications').expect(200));
  });

  it('the installed portal: the manifest, an icon, the service worker and the offline page read nothing (the workspace from the cache)', async function () {
    const agent = h.agent();
    await expectBudget('GET manifest', 0, () => agent.get('/portal/demo/manifest.webmanifest').expect(200));
    await expectBudget('GET app icon', 0, () => agent.get('/portal/demo/app-icons/192.png').expect(200));
    await expectBudget('GET service worker', 0, () => agent.get('/portal/demo/sw.js').expect(200));
    await expectBudget('GET offline page', 0, () => agent.get('/portal/demo/offline').expect(200));
  });

  it('admin erasure requests: the CRM session and staff user and the header, then the requests and their people; one request adds its person, contact and, in one statement, what approval touches', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).first('id', 'client_id');
    const [request] = await h.crm
      .db('portal_erasure_requests')
      .insert({ workspace_id: demo.id, client_user_id: user.id, client_id: user.client_id, reason: 'Budget' })
      .returning('id');
    try {
      await agent.get('/settings/client-portal/erasure-requests').expect(200);
      await expectBudget('GET erasure requests', 6, () => agent.get('/settings/client-portal/erasure-requests').expect(200));
      const page = `/settings/client-portal/erasure-requests/${String(request.id)}`;
      await expectBudget('GET erasure request', 8, () => agent.get(page).expect(200));
    } finally {
      await h.crm.db('portal_erasure_requests').where({ workspace_id: demo.id, id: request.id }).delete();
    }
  });

  it('admin requests for new colleagues: the CRM session and staff user and the header, then the requests and their companies; one request adds who asked, the company, the CRM’s contact for the address and the workspace’s roles to give', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).first('id', 'client_id');
    const [request] = await h.crm
      .db('portal_colleague_requests')
      .insert({ workspace_id: demo.id, client_id: user.client_id, requested_by: user.id, name: 'Lena Vogt', email: 'lena@budget.test' })
      .returning('id');
    try {
      await agent.get('/settings/client-portal/colleague-requests').expect(200);
      await expectBudget('GET colleague requests', 6, () => agent.get('/settings/client-portal/colleague-requests').expect(200));
      const page = `/settings/client-portal/colleague-requests/${String(request.id)}`;
      await expectBudget('GET colleague request', 9, () => agent.get(page).expect(200));
    } finally {
      await h.crm.db('portal_colleague_requests').where({ workspace_id: demo.id, id: request.id }).delete();
    }
  });

  it('custom domains: the page reads the CRM session and staff user, the header and the domains; at a verified domain the sign-in page reads nothing once the Host is known', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const hostname = 'portal.budget.test';
    await h.crm.db('portal_custom_domain_hosts').insert({ hostname, workspace_id: demo.id, verified: true });
    await h.crm.db('portal_custom_domains').insert({ workspace_id: demo.id, hostname, token: 'b'.repeat(32), status: 'verified' });
    try {
      await agent.get('/settings/client-portal/custom-domains').expect(200);
      await expectBudget('GET custom domains', 5, () => agent.get('/settings/client-portal/custom-domains').expect(200));
      // The first request at the Host asks which workspace holds it; later ones find it cached.
      await expectBudget('GET sign-in at a custom domain, first', 1, () => h.agent().get('/sign-in').set('Host', hostname).expect(200));
      await expectBudget('GET sign-in at a custom domain', 0, () => h.agent().get('/sign-in').set('Host', hostname).expect(200));
    } finally {
      await h.crm.db('portal_custom_domains').where({ workspace_id: demo.id, hostname }).delete();
      await h.crm.db('portal_custom_domain_hosts').where({ hostname }).delete();
    }
  });

  it('team disable confirmation (a client admin): the session with its client user, their access and the contact; the colleague', async function () {
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const me = await h.crm.db('client_users').where({ workspace_id: demo.id, email: login.email.toLowerCase() }).first('id', 'client_id');
    const [tom] = await h.crm.adapter.contacts.findByEmail(demo.id, 'tom@northwind.test');
    const [colleague] = await h.crm
      .db('client_users')
      .insert({ workspace_id: demo.id, client_id: me.client_id, contact_id: tom!.id, email: 'tom@northwind.test', status: 'active' })
      .onConflict(['workspace_id', 'contact_id'])
      .merge(['status'])
      .returning('id');
    await h.crm.db('client_users').where({ workspace_id: demo.id, id: me.id }).update({ role: 'admin' });
    try {
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const confirm = `/portal/demo/team/${String(colleague.id)}/disable`;
      await agent.get(confirm).expect(200);
      await expectBudget('GET team disable confirmation', 3, () => agent.get(confirm).expect(200));
    } finally {
      await h.crm.db('client_users').where({ workspace_id: demo.id, id: me.id }).update({ role: 'full' });
    }
  });

  async function staffAgent() {
    const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const agent = h.agent();
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
      .expect(303);
    return agent;
  }

  it('admin confirmation before revoking a public link: the CRM session and staff user, the header, the record with its lines (one read), its client and its links; the workspace from the cache', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const proposal = await h.crm
      .db('proposals')
      .where({ workspace_id: Number(demo.id), status: 'sent' })
      .first('id', 'client_id');
    const record = `/settings/client-portal/records/proposal/${String(proposal.client_id)}/${String(proposal.id)}`;
    const page = await agent.get(record).expect(200);
    await agent
      .post(`${record}/links`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), days: '7' })
      .expect(303);
    const confirm = /href="([^"]+\/links\/[^"/]+\/revoke)"/.exec((await agent.get(record).expect(200)).text)![1]!;
    await agent.get(confirm).expect(200);
    const counted = await expectBudget('GET revoke link confirmation', 7, () => agent.get(confirm).expect(200));
    expect(
      counted.sql.filter((sql) => /from "workspaces"/i.test(sql)),
      'workspace reads',
    ).to.have.length(0);
  });

  it('admin confirmation before resetting two-factor: the CRM session and staff user, the header, the client user and whether two-factor is on; the workspace from the cache', async function () {
    const agent = await staffAgent();
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const other = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email !== login.email)!;
    const user = await h.crm.db('client_users').where({ workspace_id: demo.id, email: other.email.toLowerCase() }).first('id');
    // Any ciphertext will do: the confirmation page only asks whether two-factor is on.
    await enableTwoFactor(h.crm.db, demo.id, String(user.id), 'v1:not-read-here', 0);
    const confirm = `/settings/client-portal/clients/${String(user.id)}/two-factor/reset`;
    await agent.get(confirm).expect(200);
    const counted = await expectBudget('GET two-factor reset confirmation', 6, () => agent.get(confirm).expect(200));
    expect(
      counted.sql.filter((sql) => /from "workspaces"/i.test(sql)),
      'workspace reads',
    ).to.have.length(0);
  });
});
