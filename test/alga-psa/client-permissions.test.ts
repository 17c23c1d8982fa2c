// Covers Alga PSA's client permissions as the portal's, on Alga's real schema with its three client
// roles (Admin, Finance, User) and their permissions seeded as Alga's seeds grant them: Sophie, a
// contact of Harbor Bakery whom the portal itself lets see everything (client admin, nothing
// hidden), signs in with her Alga password and holds each of Alga's client roles in turn. Per role
// the crawl follows every link, fragment and PDF from her dashboard and asserts that a role
// without Alga's `billing` read shows no quote or invoice number anywhere and answers 404 for
// the quotation and invoice lists, pages, PDFs and pay page, while one with it opens them; the
// team page follows Alga's `user` read and update. Then, as User: once Alga gives the role
// `billing` read she sees the invoices at her next request, and without it again they are gone;
// documents follow `document` read, uploads `document` create, tasks `project` read, and marking
// a task done or reopening it `project` update (as User or Finance she sees tasks but is offered
// no action, and a POST of one answers 404 and moves nothing). Her live stream, opened as Admin,
// ends within the sweep once Alga makes her a User. The binding's query: a contact without a
// login holds what Alga's invitation would give it, a disabled login nothing, another tenant's
// contact is not answered. A signed-in page costs one query more than
// without the host's permissions (measured).
import { expect } from 'chai';
import request from 'supertest';
import { SHUTDOWN_RETRY_MS } from '../../src/core/live/live-streams.ts';
import { countQueries } from '../support/query-counter.ts';
import { csrfFrom, postPasswordSignIn, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLIENT_ROLE_GRANTS } from './seed.ts';

const reason = unavailable();
const SOPHIE = { email: 'sophie@harbor.example', password: 'Sophie-alga-2026!' };
const MAX_PAGES = 80;
type AlgaRole = keyof typeof CLIENT_ROLE_GRANTS;

const decode = (url: string) =>
  url
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

