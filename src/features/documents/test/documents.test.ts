// The documents page over HTTP against the reference CRM: the host's shared documents (never an
// unshared one or another client's) with type, size, date, who shared and the record, filtered by
// record; streamed downloads with a safe Content-Disposition and nosniff, each logged; uploads
// behind allow_file_uploads with the workspace's size limit, types by magic bytes (a renamed
// executable refused, a zip bomb stored as it is and never unpacked), an interrupted upload that
// leaves nothing, CSRF checked before the file is stored; deleting one's own upload until staff
// open it; a malformed multipart body refused at once; and staff seeing and downloading client
// uploads in the CRM.
import { expect } from 'chai';
import http from 'node:http';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness, demoLogin } from '../../../../test/support/portal-harness.ts';
import { pdfOfSize, smallPdf, windowsExecutable, zipBomb } from '../../../../test/support/upload-fixtures.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('client documents', function () {
  let h: PortalHarness;
  let maria: Agent;
  let priya: Agent;
  let staff: Agent;
  let workspaceId: string;

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    const login = (email: string) => demoLogin(h, email);
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staff = h.agent();
    const page = await staff.get('/signin').expect(200);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
  });
  after(async function () {
    await h.close();
  });
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(workspaceId);
    await h.crm.db('client_uploads').delete();
    await h.crm.db('portal_files').where({ purpose: 'client_upload' }).delete();
  });

  // Settings written behind the portal's back: tell it, as a host would, so its cache reloads them.
  const allowUploads = async (maxMb = 25) => {
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, allow_file_uploads: true, max_upload_mb: maxMb });
    await h.crm.portal.workspaceChanged(workspaceId);
  };
  const documentId = async (filename: string) => (await h.crm.db('documents').where({ filename }).first('id')).id as number;
  const token = async (agent: Agent) => csrfFrom((await agent.get('/portal/demo/documents').expect(200)).text);
  const upload = async (agent: Agent, content: Buffer, filename: string) =>
    agent
      .post('/portal/demo/documents/uploads')
      .field('_csrf', await token(agent))
      .attach('file', content, filename);
  const leftovers = async () => ({
    uploads: Number((await h.crm.db('client_uploads').count({ n: '*' }))[0]!.n),
    files: Number((await h.crm.db('portal_files').where({ purpose: 'client_upload' }).count({ n: '*' }))[0]!.n),
    chunks: Number((await h.crm.db('portal_file_chunks').count({ n: '*' }))[0]!.n),
  });

  it('lists what the agency shares with this client, newest first, with type, size, date, who and the record', async function () {
    const html = (await maria.get('/portal/demo/documents').expect(200)).text;
    expect(html).to.contain('website-redesign-proposal.pdf').and.contain('sitemap-draft.pdf');
    expect(html, 'not shared').to.not.contain('kickoff-notes.txt');
    expect(html, "another client's").to.not.contain('menu-campaign-brief.pdf');
    expect(html.indexOf('sitemap-draft.pdf'), 'newer first').to.be.lessThan(html.indexOf('website-redesign-proposal.pdf'));
    const row = html.slice(html.indexOf('website-redesign-proposal.pdf'));
    expect(row.slice(0, row.indexOf('</tr>')))
      .to.match(/PDF/)
      .and.match(/\d+(\.\d)? KB|\d+ B\b/)
      .and.match(/Proposal /);
    expect(html, 'no upload form while uploads are off').to.not.contain('enctype="multipart/form-data"');
  });

  it('filters by the record a document belongs to', async function () {
    const html = (await maria.get('/portal/demo/documents').expect(200)).text;
    const option = /<option value="(proposal:\d+)"/.exec(html);
    expect(option, 'a record to filter by').to.not.equal(null);
    const filtered = (await maria.get(`/portal/demo/documents?record=${option![1]}`).expect(200)).text;
    expect(filtered).to.contain('website-redesign-proposal.pdf');
    expect(filtered).to.not.contain('sitemap-draft.pdf');
    await maria.get('/portal/demo/documents?record=<script>').expect(400);
  });

  it('downloads a shared document as an attachment with a safe name and nosniff, and logs it', async function () {
    const id = await documentId('website-redesign-proposal.pdf');
    const stored = await h.crm.db('documents').where({ id }).first('content');
    const res = await maria
      .get(`/portal/demo/documents/shared/${id}/download`)
      .buffer(true)
      .parse((r, done) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(Buffer.compare(res.body as Buffer, stored.content)).to.equal(0);
    expect(res.headers['content-disposition']).to.equal(
      `attachment; filename="website-redesign-proposal.pdf"; filename*=UTF-8''website-redesign-proposal.pdf`,
    );
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-length']).to.equal(String(stored.content.length));
    const logged = await h.crm.db('client_activity_logs').where({ event: 'document.downloaded' }).orderBy('id', 'desc').first('details');
    expect(logged.details).to.include({ source: 'host', documentId: String(id), name: 'website-redesign-proposal.pdf' });
  });

  it('does not let another client, an unshared document or a malformed id be downloaded', async function () {
    const id = await documentId('website-redesign-proposal.pdf');
    await priya.get(`/portal/demo/documents/shared/${id}/download`).expect(404);
    await maria.get(`/portal/demo/documents/shared/${await documentId('kickoff-notes.txt')}/download`).expect(404);
    for (const bad of ['abc', '0', '-1', '99999999999', '1%27%20or%201=1'])
      await maria.get(`/portal/demo/documents/shared/${bad}/download`).expect(404);
  });

  it('refuses uploads while the workspace does not allow them', async function () {
    const res = await upload(maria, smallPdf(), 'brief.pdf');
    expect(res.status).to.equal(404);
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
  });

  it('says whom to ask about uploads: the agency when it switched them off, the client admin when the role lacks them', async function () {
    const user = await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id');
    const uploadsNote = async () => {
      const html = (await maria.get('/portal/demo/documents').expect(200)).text;
      return { note: /id="uploads-off">([^<]*)</.exec(html)?.[1] ?? null, form: html.includes('name="file"') };
    };
    expect(await uploadsNote()).to.deep.equal({
      note: 'Your agency has not enabled uploads in the portal, so you cannot send files from here. Email them to your agency instead, or ask it to switch uploads on.',
      form: false,
    });
    await allowUploads();
    // Billing has no uploads: the workspace allows them, her role does not, and the form is not offered.
    await h.crm.db('client_users').where({ id: user.id }).update({ role: 'billing' });
    try {
      expect(await uploadsNote()).to.deep.equal({
        note: 'Your access does not include uploading files; ask your company&#39;s client admin.',
        form: false,
      });
      expect((await upload(maria, smallPdf(), 'brief.pdf')).status).to.equal(404);
      await h.crm.db('client_users').where({ id: user.id }).update({ locale: 'de' });
      expect((await uploadsNote()).note).to.equal(
        'Ihr Zugang umfasst das Hochladen von Dateien nicht; wenden Sie sich an den Kunden-Admin Ihres Unternehmens.',
      );
    } finally {
      await h.crm.db('client_users').where({ id: user.id }).update({ role: 'full', locale: null });
    }
    expect(await uploadsNote()).to.deep.equal({ note: null, form: true });
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
  });

  it('takes an upload (post/redirect/get), records who sent it, tells the agency, and streams it back', async function () {
    await allowUploads();
    const content = pdfOfSize(1_300_000);
    const res = await upload(maria, content, '../../Brief für Q1: final?.PDF');
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    expect(res.headers.location).to.equal('/portal/demo/documents?done=uploaded');
    const row = await h.crm.db('client_uploads').first('id', 'filename', 'content_type', 'size_bytes', 'uploader_name', 'client_user_id');
    expect(row).to.include({ filename: 'Brief für Q1 final.pdf', content_type: 'application/pdf', uploader_name: 'Maria García' });
    expect(Number(row.size_bytes)).to.equal(content.length);
    const event = await h.crm.db('client_activity_logs').where({ event: 'document.uploaded' }).first('details', 'client_user_id');
    expect(event.details).to.include({ uploadId: row.id, name: 'Brief für Q1 final.pdf' });
    expect(event.client_user_id).to.equal(row.client_user_id);
    const page = (await maria.get('/portal/demo/documents?done=uploaded').expect(200)).text;
    expect(page).to.contain('Your file is uploaded').and.contain('Brief für Q1 final.pdf').and.contain('1.2 MB');
    const back = await maria
      .get(`/portal/demo/documents/uploads/${row.id}/download`)
      .buffer(true)
      .parse((r, done) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(Buffer.compare(back.body as Buffer, content)).to.equal(0);
    expect(back.headers['content-disposition']).to.equal(
      `attachment; filename="Brief f_r Q1 final.pdf"; filename*=UTF-8''Brief%20f%C3%BCr%20Q1%20final.pdf`,
    );
    await priya.get(`/portal/demo/documents/uploads/${row.id}/download`).expect(404);
    // The reference CRM takes client files (DocumentsPort.accept): a copy among its documents of
    // Northwind, byte for byte, not shared back (so not listed a second time on the client's page).
    const hostCopy = await h.crm
      .db('documents')
      .where({ workspace_id: workspaceId, filename: 'Brief für Q1 final.pdf' })
      .first('client_id', 'shared_with_client', 'content', 'content_type');
    const northwind = await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id');
    expect(hostCopy).to.include({ client_id: northwind.id, shared_with_client: false, content_type: 'application/pdf' });
    expect(Buffer.compare(hostCopy.content as Buffer, content)).to.equal(0);
  });

  it('refuses a file over the workspace limit, leaving nothing stored', async function () {
    await allowUploads(1);
    const res = await upload(maria, pdfOfSize(1024 * 1024 + 10), 'big.pdf');
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('larger than 1 MB');
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
    const fits = await upload(maria, pdfOfSize(1024 * 1024), 'fits.pdf');
    expect(fits.status).to.equal(303);
  });

  it('refuses a body declared far over the limit before reading it', async function () {
    await allowUploads(1);
    const csrf = await token(maria);
    const cookie = (await maria.get('/portal/demo/documents')).request.cookies ?? '';
    const url = new URL(h.crm.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/portal/demo/documents/uploads',
          headers: {
            Cookie: cookie,
            'X-CSRF-Token': csrf,
            'Content-Type': 'multipart/form-data; boundary=x',
            'Content-Length': String(500 * 1024 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write('--x\r\n'); // Only the first bytes of the 500 MB it announced.
    });
    expect(status).to.equal(413);
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
  });

  it("decides the type by the file's bytes: a renamed executable and unknown bytes are refused, text is taken", async function () {
    await allowUploads();
    const exe = await upload(maria, windowsExecutable(), 'invoice.pdf');
    expect(exe.status).to.equal(415);
    expect(exe.text).to.contain('That kind of file cannot be uploaded');
    const unknown = await upload(maria, Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xff, 0x00]), 'notes.txt');
    expect(unknown.status).to.equal(415);
    const html = await upload(maria, Buffer.from('<html><script>alert(1)</script></html>'), 'page.html');
    expect(html.status).to.equal(415);
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
    const text = await upload(maria, Buffer.from('Opening hours: 9 to 5\nÜbrigens: danke!\n'), 'hours.txt');
    expect(text.status).to.equal(303);
    expect(await h.crm.db('client_uploads').first('content_type', 'filename')).to.include({
      content_type: 'text/plain',
      filename: 'hours.txt',
    });
    const empty = await upload(maria, Buffer.alloc(0), 'empty.pdf');
    expect(empty.status).to.equal(400);
  });

  it('stores a zip bomb as the small file it is, and never unpacks it', async function () {
    this.timeout(60_000);
    await allowUploads();
    const { zip, inflatedBytes } = zipBomb();
    expect(inflatedBytes / zip.length, 'a real bomb').to.be.greaterThan(500);
    const before = process.memoryUsage().rss;
    const res = await upload(maria, zip, 'archive.zip');
    expect(res.status).to.equal(303);
    const row = await h.crm.db('client_uploads').first('size_bytes', 'content_type', 'file_id');
    expect(row.content_type).to.equal('application/zip');
    expect(Number(row.size_bytes)).to.equal(zip.length);
    const stored = await h.crm.portal.files.get(workspaceId, row.file_id);
    expect(Buffer.compare(stored!.content, zip)).to.equal(0);
    expect(process.memoryUsage().rss - before, 'nothing inflated').to.be.lessThan(inflatedBytes / 2);
  });

  it('keeps the file name as typed when the browser escaped its quotes and line breaks', async function () {
    await allowUploads();
    // A browser writes " and a line break in a file name as %22 and %0A (the HTML standard's
    // multipart encoding); the stored name is the typed one, made safe, not the escapes.
    const boundary = '----portal-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${await token(maria)}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Report %22final%22 %0Av2.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      smallPdf(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await maria
      .post('/portal/demo/documents/uploads')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(res.status).to.equal(303);
    expect(await h.crm.db('client_uploads').first('filename')).to.deep.equal({ filename: 'Report final v2.pdf' });
  });

  it('leaves no row and no partial file when the client goes away halfway', async function () {
    await allowUploads();
    const csrf = await token(maria);
    const cookie = (await maria.get('/portal/demo/documents')).request.cookies ?? '';
    const boundary = '----portal-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const url = new URL(h.crm.url);
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/portal/demo/documents/uploads',
        headers: {
          Cookie: cookie,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + 4 * 1024 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.write(head);
      req.write(pdfOfSize(2 * 1024 * 1024));
      // Give the server time to store the first chunks, then vanish.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 1500);
    });
    const deadline = Date.now() + 10_000;
    let left = await leftovers();
    while ((left.files || left.chunks || left.uploads) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await leftovers();
    }
    expect(left).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
    // The portal is still serving.
    await maria.get('/portal/demo/documents').expect(200);
  });

  it('checks the CSRF token before storing any of the file', async function () {
    await allowUploads();
    const res = await maria.post('/portal/demo/documents/uploads').field('_csrf', 'not-the-token').attach('file', smallPdf(), 'a.pdf');
    expect(res.status).to.equal(403);
    const none = await maria.post('/portal/demo/documents/uploads').attach('file', smallPdf(), 'a.pdf');
    expect(none.status).to.equal(403);
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
    // Any other route still refuses a multipart body without the token.
    const other = await maria.post('/portal/demo/account/sessions/revoke-others').attach('file', smallPdf(), 'a.pdf');
    expect(other.status).to.equal(403);
  });

  it('answers a part header busboy cannot read with 400, at once and storing nothing, however many there are', async function () {
    await allowUploads();
    // A field name with control characters: busboy reports a malformed header and the request is
    // unpiped from it, so it never closes; the upload used to wait for that forever.
    const boundary = 'malformed-part';
    // Two of them: busboy reports each, and an error nobody listened to any more ended the process.
    const malformed = `--${boundary}\r\nContent-Disposition: form-data; name="\u000f\u0013"\r\n\r\nv\r\n`;
    const body = Buffer.concat([
      Buffer.from(malformed + malformed),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      smallPdf(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await maria
      .post('/portal/demo/documents/uploads')
      .set('X-CSRF-Token', await token(maria))
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .timeout(5000)
      .send(body);
    expect(res.status).to.equal(400);
    expect(await leftovers()).to.deep.equal({ uploads: 0, files: 0, chunks: 0 });
    expect((await maria.get('/portal/demo/documents')).status, 'the portal still answers').to.equal(200);
  });

  it('lets the client delete their upload until staff open it, and never a host document', async function () {
    await allowUploads();
    await upload(maria, smallPdf(), 'draft.pdf').then((r) => expect(r.status).to.equal(303));
    await upload(maria, smallPdf('second'), 'kept.pdf').then((r) => expect(r.status).to.equal(303));
    const draft = await h.crm.db('client_uploads').where({ filename: 'draft.pdf' }).first('id', 'file_id');
    const kept = await h.crm.db('client_uploads').where({ filename: 'kept.pdf' }).first('id', 'file_id');
    const csrf = await token(maria);
    // Asked first: the list links to a page naming the file, whose button deletes it.
    const listed = (await maria.get('/portal/demo/documents').expect(200)).text;
    expect(listed).to.contain(
      `<a class="button button--small button--secondary" href="/portal/demo/documents/uploads/${draft.id}/delete">`,
    );
    const asked = (await maria.get(`/portal/demo/documents/uploads/${draft.id}/delete`).expect(200)).text;
    expect(asked)
      .to.contain('Delete “draft.pdf”?')
      .and.contain('cannot be brought back')
      .and.contain(`<form method="post" action="/portal/demo/documents/uploads/${draft.id}/delete"`)
      .and.contain('href="/portal/demo/documents#uploads-title">Keep it</a>');
    expect(await h.crm.db('client_uploads').where({ id: draft.id }).first('id')).to.not.equal(undefined);
    await priya.get(`/portal/demo/documents/uploads/${draft.id}/delete`).expect(404);
    await priya
      .post(`/portal/demo/documents/uploads/${draft.id}/delete`)
      .type('form')
      .send({ _csrf: await token(priya) })
      .expect(404);
    const res = await maria.post(`/portal/demo/documents/uploads/${draft.id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    expect(res.headers.location).to.equal('/portal/demo/documents?done=deleted');
    expect(await h.crm.db('client_uploads').where({ id: draft.id }).first()).to.equal(undefined);
    expect(await h.crm.db('portal_files').where({ id: draft.file_id }).first()).to.equal(undefined);
    expect(await h.crm.db('client_activity_logs').where({ event: 'document.deleted' }).first()).to.not.equal(undefined);

    // Staff see it in the CRM, and download it.
    const list = (await staff.get('/settings/client-portal/uploads').expect(200)).text;
    expect(list).to.contain('kept.pdf').and.contain('Northwind Traders').and.contain('Maria García');
    const staffCopy = await staff.get(`/settings/client-portal/uploads/${kept.id}/download`).expect(200);
    expect(staffCopy.headers['content-disposition']).to.contain('kept.pdf');
    expect((await h.crm.db('client_uploads').where({ id: kept.id }).first('staff_opened_at')).staff_opened_at).to.be.instanceOf(Date);

    const refused = await maria.post(`/portal/demo/documents/uploads/${kept.id}/delete`).type('form').send({ _csrf: csrf });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('already opened this file');
    await maria.get(`/portal/demo/documents/uploads/${kept.id}/delete`).expect(409);
    expect((await maria.get('/portal/demo/documents').expect(200)).text).to.contain('Opened by your agency');
    const hostDoc = await documentId('website-redesign-proposal.pdf');
    await maria.post(`/portal/demo/documents/shared/${hostDoc}/delete`).type('form').send({ _csrf: csrf }).expect(404);
    await maria.post('/portal/demo/documents/uploads/not-a-uuid/delete').type('form').send({ _csrf: csrf }).expect(404);
    await h.crm.db('client_uploads').delete();
  });

  it('speaks German to a reader who chose it', async function () {
    const user = await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id');
    await h.crm.db('client_users').where({ id: user.id }).update({ locale: 'de' });
    try {
      const html = (await maria.get('/portal/demo/documents').expect(200)).text;
      expect(html).to.contain('Dokumente').and.contain('Mit Ihnen geteilt').and.contain('Geteilt von');
    } finally {
      await h.crm.db('client_users').where({ id: user.id }).update({ locale: null });
    }
  });
});
