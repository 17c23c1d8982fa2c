// How the portal renders PDFs: in a worker thread (never on the event loop that serves everyone
// else), and once per document: a second download of the same PDF is a cache hit, while a changed
// record, another language or a branding change renders anew. The cache is keyed by workspace and
// client as well as by the document, so identical documents of two clients never share an entry.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { PdfDocumentModel } from '../../src/core/pdf/document-model.ts';
import { clearPdfCache, configurePdfRendering, pdfRenderStats, renderPdfFor } from '../../src/core/pdf/rendered-pdfs.ts';
import { defaultPoolSize } from '../../src/core/pdf/render-pool.ts';
import { tinyPng } from '../support/signature.ts';
import { type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { binary } from '../support/pdf-text.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portal-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** Renders and cache hits while `work` runs. */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; renders: number; hits: number }> {
  const before = { ...pdfRenderStats };
  const result = await work();
  return { result, renders: pdfRenderStats.renders - before.renders, hits: pdfRenderStats.cacheHits - before.cacheHits };
}

const model = (over: Partial<PdfDocumentModel> = {}): PdfDocumentModel => ({
  locale: 'en',
  brand: { name: 'Acme', color: '#2f5bd3', logo: null },
  heading: 'Invoice INV-1',
  title: 'Same document',
  meta: [],
  body: '',
  columns: { description: 'Description', quantity: 'Qty', unitPrice: 'Unit price', tax: 'Tax', total: 'Total' },
  lines: [{ description: 'Work', quantity: '1', unitPrice: '$10.00', taxRate: null, total: '$10.00' }],
  showLineTax: false,
  totals: [{ label: 'Total', value: '$10.00', strong: true }],
  notes: null,
  payments: null,
  evidence: null,
  footer: 'Acme',
  ...over,
});

