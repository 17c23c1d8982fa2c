// The inline preview of proposals, quotations and invoices: the record page carries it in a closed
// disclosure beside the download, and /:id/preview shows it on a page of its own. Both are HTML
// drawn from the PDF's own document model, so the CSP stays the strict one of every other page
// (no frame or object exception), the page is never stored, and every word of the PDF is in it.
// The preview page answers to exactly whom the PDF answers: another client gets 404, a signed-out
// visitor the sign-in page, and nobody anything while the portal flag is off. Staff viewing the
// record as the client see the same preview.
import { expect } from 'chai';
import supertest from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { binary, flatText, pdfText } from '../support/pdf-text.ts';
import {
  cookieNamed,
  csrfFrom,
  flagsFileFor,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../support/portal-harness.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** The text of the document sheet, tags and whitespace flattened. */
function sheetText(html: string): string {
  const start = html.indexOf('class="doc-sheet"');
  expect(start, 'the page has a document sheet').to.be.above(-1);
  return flatText(decode(html.slice(start).replace(/<[^>]+>/g, ' ')));
}

describe('document preview of proposals, quotations and invoices', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let flagOff: RunningCrm;
  let maria: Agent;
  let priya: Agent;
  const records: Record<'proposals' | 'quotations' | 'invoices', string> = { proposals: '', quotations: '', invoices: '' };

  before(async function () {
    h = await startPortalHarness();
    flagOff = await bootReferenceCrm({
      databaseUrl: h.database.url,
      port: 0,
      sessionSecret: 'test-secret-'.padEnd(48, 'x'),
      flagsFile: flagsFileFor([]),
      quiet: true,
    });
    const login = (email: string) => demoLogin(h, email);
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    for (const table of ['proposals', 'quotations', 'invoices'] as const) {
      const row = await h.crm
        .db(`${table} as r`)
        .join('clients as c', (on) => on.on('c.workspace_id', 'r.workspace_id').andOn('c.id', 'r.client_id'))
        .join('workspaces as w', 'w.id', 'r.workspace_id')
        .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
        .whereNot('r.status', 'draft')
        .orderBy('r.id', 'desc')
        .first('r.id');
      records[table] = String(row.id);
    }
  });
  after(async function () {
    await flagOff?.close();
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  for (const section of ['proposals', 'quotations', 'invoices'] as const) {
    describe(section, function () {
      const record = () => `/portal/demo/${section}/${records[section]}`;

      it('shows the preview on the record page in a closed disclosure, with the download kept', async function () {
        const res = await maria.get(record()).expect(200);
        expect(res.text).to.match(/<section class="panel preview" aria-labelledby="preview-title">\s*<h2 id="preview-title">Preview<\/h2>/);
        expect(res.text).to.contain('<details class="preview__details">');
        expect(res.text).not.to.contain('<details class="preview__details" open');
        expect(res.text).to.contain(`href="${record()}.pdf" hx-boost="false" download>Download PDF</a>`);
        expect(res.text).to.contain(`href="${record()}/preview"`);
        expect(res.text).to.contain('class="doc-sheet"');
      });

      it('answers the preview page with the strict CSP of every page, never stored', async function () {
        const [page, preview] = await Promise.all([maria.get(record()).expect(200), maria.get(`${record()}/preview`).expect(200)]);
        expect(preview.headers['content-type']).to.match(/^text\/html/);
        const csp = String(preview.headers['content-security-policy']);
        expect(csp).to.equal(page.headers['content-security-policy']);
        expect(csp).to.contain("frame-ancestors 'none'");
        expect(csp).to.contain("object-src 'none'");
        expect(csp).to.contain("default-src 'none'");
        expect(csp).not.to.match(/frame-src|child-src/);
        expect(preview.headers['x-frame-options']).to.equal('SAMEORIGIN');
        expect(preview.headers['cache-control']).to.equal('no-store');
        expect(preview.text).not.to.match(/<iframe|<object|<embed/);
      });

      it('says in the preview every word the PDF says', async function () {
        const [preview, pdf] = await Promise.all([
          maria.get(`${record()}/preview`).expect(200),
          maria.get(`${record()}.pdf`).buffer(true).parse(binary).expect(200),
        ]);
        // Case aside: the PDF sets the party headings in capitals, the page's stylesheet does.
        // pdftotext drops the narrow space of "19 %" in the PDF: the page's is dropped too before comparing.
        const html = sheetText(preview.text).toLowerCase().replace(/\s+%/g, '%');
        const words = flatText(await pdfText(pdf.body as Buffer))
          .toLowerCase()
          .split(' ')
          .filter((word) => word && !/^(page|\d+|of)$/.test(word));
        const missing = words.filter((word) => !html.includes(word));
        expect(missing, 'words of the PDF the preview lacks').to.deep.equal([]);
        expect(preview.text).to.contain(`href="${record()}.pdf" hx-boost="false" download>Download PDF</a>`);
      });

      it('is not found for another client of the workspace, like the PDF', async function () {
        await priya.get(`${record()}/preview`).expect(404);
        await priya.get(`${record()}.pdf`).expect(404);
      });

      it('sends a signed-out visitor to sign in', async function () {
        const res = await h.agent().get(`${record()}/preview`).expect(303);
        expect(res.headers.location).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent(`${record()}/preview`)}`);
      });

      it('does not exist while the portal flag is off', async function () {
        const cookies = (await maria.get('/portal/demo/account')).request.cookies;
        const res = await supertest(flagOff.url)
          .get(`${record()}/preview`)
          .set('Cookie', cookies ?? '');
        expect(res.status).to.equal(404);
        expect(cookieNamed(res, 'portal.sid')).to.equal(undefined);
      });

      it('answers 404 to an id that is not a record id', async function () {
        await maria.get(`/portal/demo/${section}/not-a-number/preview`).expect(404);
      });
    });
  }

  it("is on the staff's read-only view of the client's page too", async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const northwind = await h.crm
      .db('clients as c')
      .join('workspaces as w', 'w.id', 'c.workspace_id')
      .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
      .first('c.id');
    for (const [kind, section] of [
      ['invoice', 'invoices'],
      ['proposal', 'proposals'],
    ] as const) {
      const res = await staff.get(`/settings/client-portal/records/${kind}/${northwind.id}/${records[section]}/as-client`).expect(200);
      expect(res.text, kind).to.contain('<details class="preview__details">');
      expect(sheetText(res.text), kind).to.contain('Northwind Traders');
    }
  });

  it('speaks German to a client who chose it', async function () {
    const page = await maria.get('/portal/demo/account').expect(200);
    await maria
      .post('/portal/demo/account/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'de', timeZone: '' })
      .expect(303);
    try {
      const res = await maria.get(`/portal/demo/invoices/${records.invoices}`).expect(200);
      expect(res.text).to.contain('<h2 id="preview-title">Vorschau</h2>');
      expect(res.text).to.contain('als Dokument anzeigen</summary>');
      expect(res.text).to.contain('Vorschau auf eigener Seite öffnen');
      const preview = await maria.get(`/portal/demo/invoices/${records.invoices}/preview`).expect(200);
      expect(preview.text).to.match(/<h1 id="preview-page-title">Vorschau: Rechnung /);
    } finally {
      const again = await maria.get('/portal/demo/account').expect(200);
      await maria
        .post('/portal/demo/account/preferences')
        .type('form')
        .send({ _csrf: csrfFrom(again.text), locale: 'en', timeZone: '' })
        .expect(303);
    }
  });
});
