// Message attachments from the client: the messaging switch and the right to write are checked
// before the multipart body is read (a large POST with messaging off is answered while its body is
// still unsent, and storage sees nothing); attachments are streamed into storage, not buffered; a
// workspace over its storage quota is refused with a clear message that keeps what was typed, and
// nothing is written (documents-page uploads and staff replies count against the same quota); stored names lose bidi
// controls.
import { expect } from 'chai';
import http from 'node:http';
import { CookieAccessInfo } from 'cookiejar';
import { csrfFrom, type PortalHarness, signedInDemoClient, signedInStaffAgent, startPortalHarness } from '../support/portal-harness.ts';
import { SECTION_SWITCHES, type SectionSwitch } from '../../src/core/settings/portal-settings.ts';
import { smallPdf } from '../support/upload-fixtures.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('client message attachments: checked before reading, streamed, within a quota', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let maria: Agent;
  let staff: Agent;
  let workspaceId: string;

  before(async function () {
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    staff = await signedInStaffAgent(h, 'demo');
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
  });
  after(async function () {
    await h?.close();
  });

  async function switches(on: Partial<Record<SectionSwitch, boolean>>) {
    const page = await staff.get('/settings/client-portal').expect(200);
    const form: Record<string, string> = { _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on' };
    for (const s of SECTION_SWITCHES) if (on[s.key] ?? true) form[s.key] = 'on';
    await staff.post('/settings/client-portal').type('form').send(form).expect(303);
  }

  const storedAttachments = async () =>
    Number((await h.crm.db('portal_files').where({ workspace_id: workspaceId, purpose: 'message-attachment' }).count({ n: '*' }))[0]!.n);
  const messages = async () => Number((await h.crm.db('portal_messages').where({ workspace_id: workspaceId }).count({ n: '*' }))[0]!.n);

  /**
   * Sends the headers and the first 64 KB of a 50 MB multipart POST, and resolves with the status
   * of the answer if it comes while the rest of the body is still unsent (null after 5 s).
   */
  async function answerBeforeBody(csrf: string): Promise<number | null> {
    const url = new URL(`${h.crm.url}/portal/demo/messages`);
    // HttpOnly cookies are sent by the browser, not read by script: ask the jar as the browser.
    const cookie = maria.jar.getCookies(new CookieAccessInfo(url.hostname, '/portal/demo/messages', false, false)).toValueString();
    const boundary = 'x-boundary-1234';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nbig one\r\n--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        headers: {
          Cookie: cookie,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(50 * 1024 * 1024),
        },
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve(null);
      }, 5000);
      req.on('response', (res) => {
        clearTimeout(timer);
        res.resume();
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') resolve(null);
        else reject(err);
      });
      req.write(head);
      req.write(Buffer.alloc(64 * 1024, 0x41));
      // The remaining ~50 MB are never sent.
    });
  }

  it('a client that goes away mid-attachment leaves nothing stored', async function () {
    await switches({});
    const before = await storedAttachments();
    const csrf = csrfFrom((await maria.get('/portal/demo/messages').expect(200)).text);
    const url = new URL(`${h.crm.url}/portal/demo/messages`);
    const cookie = maria.jar.getCookies(new CookieAccessInfo(url.hostname, '/portal/demo/messages', false, false)).toValueString();
    const boundary = 'x-boundary-5678';
    const req = http.request(url, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(5 * 1024 * 1024) },
    });
    req.on('error', () => {});
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nhalf\r\n--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    req.write(Buffer.alloc(300 * 1024, 0x41));
    // Long enough for the first chunks to reach storage, then the client is gone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    req.destroy();
    let after = -1;
    for (let i = 0; i < 30 && after !== before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await storedAttachments();
    }
    expect(after).to.equal(before);
    // And the portal still answers.
    await maria.get('/portal/demo/messages').expect(200);
  });

  it('with messaging off, answers a large attachment POST before its body is read, and stores nothing', async function () {
    const csrf = csrfFrom((await maria.get('/portal/demo/').expect(200)).text);
    await switches({ allowMessaging: false });
    try {
      const before = await storedAttachments();
      expect(await answerBeforeBody(csrf)).to.equal(404);
      expect(await storedAttachments()).to.equal(before);
    } finally {
      await switches({});
    }
  });

  it('over the workspace storage quota: a clear refusal that keeps the typed message, and nothing written', async function () {
    await switches({});
    // A client upload that alone fills the default 5 GiB quota.
    const [filler] = await h.crm
      .db('client_uploads')
      .insert({
        workspace_id: workspaceId,
        client_id: '1',
        uploader_name: 'Filler',
        file_id: 'none',
        filename: 'huge.zip',
        content_type: 'application/zip',
        size_bytes: 5 * 1024 ** 3,
      })
      .returning('id');
    try {
      const [filesBefore, messagesBefore] = [await storedAttachments(), await messages()];
      const csrf = csrfFrom((await maria.get('/portal/demo/messages').expect(200)).text);
      const res = await maria
        .post('/portal/demo/messages')
        .field('_csrf', csrf)
        .field('body', 'Here is the signed contract')
        .attach('attachments', smallPdf(), 'contract.pdf')
        .expect(413);
      expect(res.text).to.contain('no room left for more files').and.contain('Here is the signed contract');
      expect(await storedAttachments()).to.equal(filesBefore);
      expect(await messages()).to.equal(messagesBefore);
    } finally {
      await h.crm
        .db('client_uploads')
        .where({ id: (filler as { id: string }).id })
        .delete();
    }
  });

  it('over the quota, a documents-page upload is refused too, clearly, and nothing is written', async function () {
    await switches({ allowFileUploads: true });
    const [filler] = await h.crm
      .db('client_uploads')
      .insert({
        workspace_id: workspaceId,
        client_id: '1',
        uploader_name: 'Filler',
        file_id: 'none',
        filename: 'huge.zip',
        content_type: 'application/zip',
        size_bytes: 5 * 1024 ** 3,
      })
      .returning('id');
    try {
      const uploads = async () =>
        Number((await h.crm.db('portal_files').where({ workspace_id: workspaceId, purpose: 'client_upload' }).count({ n: '*' }))[0]!.n);
      const before = await uploads();
      const csrf = csrfFrom((await maria.get('/portal/demo/documents').expect(200)).text);
      const res = await maria
        .post('/portal/demo/documents/uploads')
        .field('_csrf', csrf)
        .attach('file', smallPdf(), 'brief.pdf')
        .expect(413);
      expect(res.text).to.contain('no room left for more files');
      expect(await uploads()).to.equal(before);
    } finally {
      await h.crm
        .db('client_uploads')
        .where({ id: (filler as { id: string }).id })
        .delete();
      await switches({});
    }
  });

  it('over the quota, a staff reply with an attachment is refused too, keeping the typed reply', async function () {
    const [filler] = await h.crm
      .db('client_uploads')
      .insert({
        workspace_id: workspaceId,
        client_id: '1',
        uploader_name: 'Filler',
        file_id: 'none',
        filename: 'huge.zip',
        content_type: 'application/zip',
        size_bytes: 5 * 1024 ** 3,
      })
      .returning('id');
    try {
      const clientId = (
        await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('client_id')
      ).client_id;
      const page = await staff.get(`/client-messages/${clientId}`).expect(200);
      const before = [await storedAttachments(), await messages()];
      const res = await staff
        .post(`/client-messages/${clientId}`)
        .field('_csrf', csrfFrom(page.text))
        .field('body', 'The revised quote')
        .attach('attachments', smallPdf(), 'quote.pdf')
        .expect(413);
      expect(res.text).to.contain('used its storage quota').and.contain('The revised quote');
      expect([await storedAttachments(), await messages()]).to.deep.equal(before);
    } finally {
      await h.crm
        .db('client_uploads')
        .where({ id: (filler as { id: string }).id })
        .delete();
    }
  });

  it('under the quota, streams the attachment into storage under a name without bidi controls', async function () {
    await switches({});
    const csrf = csrfFrom((await maria.get('/portal/demo/messages').expect(200)).text);
    await maria
      .post('/portal/demo/messages')
      .field('_csrf', csrf)
      .field('body', 'the invoice')
      .attach('attachments', smallPdf(), 'invoice\u202efdp.exe.pdf')
      .expect(303);
    const row = await h.crm.db('portal_message_attachments').where({ workspace_id: workspaceId }).orderBy('id', 'desc').first('filename');
    expect(row.filename).to.equal('invoicefdp.exe.pdf');
  });
});
