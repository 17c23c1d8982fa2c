// Large attachments on the client's forms that stream files into storage (a new ticket, a reply,
// a request's form), over HTTP with uploads switched on and the files kept in a directory: a
// 6 MB PDF is kept with what it came with; an 18 MB one, over the per-file limit, is answered with
// the form again and a message that names the limit in the reader's language (400), nothing kept
// and no part file left in the store. Each upload is sent as a browser on a slow line would
// (test/support/slow-upload.ts): the file's end comes after the server refused it at its cap,
// which is when a file its handler left half-read held busboy, and the answer, for ever. Each
// upload is bounded by its test's timeout, not by the client's patience.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csrfFrom, type PortalHarness, signedInDemoClient, startPortalHarness, setPortalSettings } from '../support/portal-harness.ts';
import { postFileSlowly } from '../support/slow-upload.ts';
import { pdfOfSize } from '../support/upload-fixtures.ts';

type Agent = ReturnType<PortalHarness['agent']>;

const MB = 1024 * 1024;
/** What the issue asks: an 18 MB upload answered within 20 s. */
const ANSWERED_WITHIN_MS = 20_000;
describe('large attachments on a new ticket and a request: kept, or refused naming the limit', function () {
  let h: PortalHarness;
  let maria: Agent;
  let workspaceId: string;
  let root: string;

  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  /** Every file under the store, part files included. */
  const storeFiles = (dir = root): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? storeFiles(path.join(dir, entry.name)) : [entry.name],
    );

  before(async function () {
    this.timeout(120_000);
    root = mkdtempSync(path.join(os.tmpdir(), 'portal-large-attachments-'));
    h = await startPortalHarness({ boot: { fileStorageDir: root } });
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    await setSettings({ show_tickets: true, show_requests: true, allow_file_uploads: true });
    maria = await signedInDemoClient(h, 'maria@northwind.test');
  });
  // The workspace's own limit, back to its default after a test that lowered it (even one that timed out).
  afterEach(async function () {
    await setSettings({ max_upload_mb: 25 });
  });
  after(async function () {
    await h?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Posts a form with a PDF as Maria, the file's end held back a moment. */
  const postForm = (pathname: string, fields: Record<string, string>, file: { filename: string; content: Buffer }, language = 'en') =>
    postFileSlowly(maria, `${h.crm.url}${pathname}`, fields, file, { 'Accept-Language': language });

  async function openTicket(subject: string, content: Buffer, language = 'en') {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    const fields = { _csrf: csrfFrom(form), subject, description: `About ${subject}.` };
    return postForm('/portal/demo/tickets', fields, { filename: 'scan.pdf', content }, language);
  }

  const ticketsNamed = (subject: string) => h.crm.db('tickets').where({ workspace_id: workspaceId, subject });

  it('opens a ticket with a 6 MB PDF, the file listed on it', async function () {
    this.timeout(ANSWERED_WITHIN_MS);
    const res = await openTicket('Six megabytes', pdfOfSize(6 * MB));
    expect(res.status).to.equal(303);
    const page = (await maria.get(res.location).expect(200)).text;
    expect(page).to.contain('scan.pdf');
    expect(await ticketsNamed('Six megabytes')).to.have.length(1);
  });

  it('answers a new ticket with an 18 MB PDF with the form again, naming the limit, and keeps nothing', async function () {
    this.timeout(ANSWERED_WITHIN_MS);
    const before = storeFiles();
    const res = await openTicket('Eighteen megabytes', pdfOfSize(18 * MB));
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Each file can be at most 10 MB.').and.not.contain('{{');
    expect(res.text, 'what was typed comes back').to.contain('About Eighteen megabytes.');
    expect(await ticketsNamed('Eighteen megabytes')).to.have.length(0);
    expect(storeFiles(), 'no file, and no part file, left in the store').to.deep.equal(before);
  });

  it('names the limit in German too', async function () {
    this.timeout(ANSWERED_WITHIN_MS);
    const res = await openTicket('Achtzehn Megabyte', pdfOfSize(18 * MB), 'de');
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Jede Datei darf höchstens 10 MB groß sein.').and.not.contain('{{');
  });

  it("names the workspace's own limit when it is below the attachments' cap", async function () {
    this.timeout(ANSWERED_WITHIN_MS);
    await setSettings({ max_upload_mb: 5 });
    const res = await openTicket('Over five megabytes', pdfOfSize(6 * MB));
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Each file can be at most 5 MB.');
  });

  it('answers a reply with an 18 MB PDF with the message, naming the limit', async function () {
    this.timeout(ANSWERED_WITHIN_MS);
    const opened = await openTicket('Replied to', pdfOfSize(1024));
    expect(opened.status).to.equal(303);
    const page = (await maria.get(opened.location).expect(200)).text;
    const res = await postForm(
      `${opened.location}/replies`,
      { _csrf: csrfFrom(page), body: 'The full scan.' },
      { filename: 'full.pdf', content: pdfOfSize(18 * MB) },
    );
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Each file can be at most 10 MB.').and.not.contain('{{');
  });

  describe("a request's form with a file field", function () {
    let formUrl: string;

    before(async function () {
      const definition = await h.crm
        .db('request_definitions')
        .where({ workspace_id: workspaceId, name: 'Request a quote for printing' })
        .first('id');
      formUrl = `/portal/demo/requests/new/${definition.id}`;
    });

    async function sendRequest(notes: string, content: Buffer) {
      const form = (await maria.get(formUrl).expect(200)).text;
      const fields = { _csrf: csrfFrom(form), f_product: 'flyers', f_quantity: '500', f_deadline: '2027-05-31', f_notes: notes };
      return postForm(formUrl, fields, { filename: 'artwork.pdf', content });
    }
    const requestsFor = (notes: string) =>
      h.crm.db('service_requests').where({ workspace_id: workspaceId }).whereRaw("payload->>'notes' = ?", [notes]);

    it('sends a request with a 6 MB PDF', async function () {
      this.timeout(ANSWERED_WITHIN_MS);
      const res = await sendRequest('Six megabytes of artwork.', pdfOfSize(6 * MB));
      expect(res.status).to.equal(303);
      expect(await requestsFor('Six megabytes of artwork.')).to.have.length(1);
    });

    it('answers one with an 18 MB PDF with the form again, naming the limit, and keeps nothing', async function () {
      this.timeout(ANSWERED_WITHIN_MS);
      const before = storeFiles();
      const res = await sendRequest('Eighteen megabytes of artwork.', pdfOfSize(18 * MB));
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('Each file can be at most 10 MB.').and.not.contain('{{');
      expect(res.text, 'what was typed comes back').to.contain('Eighteen megabytes of artwork.');
      expect(await requestsFor('Eighteen megabytes of artwork.')).to.have.length(0);
      expect(storeFiles()).to.deep.equal(before);
    });
  });
});
