// The proposals, quotations and invoices pages for a signed-in client of the reference CRM: lists
// (status filter, empty states), record pages with lines and totals, the PDF (its text, extracted
// with pdftotext, carries the page's figures), the comment thread (post/redirect/get, errors keep
// the typed text, the switch takes the form away and the POST answers 404), activity entries, and
// the number of SQL round trips per page.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csrfFrom, type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { binary } from '../support/pdf-text.ts';
import { createInvoice } from '../../plugins/reference-crm/queries/invoices.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portal-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** Text of the HTML without tags, whitespace squeezed, entities decoded (enough for figures). */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('client pages: proposals, quotations and invoices', function () {
  let h: PortalHarness;
  let maria: Agent;
  let queries = 0;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    h.crm.db.on('query', () => {
      queries += 1;
    });
  });
  after(async function () {
    await h?.close();
  });

  async function counted<T>(work: () => Promise<T>): Promise<{ result: T; queries: number }> {
    const before = queries;
    const result = await work();
    return { result, queries: queries - before };
  }

  const firstLink = (html: string, section: string) => {
    const match = new RegExp(`href="(/portal/demo/${section}/[^"/.]+)"`).exec(html);
    if (!match) throw new Error(`no ${section} link on the page`);
    return match[1]!;
  };

  it('lists proposals awaiting an answer with amount, validity and badge, and links them in the navigation', async function () {
    const { result: res, queries: n } = await counted(() => maria.get('/portal/demo/proposals').expect(200));
    expect(res.text).to.contain('Website redesign');
    expect(res.text).to.contain('Awaiting your answer');
    expect(textOf(res.text)).to.contain('$24,700.00');
    expect(res.text).to.match(/<a href="\/portal\/demo\/proposals" aria-current="page">/);
    // The draft "SEO retainer" is the agency's work in progress.
    expect(res.text).to.not.contain('SEO retainer');
    expect(n, 'SQL round trips for the proposals list').to.be.at.most(7);
  });

  it('shows the dashboard widgets: offers awaiting an answer and unpaid invoices, each linked', async function () {
    const { result: res, queries: n } = await counted(() => maria.get('/portal/demo/').expect(200));
    expect(res.text).to.contain('Awaiting your answer');
    expect(res.text).to.match(/href="\/portal\/demo\/proposals\/\d+"><span class="ref">PRO-\d+<\/span> · Website redesign/);
    expect(res.text).to.contain('Unpaid invoices');
    expect(res.text).to.match(/href="\/portal\/demo\/invoices\/\d+"><span class="ref">INV-\d+<\/span> · \$3,170\.00/);
    // 12 for the summary and the offers and invoices widgets, 2 for the documents and tasks widgets.
    expect(n, 'SQL round trips for the dashboard').to.be.at.most(14);
  });

  it('filters by status with a GET form, and says what will appear when nothing matches', async function () {
    const res = await maria.get('/portal/demo/proposals?status=declined').expect(200);
    expect(res.text).to.not.contain('Website redesign');
    expect(res.text).to.contain('No proposals with this status.');
    expect(res.text).to.match(/<option value="declined" selected>/);
    const bad = await maria.get('/portal/demo/proposals?status=everything').expect(400);
    expect(bad.text).to.contain('Choose a status from the list.');
    await maria.get('/portal/demo/proposals?after=not%20a%20cursor').expect(400);
  });

  it('shows a proposal with its lines, totals, history, an escaped body with line breaks, and logs the view', async function () {
    const list = await maria.get('/portal/demo/proposals').expect(200);
    const href = firstLink(list.text, 'proposals');
    const { result: res, queries: n } = await counted(() => maria.get(href).set('User-Agent', 'commercial-test').expect(200));
    const text = textOf(res.text);
    for (const figure of ['$2,400.00', '$9,800.00', '$12,500.00', '$24,700.00', 'Discovery workshop and content audit'])
      expect(text).to.contain(figure);
    expect(res.text).to.contain('Launch planned eight weeks after approval.');
    expect(res.text).to.contain('Sent to you');
    expect(res.text).to.contain('id="comments"');
    expect(n, 'SQL round trips for a proposal page').to.be.at.most(10);
    const logged = await h.crm.db('client_activity_logs').where({ event: 'offer.viewed' }).orderBy('id', 'desc').first();
    expect(logged).to.include({ user_agent: 'commercial-test' });
    expect(logged.ip).to.be.a('string');
  });

  it('answers 404 for a malformed or unknown id, and for a quotation asked for as a proposal', async function () {
    await maria.get('/portal/demo/proposals/abc').expect(404);
    await maria.get('/portal/demo/proposals/2147483647').expect(404);
    const quotations = await maria.get('/portal/demo/quotations').expect(200);
    const id = firstLink(quotations.text, 'quotations').split('/').pop();
    const asProposal = await maria.get(`/portal/demo/proposals/${id}`);
    if (asProposal.status === 200) expect(asProposal.text).to.not.contain('Product photography');
  });

  it("renders the PDF with the page's figures, in a safe attachment", async function () {
    const list = await maria.get('/portal/demo/proposals').expect(200);
    const href = firstLink(list.text, 'proposals');
    const page = textOf((await maria.get(href).expect(200)).text);
    const res = await maria.get(`${href}.pdf`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="Proposal-PRO-\d+\.pdf"$/);
    const text = pdfText(res.body as Buffer);
    for (const figure of ['$2,400.00', '$9,800.00', '$12,500.00', '$24,700.00', 'Website redesign', 'Demo Agency', 'Northwind Traders']) {
      expect(page, `page shows ${figure}`).to.contain(figure);
      expect(text, `PDF shows ${figure}`).to.contain(figure);
    }
    expect(await h.crm.db('client_activity_logs').where({ event: 'offer.pdf_downloaded' }).count('* as n').first()).to.deep.include({
      n: 1,
    });
  });

  it('lists invoices with balance and due dates, shows payments, and renders the invoice PDF', async function () {
    const { result: list, queries: n } = await counted(() => maria.get('/portal/demo/invoices').expect(200));
    expect(n, 'SQL round trips for the invoice list').to.be.at.most(7);
    expect(textOf(list.text)).to.contain('$3,170.00 due');
    const href = firstLink(list.text, 'invoices');
    const page = await maria.get(href).expect(200);
    const text = textOf(page.text);
    expect(text).to.contain('Payments');
    const pdf = pdfText((await maria.get(`${href}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer);
    for (const figure of text.match(/\$[0-9,]+\.\d\d/g) ?? []) expect(pdf, figure).to.contain(figure);
  });

  it("sets PDF text in any Latin script, in the reader's language", async function () {
    await h.crm.db('contacts').where({ email: 'maria@northwind.test' }).first();
    const list = await maria.get('/portal/demo/invoices').set('Accept-Language', 'de').expect(200);
    const href = firstLink(list.text, 'invoices');
    const page = textOf((await maria.get(href).set('Accept-Language', 'de').expect(200)).text);
    const pdf = pdfText(
      (await maria.get(`${href}.pdf`).set('Accept-Language', 'de').buffer(true).parse(binary).expect(200)).body as Buffer,
    );
    expect(pdf).to.contain('Rechnung');
    expect(pdf).to.contain('Zwischensumme');
    expect(pdf).to.contain(`${'Maria García'.slice(0, 0)}Northwind Traders`);
    for (const figure of page.match(/[0-9.]+,\d\d\s?\$/g) ?? [])
      expect(pdf.replace(/\s/g, ''), figure).to.contain(figure.replace(/\s/g, ''));
  });

  it('adds a comment with post/redirect/get, keeps the typed text on an error, and logs it', async function () {
    const list = await maria.get('/portal/demo/invoices').expect(200);
    const href = firstLink(list.text, 'invoices');
    const page = await maria.get(href).expect(200);
    const csrf = csrfFrom(page.text);
    const posted = await maria
      .post(`${href}/comments`)
      .type('form')
      .send({ _csrf: csrf, body: 'Can we pay in two parts?\nThanks, Łódź office' })
      .expect(303);
    expect(posted.headers.location).to.equal(`${href}#comments`);
    const after = await maria.get(href).expect(200);
    expect(after.text).to.contain('Can we pay in two parts?\nThanks, Łódź office');
    const tooLong = 'x'.repeat(5001);
    const invalid = await maria.post(`${href}/comments`).type('form').send({ _csrf: csrf, body: tooLong }).expect(400);
    expect(invalid.text).to.contain('Keep a comment under 5,000 characters.');
    expect(invalid.text).to.contain(tooLong);
    const empty = await maria.post(`${href}/comments`).type('form').send({ _csrf: csrf, body: '   ' }).expect(400);
    expect(empty.text).to.contain('Write a comment first.');
    const fragment = await maria
      .post(`${href}/comments`)
      .set('HX-Request', 'true')
      .set('HX-Request-Type', 'partial')
      .type('form')
      .send({ _csrf: csrf, body: 'From htmx' })
      .expect(200);
    expect(fragment.text.trim()).to.match(/^<section id="comments"/);
    expect(fragment.text).to.contain('From htmx');
    expect(await h.crm.db('client_activity_logs').where({ event: 'comment.added' }).count('* as n').first()).to.deep.include({ n: 2 });
  });

  it('takes the comment form away and refuses the POST with 404 while comments are off', async function () {
    const list = await maria.get('/portal/demo/invoices').expect(200);
    const href = firstLink(list.text, 'invoices');
    const csrf = csrfFrom(list.text);
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm
      .db('workspace_client_portal_settings')
      .where({ workspace_id: String(workspace.id) })
      .update({ allow_comments: false });
    const hadRow = (await h.crm.db('workspace_client_portal_settings').where({ workspace_id: String(workspace.id) })).length > 0;
    if (!hadRow) await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspace.id), allow_comments: false });
    // Written straight to the table, so the portal is told, as the settings page does.
    await h.crm.portal.workspaceChanged(String(workspace.id));
    try {
      const page = await maria.get(href).expect(200);
      expect(page.text).to.not.contain('id="comments"');
      expect(page.text).to.not.contain(`${href}/comments`);
      await maria.post(`${href}/comments`).type('form').send({ _csrf: csrf, body: 'Hello' }).expect(404);
    } finally {
      await h.crm
        .db('workspace_client_portal_settings')
        .where({ workspace_id: String(workspace.id) })
        .update({ allow_comments: true });
      await h.crm.portal.workspaceChanged(String(workspace.id));
    }
  });

  it('lists under Overdue exactly the open invoices past their due date, as many as the summary counts', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: workspace.id, email: 'maria@northwind.test' })
      .first('client_id', 'contact_id');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const late = await createInvoice(h.crm.db, {
      workspaceId: Number(workspace.id),
      clientId: Number(user.client_id),
      status: 'sent',
      currency: 'USD',
      issueDate: day(-40),
      dueDate: day(-10),
      notes: '',
      items: [{ description: 'Hosting, last quarter', quantity: 1, unitPriceCents: 45_000 }],
    });
    try {
      const summary = await h.crm.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id);
      expect(summary.invoices.overdue).to.be.at.least(1);
      const { result: res, queries: n } = await counted(() => maria.get('/portal/demo/invoices?status=overdue').expect(200));
      expect(n, 'SQL round trips for the overdue list').to.be.at.most(7);
      const rows = res.text.match(/<li class="record[ "]/g) ?? [];
      expect(rows.length, 'one row per overdue invoice').to.equal(summary.invoices.overdue);
      expect(res.text).to.contain(late.number);
      // Northwind's part-paid invoice is open but not yet due.
      expect(textOf(res.text)).to.not.contain('$3,170.00 due');
      expect(res.text).to.match(/<option value="overdue" selected>Overdue<\/option>/);
      const german = await maria.get('/portal/demo/invoices?status=overdue').set('Accept-Language', 'de').expect(200);
      expect(german.text).to.match(/<option value="overdue" selected>Überfällig<\/option>/);
      const bad = await maria.get('/portal/demo/invoices?status=late').expect(400);
      expect(bad.text).to.contain('Choose a status from the list.');
    } finally {
      await h.crm.db('invoice_items').where({ invoice_id: late.id }).delete();
      await h.crm.db('invoices').where({ id: late.id }).delete();
    }
  });
});
