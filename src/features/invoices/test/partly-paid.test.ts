// An open invoice with a payment smaller than its total is "Partly paid", not "Unpaid": in the
// invoice list, on its page, in the dashboard's unpaid-invoices widget and in its PDF, in English
// and German.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { binary } from '../../../../test/support/pdf-text.ts';

async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portal-pdf-'));
  try {
    const file = path.join(dir, 'invoice.pdf');
    await writeFile(file, pdf);
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('a part-paid invoice', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let href: string;

  before(async function () {
    h = await startPortalHarness();
    const invoice = await openInvoiceOf(h.crm.db, 'maria@northwind.test');
    // Make sure the invoice has a payment but a balance left (openInvoiceOf leaves more than 100 cents due).
    await h.crm.db('payments').insert({
      workspace_id: Number(invoice.workspaceId),
      invoice_id: Number(invoice.id),
      amount_cents: 50,
      method: 'bank_transfer',
      reference: 'part',
    });
    // The due date in the future, so "Overdue" does not stand in for the payment state.
    await h.crm
      .db('invoices')
      .where({ id: Number(invoice.id) })
      .update({ due_date: '2099-12-31' });
    href = `/portal/demo/invoices/${invoice.id}`;
  });
  after(async function () {
    await h?.close();
  });

  async function maria() {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    return signedInAgent(h.agent(), 'demo', login);
  }

  it('is badged "Partly paid" in the list, on its page, on the dashboard and in its PDF', async function () {
    const agent = await maria();
    const list = await agent.get('/portal/demo/invoices').expect(200);
    // Its row, from its own <li> (a checkbox to pay it with others may stand before its link).
    const row = new RegExp(`<li class="record[^"]*">(?:(?!</li>)[\\s\\S])*?<a class="record__link" href="${href}">[\\s\\S]*?</li>`).exec(
      list.text,
    );
    expect(row, 'the invoice in the list').to.not.equal(null);
    expect(textOf(row![0])).to.contain('Partly paid').and.not.contain('Unpaid');

    const page = await agent.get(href).expect(200);
    const meta = /<div class="amount-header__figure">[\s\S]*?<\/div>/.exec(page.text)![0];
    expect(textOf(meta)).to.contain('Partly paid').and.not.contain('Unpaid');

    const dashboard = await agent.get('/portal/demo/').expect(200);
    const widgetRow = new RegExp(`<li><a href="${href}">[\\s\\S]*?</li>`).exec(dashboard.text);
    expect(widgetRow, 'the invoice in the unpaid-invoices widget').to.not.equal(null);
    expect(textOf(widgetRow![0])).to.contain('Partly paid');

    const pdf = await pdfText((await agent.get(`${href}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer);
    expect(pdf).to.contain('Partly paid').and.not.contain('Unpaid');
  });

  it('says "Teilweise bezahlt" in German', async function () {
    const agent = await maria();
    const page = await agent.get(href).set('Accept-Language', 'de').expect(200);
    const lang = /<html lang="([^"]+)"/.exec(page.text)![1];
    if (lang !== 'de') this.skip();
    expect(textOf(page.text)).to.contain('Teilweise bezahlt');
  });
});
