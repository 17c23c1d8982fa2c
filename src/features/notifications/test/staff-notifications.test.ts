// The staff notifications list over HTTP against the reference CRM: a client's ten actions (sign
// in, a proposal viewed three times and accepted, an invoice viewed twice and paid by transfer, an
// upload, a comment, a task done) make a handful of entries, repeated views grouped into one with
// a count; each entry names its record and links to it; each can be marked read on its own (by
// that staff member only, never by staff of another workspace) or all at once; and the page and
// the staff inbox sit inside the CRM's own header and navigation.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { tinyPng } from '../../../../test/support/signature.ts';
import { smallPdf } from '../../../../test/support/upload-fixtures.ts';
import { demoNorthwind } from '../../../../test/support/demo-records.ts';
import { backgroundWorker, trackBackgroundWork } from '../../../core/index.ts';

// Marked before any app boots, so a timer's work during a measurement is told from the request's.
trackBackgroundWork();

type Agent = ReturnType<PortalHarness['agent']>;

const LIST = '/client-portal/notifications';

/** The entries of the list page, as the HTML of each <li>. */
const entriesOf = (html: string) => [...html.matchAll(/<li class="notification[^"]*"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[0]);
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

describe('staff notifications: grouped, named, linked, read per item, inside the CRM', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let maria: Agent;
  let staff: Agent;
  let workspaceId: string;
  let clientId: string;
  let proposalId: string;
  let invoiceId: string;

  /** A form post answered 303, then the page it redirects to, as a browser does. */
  async function postAndFollow(agent: Agent, url: string, form: Record<string, string>): Promise<void> {
    const res = await agent.post(url).type('form').send(form).expect(303);
    await agent.get(res.headers.location!).expect(200);
  }

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    const northwind = await demoNorthwind(h.crm.db);
    workspaceId = String(northwind.workspace_id);
    clientId = String(northwind.id);
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, allow_file_uploads: true, allow_online_payments: true });
    await h.crm
      .db('portal_payment_settings')
      .insert({ workspace_id: workspaceId, bank_transfer_instructions: 'IBAN DE89 3704 0044 0532 0130 00', online_provider: 'demo' });
    await h.crm.portal.workspaceChanged(workspaceId);
    const [proposalRow] = await h.crm
      .db('proposals')
      .insert({
        workspace_id: workspaceId,
        client_id: clientId,
        number: 'PR-2026-904',
        title: 'Website redesign',
        body: 'A new website.',
        status: 'sent',
        currency: 'EUR',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    proposalId = String(proposalRow.id);
    await h.crm.db('proposal_items').insert({
      workspace_id: workspaceId,
      proposal_id: proposalId,
      position: 1,
      description: 'Design',
      quantity: 1,
      unit_price_cents: 420_000,
    });
    const invoice = await h.crm
      .db('invoices')
      .where({ workspace_id: workspaceId, client_id: clientId })
      .whereIn('status', ['sent', 'overdue'])
      .orderBy('id')
      .first('id', 'number');
    invoiceId = String(invoice.id);
    staff = await signedInStaffAgent(h, 'demo');
    // Everything the seed logged is read: the list starts empty.
    const start = await staff.get(LIST).expect(200);
    if (start.text.includes(`action="${LIST}/read"`))
      await staff
        .post(`${LIST}/read`)
        .type('form')
        .send({ _csrf: csrfFrom(start.text) })
        .expect(303);

    // The ten client actions.
    maria = await signedInAgent(h.agent(), 'demo', login); // 1 sign in
    const proposal = `/portal/demo/proposals/${proposalId}`;
    for (let i = 0; i < 3; i += 1) await maria.get(proposal).expect(200); // 2 the proposal viewed three times
    const form = await maria.get(`${proposal}/accept`).expect(200); // 3 accepted
    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(form.text)![1]!;
    await postAndFollow(maria, `${proposal}/accept`, {
      _csrf: csrfFrom(form.text),
      typedName: 'Maria García',
      consent: 'yes',
      fingerprint,
      signature: `data:image/png;base64,${tinyPng(600, 200).toString('base64')}`,
    });
    const invoicePage = `/portal/demo/invoices/${invoiceId}`;
    for (let i = 0; i < 2; i += 1) await maria.get(invoicePage).expect(200); // 4 the invoice viewed twice
    const pay = await maria.get(`${invoicePage}/pay`).expect(200); // 5 paid by bank transfer
    await postAndFollow(maria, `${invoicePage}/pay/transfer`, { _csrf: csrfFrom(pay.text), reference: 'TRF-1' });
    const documents = await maria.get('/portal/demo/documents').expect(200); // 6 an upload
    const uploaded = await maria
      .post('/portal/demo/documents/uploads')
      .field('_csrf', csrfFrom(documents.text))
      .attach('file', smallPdf(), 'signed-brief.pdf')
      .expect(303);
    await maria.get(uploaded.headers.location!).expect(200);
    const page = await maria.get(proposal).expect(200); // 7 a comment on the proposal
    await postAndFollow(maria, `${proposal}/comments`, {
      _csrf: csrfFrom(page.text),
      body: 'Could we move the launch to March? The rest looks good.',
    });
    const tasks = await maria.get('/portal/demo/tasks').expect(200); // 8 a task done
    const taskAction = /action="(\/portal\/demo\/tasks\/[^"]+\/done)"/.exec(tasks.text)![1]!;
    await postAndFollow(maria, taskAction, { _csrf: csrfFrom(tasks.text) });
  });
  after(async function () {
    await h?.close();
  });

  it('makes at most ten entries for the ten actions, repeated views grouped with a count', async function () {
    const html = (await staff.get(LIST).expect(200)).text;
    const entries = entriesOf(html);
    console.log(`      ten client actions: ${entries.length} notification entries`);
    expect(entries.length).to.be.at.most(10);
    const proposalViews = entries.filter((e) => textOf(e).includes('Viewed') && textOf(e).includes('PR-2026-904'));
    expect(proposalViews, 'one entry for the proposal views').to.have.length(1);
    expect(textOf(proposalViews[0]!)).to.match(/Viewed \d+ times, last at \d{1,2}:\d{2}\s[AP]M/);
  });

  it('keeps every view in the log as evidence, and starts a new group a day after the first view', async function () {
    const views = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'offer.viewed' })
      .whereRaw("details->>'offerId' = ?", [proposalId])
      .orderBy('id');
    const heads = views.filter((v) => v.grouped_into === null);
    expect(heads, 'one group').to.have.length(1);
    expect(views.length, 'every view logged').to.equal(heads[0].repeat_count);
    expect(views.slice(1).every((v) => String(v.grouped_into) === String(heads[0].id))).to.equal(true);
    // A day later the same record viewed again is news again.
    await h.crm
      .db('client_activity_logs')
      .where({ id: heads[0].id })
      .update({ created_at: h.crm.db.raw("now() - interval '25 hours'") });
    await maria.get(`/portal/demo/proposals/${proposalId}`).expect(200);
    const after = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'offer.viewed', grouped_into: null })
      .whereRaw("details->>'offerId' = ?", [proposalId]);
    expect(after).to.have.length(2);
    await h.crm.db('client_activity_logs').where({ id: heads[0].id }).update({ created_at: heads[0].created_at });
  });

  it('names the record of every entry and links to it', async function () {
    const entries = entriesOf((await staff.get(LIST).expect(200)).text);
    const recordHref = `/settings/client-portal/records/proposal/${clientId}/${proposalId}`;
    const accepted = entries.find((e) => textOf(e).includes('Accepted'))!;
    expect(textOf(accepted)).to.include("Proposal PR-2026-904 'Website redesign'");
    expect(accepted).to.include(`href="${recordHref}"`);
    const comment = entries.find((e) => textOf(e).includes('Commented'))!;
    expect(textOf(comment)).to.include('Could we move the launch').and.include('PR-2026-904');
    expect(comment).to.include(`href="${recordHref}"`);
    const upload = entries.find((e) => textOf(e).includes('Uploaded'))!;
    expect(textOf(upload)).to.include('signed-brief.pdf');
    expect(upload).to.include('href="/settings/client-portal/uploads');
    const transfer = entries.find((e) => textOf(e).includes('bank transfer'))!;
    expect(transfer).to.include(`href="/settings/client-portal/records/invoice/${clientId}/${invoiceId}"`);
    expect(textOf(transfer)).to.match(/— Invoice \S+ \(.*\d\)/);
    const task = entries.find((e) => textOf(e).includes('task'))!;
    expect(textOf(task)).to.match(/Marked a task done .*'.+'/);
    for (const entry of entries) expect(entry, textOf(entry)).to.match(/<a [^>]*href="\/[^"]+"/);
  });

  it("marks one entry read (post/redirect/get), with a text label beyond colour; another workspace's staff cannot", async function () {
    const html = (await staff.get(LIST).expect(200)).text;
    const first = entriesOf(html)[0]!;
    expect(textOf(first)).to.include('Unread');
    const action = /<form method="post" action="([^"]+\/read)"/.exec(first)![1]!;
    expect(action).to.match(/\/client-portal\/notifications\/\d+\/read$/);

    // Staff of another workspace: their own CSRF token, the same URL: not found, nothing changes.
    const other = await signedInStaffAgent(h, 'acme');
    const theirs = (await other.get(LIST).expect(200)).text;
    // Their portal token (the one htmx sends), not the CRM's own sign-out form's.
    const theirToken = /X-CSRF-Token(?:&#34;|")\s*:\s*(?:&#34;|")([^&"]+)/.exec(theirs)![1]!;
    await other.post(action).type('form').send({ _csrf: theirToken }).expect(404);
    expect(textOf(entriesOf((await staff.get(LIST).expect(200)).text)[0]!)).to.include('Unread');

    const before = entriesOf(html).filter((e) => textOf(e).includes('Unread')).length;
    const res = await staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(html) })
      .expect(303);
    expect(res.headers.location).to.match(new RegExp(`^${LIST}`));
    const after = entriesOf((await staff.get(res.headers.location!).expect(200)).text);
    expect(after.filter((e) => textOf(e).includes('Unread')).length).to.equal(before - 1);
    // Without a valid token: refused.
    await staff.post(action).type('form').send({ _csrf: 'wrong' }).expect(403);
  });

  it('names the record in the staff activity log too', async function () {
    const log = textOf((await staff.get('/settings/client-portal/activity').expect(200)).text);
    expect(log)
      .to.include("Accepted a proposal — Proposal PR-2026-904 'Website redesign'")
      .and.include("Viewed a proposal — Proposal PR-2026-904 'Website redesign'")
      .and.include('Uploaded a document — signed-brief.pdf')
      .and.include('Commented — “Could we move the launch');
  });

  it("links a staff member who is not an admin to the client's conversation, a page they can open", async function () {
    const member = await signedInStaffAgent(h, 'demo', 'member');
    const entries = entriesOf((await member.get(LIST).expect(200)).text);
    expect(entries.length).to.be.greaterThan(0);
    for (const entry of entries) expect(entry).to.include(`href="/client-messages/${clientId}"`);
    await member.get(`/client-messages/${clientId}`).expect(200);
  });

  it('stays within its query budget: a full page of entries costs what a short one does (names come with the rows)', async function () {
    let queries = 0;
    // The request's own queries: the notification emails' 30-second timer may fire meanwhile.
    const count = () => {
      if (!backgroundWorker()) queries += 1;
    };
    h.crm.db.on('query', count);
    try {
      const measure = async () => {
        queries = 0;
        await staff.get(LIST).expect(200);
        return queries;
      };
      await measure(); // warms the workspace cache
      const short = await measure();
      await h.crm.db.raw(
        `insert into client_activity_logs (workspace_id, client_id, event, details)
         select ?, ?, 'task.completed', jsonb_build_object('taskId', n, 'title', 'Task ' || n) from generate_series(1, 40) as n`,
        [workspaceId, clientId],
      );
      const full = await measure();
      console.log(`      notifications page: ${short} queries with a short list, ${full} with a full page`);
      expect(full).to.be.at.most(short);
      expect(full, 'the CRM session and staff user, the header, the list, the unread count, the client names').to.be.at.most(9);
    } finally {
      h.crm.db.off('query', count);
    }
  });

  it('marks all read', async function () {
    const html = (await staff.get(LIST).expect(200)).text;
    await staff
      .post(`${LIST}/read`)
      .type('form')
      .send({ _csrf: csrfFrom(html) })
      .expect(303);
    const after = entriesOf((await staff.get(LIST).expect(200)).text);
    expect(after.length).to.be.greaterThan(0);
    expect(after.filter((e) => textOf(e).includes('Unread'))).to.have.length(0);
  });

  it("renders the notifications page and the staff inbox inside the CRM's header and navigation", async function () {
    const crm = (await staff.get('/').expect(200)).text;
    const crmNav = /<nav[^>]*aria-label="Main"[^>]*>/.exec(crm)?.[0] ?? /<header[^>]*>/.exec(crm)![0];
    for (const url of [LIST, '/client-messages']) {
      const page = (await staff.get(url).expect(200)).text;
      expect(page, url).to.include(crmNav);
      expect(page.match(/<html/g), `${url}: one document`).to.have.length(1);
    }
  });
});