describe('PDF rendering: a worker thread, and a cache keyed by what makes the bytes', function () {
  let h: PortalHarness;
  let maria: Agent;
  let invoiceHref: string;
  let workspaceId: string;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    const list = await maria.get('/portal/demo/invoices').expect(200);
    invoiceHref = /href="(\/portal\/demo\/invoices\/\d+)"/.exec(list.text)![1]!;
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
  });
  beforeEach(() => clearPdfCache());
  after(async function () {
    await h?.close();
  });

  const download = (lang = 'en') => maria.get(`${invoiceHref}.pdf`).set('Accept-Language', lang).buffer(true).parse(binary).expect(200);

  it('renders in a worker thread, and serves a second download of the same PDF from the cache', async function () {
    const first = await counted(download);
    expect(first.renders).to.equal(1);
    expect(pdfRenderStats.lastThreadId, 'the thread that rendered').to.be.a('number').and.not.equal(threadId);
    expect(first.result.headers['server-timing']).to.match(/^pdf;dur=[\d.]+$/);

    const second = await counted(download);
    expect(second.renders, 'renders for the second download').to.equal(0);
    expect(second.hits).to.equal(1);
    expect(second.result.headers['server-timing']).to.match(/^pdf;dur=[\d.]+;desc="cached"$/);
    expect(Buffer.compare(second.result.body as Buffer, first.result.body as Buffer)).to.equal(0);
    expect(pdfText(second.result.body as Buffer)).to.contain('Invoice');
  });

  it('renders anew in another language', async function () {
    await download('en');
    const german = await counted(() => download('de'));
    expect(german.renders).to.equal(1);
    expect(pdfText(german.result.body as Buffer)).to.contain('Rechnung');
    const englishAgain = await counted(() => download('en'));
    expect(englishAgain.renders).to.equal(0);
    expect(pdfText(englishAgain.result.body as Buffer)).to.not.contain('Rechnung');
  });

  it('renders anew when the record changes', async function () {
    await download();
    const id = Number(invoiceHref.split('/').pop());
    const { notes } = await h.crm.db('invoices').where({ id }).first('notes');
    await h.crm.db('invoices').where({ id }).update({ notes: 'Please pay by bank transfer to the new account.' });
    try {
      const changed = await counted(download);
      expect(changed.renders).to.equal(1);
      expect(pdfText(changed.result.body as Buffer).replace(/\s+/g, ' ')).to.contain('Please pay by bank transfer to the new account.');
    } finally {
      await h.crm.db('invoices').where({ id }).update({ notes });
    }
  });

  it('renders anew when the branding changes', async function () {
    const before = await download();
    const had = await h.crm.db('workspace_client_portal_settings').where({ workspace_id: workspaceId }).first('primary_color');
    if (had) await h.crm.db('workspace_client_portal_settings').where({ workspace_id: workspaceId }).update({ primary_color: '#115533' });
    else await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: workspaceId, primary_color: '#115533' });
    // Written straight to the table, so the portal is told, as the settings page does.
    await h.crm.portal.workspaceChanged(workspaceId);
    try {
      const rebranded = await counted(download);
      expect(rebranded.renders).to.equal(1);
      expect(Buffer.compare(rebranded.result.body as Buffer, before.body as Buffer)).to.not.equal(0);
    } finally {
      if (had)
        await h.crm
          .db('workspace_client_portal_settings')
          .where({ workspace_id: workspaceId })
          .update({ primary_color: had.primary_color });
      else await h.crm.db('workspace_client_portal_settings').where({ workspace_id: workspaceId }).delete();
      await h.crm.portal.workspaceChanged(workspaceId);
    }
  });

  it('never shares an entry between two clients, even for the same document', async function () {
    const same = model();
    const a = await counted(() => renderPdfFor({ workspaceId: '1', clientId: '1' }, same));
    const b = await counted(() => renderPdfFor({ workspaceId: '1', clientId: '2' }, same));
    const otherWorkspace = await counted(() => renderPdfFor({ workspaceId: '2', clientId: '1' }, same));
    expect([a.renders, b.renders, otherWorkspace.renders]).to.deep.equal([1, 1, 1]);
    const again = await counted(() => renderPdfFor({ workspaceId: '1', clientId: '2' }, same));
    expect(again.renders).to.equal(0);
  });

  it('keys by every part of the document: a logo, the evidence, the time shown', async function () {
    const scope = { workspaceId: '1', clientId: '1' };
    const png = tinyPng(40, 20);
    const variants = [
      model(),
      model({ brand: { name: 'Acme', color: '#2f5bd3', logo: png } }),
      model({ brand: { name: 'Acme', color: '#2f5bd3', logo: tinyPng(40, 21) } }),
      model({ meta: [{ label: 'Date', value: '1 Dec 2026, 09:00' }] }),
      model({ meta: [{ label: 'Date', value: '1 Dec 2026, 10:00' }] }),
      model({ evidence: { heading: 'Accepted', rows: [{ label: 'Name', value: 'Maria' }], signaturePng: null } }),
      model({ evidence: { heading: 'Accepted', rows: [{ label: 'Name', value: 'Maria' }], signaturePng: png } }),
    ];
    const { renders } = await counted(async () => {
      for (const variant of variants) await renderPdfFor(scope, variant);
    });
    expect(renders).to.equal(variants.length);
  });

  it('fails only the download whose image breaks pdfkit, and the next render works', async function () {
    const scope = { workspaceId: '1', clientId: '1' };
    await renderPdfFor(scope, model({ title: 'Before the broken logo' }));
    const thread = pdfRenderStats.lastThreadId;
    // A 1×1 PNG whose image stream fails zlib's check: pdfkit's inflate throws outside its
    // try/catch, which on the event loop would take the whole server down.
    const corrupt = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a3a3a30000000049454e44ae426082',
      'hex',
    );
    let failure: unknown = null;
    await renderPdfFor(scope, model({ title: 'Broken logo', brand: { name: 'Acme', color: '#2f5bd3', logo: corrupt } })).catch(
      (err: unknown) => {
        failure = err;
      },
    );
    expect(String(failure)).to.contain('incorrect data check');
    const next = await counted(() => renderPdfFor(scope, model({ title: 'After the broken logo' })));
    expect(next.renders).to.equal(1);
    expect(pdfRenderStats.lastThreadId, 'a fresh worker').to.not.equal(thread);
    expect(pdfText(next.result.pdf)).to.contain('After the broken logo');
  });

  it('keeps what fits its bytes, letting the least recently downloaded go first', async function () {
    const scope = { workspaceId: '1', clientId: '1' };
    const titled = (n: number) => model({ title: `Bounded cache ${n}` });
    const { pdf } = await renderPdfFor(scope, titled(0));
    // Room for four PDFs of this size (and none may take more than a quarter).
    configurePdfRendering({ threads: defaultPoolSize(), cacheBytes: Math.ceil(pdf.byteLength * 4.5) });
    try {
      const renders = async (n: number) => (await counted(() => renderPdfFor(scope, titled(n)))).renders;
      for (const n of [1, 2, 3, 4]) expect(await renders(n), `first download of ${n}`).to.equal(1);
      expect(await renders(1), 'held').to.equal(0);
      // A fifth pushes out the one downloaded longest ago: 2, as 1 was just read again.
      expect(await renders(5)).to.equal(1);
      expect(await renders(1), '1 stays').to.equal(0);
      expect(await renders(2), '2 went').to.equal(1);
    } finally {
      configurePdfRendering({ threads: defaultPoolSize(), cacheBytes: 32 * 1024 * 1024 });
    }
  });

  it('renders two downloads of the same document at once only once', async function () {
    const { result, renders } = await counted(() => Promise.all([download(), download()]));
    expect(renders).to.equal(1);
    expect(Buffer.compare(result[0].body as Buffer, result[1].body as Buffer)).to.equal(0);
  });
});