describe("alga-psa host: Alga's client permissions are the portal's", function () {
  this.timeout(240_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let url: string;
  let slug: string;
  let base: string;
  let sophie: ReturnType<typeof request.agent>;
  /** Harbor Bakery's quote and invoice numbers the portal could show her. */
  let billingMarks: string[];

  const tenant = () => host.seed.tenant;
  /** Gives Sophie's Alga client login this one client role, as Alga's user settings do. */
  const giveRole = async (role: AlgaRole) => {
    await host.db('user_roles').where({ tenant: tenant(), user_id: host.seed.users.sophie }).delete();
    await host.db('user_roles').insert({ tenant: tenant(), user_id: host.seed.users.sophie, role_id: host.seed.clientRoles[role] });
  };
  /** Grants or takes a client permission from one of Alga's client roles (role_permissions). */
  const grant = async (role: AlgaRole, permission: string, on: boolean) => {
    const row = { tenant: tenant(), role_id: host.seed.clientRoles[role], permission_id: host.seed.clientPermissions[permission] };
    if (on) await host.db('role_permissions').insert(row).onConflict(['tenant', 'role_id', 'permission_id']).ignore();
    else await host.db('role_permissions').where(row).delete();
  };
  const status = async (path: string) => (await sophie.get(`${base}${path}`)).status;

  before(async function () {
    if (reason) this.skip();
    host = await startAlgaHost();
    ({ running, slug } = await portalBesideAlga(host, { serve: true, config: { liveSessionCheckMs: 300 } }));
    url = running.url;
    base = `/portal/${slug}`;
    await host
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: tenant(), allow_online_payments: true, allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge();
    await running.portal.workspaceChanged(tenant());
    sophie = await signedInAgent(request.agent(url), slug, SOPHIE);
    // The portal itself hides nothing from her: whatever she misses, Alga's role took away.
    await host
      .db('client_users')
      .where({ workspace_id: tenant(), contact_id: host.seed.contacts.sophie })
      .update({ role: 'admin', denied_permissions: [] });
    const quotes = await host.db('quotes').where({ tenant: tenant(), client_id: host.seed.clients.bakery }).pluck('quote_number');
    const invoices = await host.db('invoices').where({ tenant: tenant(), client_id: host.seed.clients.bakery }).pluck('invoice_number');
    billingMarks = [...quotes, ...invoices].filter((mark): mark is string => Boolean(mark));
    expect(billingMarks).to.include('Q-0001').and.include('INV-000001');
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  /** Every page, fragment and file reachable by GET from her dashboard: what each showed, by address. */
  async function crawl(): Promise<Map<string, { status: number; text: string }>> {
    const seen = new Map<string, { status: number; text: string }>();
    const queue = [`${base}/`];
    const enqueue = (found: string) => {
      const next = decode(found);
      if (!next.startsWith(`${base}/`) || /\/(live|messages\/stream)(\?|$)|sign-out|sign-in/.test(next)) return;
      if (!seen.has(next) && !queue.includes(next) && seen.size + queue.length < MAX_PAGES) queue.push(next);
    };
    while (queue.length > 0) {
      const page = queue.shift()!;
      const res = await sophie.get(page).buffer(true);
      const text = Buffer.isBuffer(res.body) ? res.body.toString('latin1') : res.text;
      seen.set(page, { status: res.status, text });
      if (res.status >= 300 && res.status < 400 && res.headers.location) enqueue(res.headers.location);
      if (String(res.headers['content-type'] ?? '').includes('text/html')) {
        const fragment = await sophie.get(page).set('HX-Request', 'true');
        seen.set(`${page} (fragment)`, { status: fragment.status, text: fragment.text });
        for (const m of res.text.matchAll(/(?:href|hx-get|src|action)="([^"]+)"/g)) enqueue(m[1]!);
      }
    }
    return seen;
  }

  const expectations: Record<AlgaRole, { billing: boolean; team: boolean }> = {
    Admin: { billing: true, team: true },
    Finance: { billing: true, team: false },
    User: { billing: false, team: false },
  };

  for (const role of ['Admin', 'Finance', 'User'] as const) {
    it(`as Alga's client ${role}: quotations and invoices ${expectations[role].billing ? 'open' : 'hidden everywhere'}, the team page ${expectations[role].team ? 'open' : 'hidden'}`, async function () {
      await giveRole(role);
      const { billing, team } = expectations[role];
      const pages = await crawl();
      const leaks: string[] = [];
      for (const [where, { text }] of pages) for (const mark of billingMarks) if (text.includes(mark)) leaks.push(`${mark} in ${where}`);
      if (billing) expect(leaks, 'quote and invoice numbers shown').to.not.deep.equal([]);
      else expect(leaks, 'quote and invoice numbers shown').to.deep.equal([]);
      expect(pages.size, 'pages crawled').to.be.greaterThan(5);

      const { unpaid } = host.seed.invoices;
      const quote = host.seed.quotes.accept;
      const billingPaths = [
        '/quotations',
        `/quotations/${quote}`,
        `/quotations/${quote}.pdf`,
        `/quotations/${quote}/accept`,
        '/invoices',
        `/invoices/${unpaid}`,
        `/invoices/${unpaid}.pdf`,
        `/invoices/${unpaid}/pay`,
        '/invoices/statement.pdf',
      ];
      for (const path of billingPaths) expect(await status(path), path).to.equal(billing ? 200 : 404);
      const dashboard = await sophie.get(`${base}/`).expect(200);
      for (const section of ['quotations', 'invoices']) {
        expect(dashboard.text.includes(`href="${base}/${section}"`), `${section} in the nav and dashboard`).to.equal(billing);
      }
      // Every one of Alga's client roles reads documents and projects.
      expect(await status('/documents')).to.equal(200);
      expect(await status('/tasks')).to.equal(200);
      expect(await status('/team')).to.equal(team ? 200 : 404);
    });
  }

  it("as User: Alga's `billing` read given to the role opens quotations and invoices at her next request, and taking it closes them", async function () {
    await giveRole('User');
    expect(await status('/invoices')).to.equal(404);
    await grant('User', 'billing:read', true);
    try {
      expect(await status('/invoices')).to.equal(200);
      expect(await status(`/invoices/${host.seed.invoices.unpaid}.pdf`)).to.equal(200);
      expect(await status('/quotations')).to.equal(200);
      const dashboard = await sophie.get(`${base}/`).expect(200);
      expect(dashboard.text).to.include(`href="${base}/invoices"`).and.include('INV-000001');
    } finally {
      await grant('User', 'billing:read', false);
    }
    expect(await status('/invoices')).to.equal(404);
    expect((await sophie.get(`${base}/`).expect(200)).text).to.not.include('INV-000001');
  });

  it('documents follow `document` read, uploading `document` create, tasks `project` read', async function () {
    await giveRole('User');
    const uploadForm = (text: string) => text.includes(`action="${base}/documents/uploads"`);
    expect(uploadForm((await sophie.get(`${base}/documents`).expect(200)).text), 'upload form').to.equal(true);
    await grant('User', 'document:create', false);
    try {
      const page = await sophie.get(`${base}/documents`).expect(200);
      expect(uploadForm(page.text), 'upload form without document create').to.equal(false);
      const refused = await sophie
        .post(`${base}/documents/uploads`)
        .field('_csrf', csrfFrom(page.text))
        .attach('file', Buffer.from('%PDF-1.4\n'), 'x.pdf');
      expect(refused.status).to.be.oneOf([403, 404]);
    } finally {
      await grant('User', 'document:create', true);
    }
    await grant('User', 'document:read', false);
    try {
      expect(await status('/documents')).to.equal(404);
      expect((await sophie.get(`${base}/`).expect(200)).text).to.not.include(`href="${base}/documents"`);
    } finally {
      await grant('User', 'document:read', true);
    }
    await grant('User', 'project:read', false);
    try {
      expect(await status('/tasks')).to.equal(404);
      expect((await sophie.get(`${base}/`).expect(200)).text).to.not.include(`href="${base}/tasks"`);
    } finally {
      await grant('User', 'project:read', true);
    }
    expect(await status('/documents')).to.equal(200);
    expect(await status('/tasks')).to.equal(200);
  });

  it('marking a task done or reopening it follows `project` update (Alga asks it to move a task): never as User or Finance', async function () {
    const { companyWide, done } = host.seed.tasks;
    const mappingOf = async (task: string) =>
      (await host.db('project_tasks').where({ tenant: tenant(), task_id: task }).first('project_status_mapping_id', 'updated_at')) as {
        project_status_mapping_id: string;
        updated_at: Date;
      };
    const taskForms = (text: string) => [...text.matchAll(/action="[^"]*\/tasks\/[^"/]+\/(done|reopen)"/g)].length;
    const before = { open: await mappingOf(companyWide), done: await mappingOf(done) };
    for (const role of ['User', 'Finance'] as const) {
      await giveRole(role);
      const open = await sophie.get(`${base}/tasks`).expect(200);
      expect(open.text, `${role} sees the task`).to.include('Book the movers');
      expect(taskForms(open.text), `${role}: no mark done`).to.equal(0);
      const doneTab = await sophie.get(`${base}/tasks?tab=done`).expect(200);
      expect(doneTab.text).to.include('Pick a date');
      expect(taskForms(doneTab.text), `${role}: no reopen`).to.equal(0);
      const token = csrfFrom(open.text);
      const marked = await sophie.post(`${base}/tasks/${companyWide}/done`).type('form').send({ _csrf: token });
      expect(marked.status, `${role} marking done`).to.be.oneOf([403, 404]);
      const reopened = await sophie.post(`${base}/tasks/${done}/reopen`).type('form').send({ _csrf: token });
      expect(reopened.status, `${role} reopening`).to.be.oneOf([403, 404]);
      expect(await mappingOf(companyWide), 'the open task untouched').to.deep.equal(before.open);
      expect(await mappingOf(done), 'the done task untouched').to.deep.equal(before.done);
    }
    await giveRole('Admin');
    const page = await sophie.get(`${base}/tasks`).expect(200);
    expect(taskForms(page.text), 'Admin: mark done offered').to.be.greaterThan(0);
    await sophie
      .post(`${base}/tasks/${companyWide}/done`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    try {
      expect((await mappingOf(companyWide)).project_status_mapping_id).to.equal(host.seed.mappings.done);
    } finally {
      await host
        .db('project_tasks')
        .where({ tenant: tenant(), task_id: companyWide })
        .update({ project_status_mapping_id: before.open.project_status_mapping_id });
    }
  });

  it('ends her live stream within the sweep once Alga takes a role from her', async function () {
    await giveRole('Admin');
    const signIn = await postPasswordSignIn(request.agent(url), slug, SOPHIE);
    expect(signIn.status).to.equal(303);
    const cookie = String(signIn.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const controller = new AbortController();
    const res = await fetch(`${url}${base}/live`, {
      headers: { cookie, accept: 'text/event-stream' },
      redirect: 'manual',
      signal: controller.signal,
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    let ended = false;
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      ended = true;
    })().catch(() => {});
    const guard = setTimeout(() => controller.abort(), 15_000);
    try {
      // Held open across several sweeps while her role stays.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(ended, `ended before the change: ${text}`).to.equal(false);
      await giveRole('User');
      const changedAt = Date.now();
      await Promise.race([pump, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      expect(ended, 'ended within the sweep after the change').to.equal(true);
      expect(Date.now() - changedAt).to.be.below(5_000);
      // Ended with the reconnect hint of a changed access: the browser comes back under her new role.
      expect(text).to.include(`retry: ${SHUTDOWN_RETRY_MS}`);
    } finally {
      clearTimeout(guard);
      controller.abort();
    }
  });

  it("reads each contact's client permissions in one query: a contact without a login holds what Alga's invitation gives, a disabled login nothing", async function () {
    const { contacts, users } = host.seed;
    const port = host.adapter().clientPermissions!;
    await host.db('user_roles').where({ tenant: tenant(), user_id: users.sophie }).delete();
    await giveRole('Finance');
    const held = await port.of(tenant(), [contacts.claire, contacts.sophie, contacts.paul, contacts.otherTenantContact]);
    const sorted = (grants: readonly string[] | ReadonlySet<string> | undefined) => [...(grants ?? [])].sort();
    expect(sorted(held.get(contacts.claire))).to.deep.equal(sorted(CLIENT_ROLE_GRANTS.Admin));
    expect(sorted(held.get(contacts.sophie))).to.deep.equal(sorted(CLIENT_ROLE_GRANTS.Finance));
    // Paul has no Alga login and is no client admin: Alga's invitation would make him a User.
    expect(sorted(held.get(contacts.paul))).to.deep.equal(sorted(CLIENT_ROLE_GRANTS.User));
    expect(held.has(contacts.otherTenantContact), "another tenant's contact").to.equal(false);
    await host.db('users').where({ tenant: tenant(), user_id: users.sophie }).update({ is_inactive: true });
    try {
      expect((await port.of(tenant(), [contacts.sophie])).has(contacts.sophie), 'a login disabled in Alga').to.equal(false);
    } finally {
      await host.db('users').where({ tenant: tenant(), user_id: users.sophie }).update({ is_inactive: false });
    }
  });

  it('costs a signed-in page one query, read with her contact', async function () {
    await giveRole('Admin');
    const counter = countQueries();
    try {
      const counted = await counter.measure(() => sophie.get(`${base}/documents`).expect(200));
      const reads = counted.sql.filter((sql) => /role_permissions/.test(sql));
      expect(reads, counted.sql.join('\n')).to.have.length(1);
      console.log(
        `      a signed-in documents page beside Alga: ${counted.count} queries, ${reads.length} of them Alga's client permissions`,
      );
    } finally {
      counter.stop();
    }
  });
});
