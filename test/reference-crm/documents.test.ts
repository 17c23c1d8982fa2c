// Covers the document staff pages: list, detail, upload (multer, 10 MB limit, accepted types,
// CSRF for multipart in the action URL), download as an attachment, the shared-with-client flag,
// and 404 across workspaces.
import { expect } from 'chai';
import { ACME_ADMIN, DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM documents', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  it("lists the workspace's documents with their visibility", async function () {
    const text = textOf((await demo.agent.get('/documents').expect(200)).text);
    expect(text).to.include('kickoff-notes.txt');
    expect(text).to.include('Internal');
    expect(text).to.include('Shared with client');
    expect(text).to.not.include('logo-directions.pdf');
  });

  it("carries the CSRF token as the upload form's first field, never in its address", async function () {
    const res = await demo.agent.get('/documents/new').expect(200);
    expect(res.text).to.match(
      /<form method="post" action="\/documents" enctype="multipart\/form-data"[^>]*>\s*<input type="hidden" name="_csrf"/,
    );
    expect(res.text).not.to.include('_csrf=');
  });

  it('uploads a file, shows it and downloads it as an attachment', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo');
    const content = Buffer.from('Opening hours: 7-15\n');
    const res = await demo.agent
      .post('/documents')
      .field('_csrf', demo.csrf)
      .field('clientId', String(clientId))
      .field('shared', 'on')
      .attach('file', content, { filename: 'Öffnungszeiten.txt', contentType: 'text/plain' })
      .expect(303);
    const detail = await demo.agent.get(res.headers.location!).expect(200);
    const text = textOf(detail.text);
    expect(text).to.include('Öffnungszeiten.txt');
    expect(text).to.include('Shared with client');
    expect(text).to.include('20 B');

    const download = await demo.agent.get(`${res.headers.location}/download`).buffer(true).expect(200);
    expect(download.headers['content-type']).to.match(/^text\/plain/);
    expect(download.headers['content-disposition']).to.match(/^attachment;/);
    expect(download.headers['cache-control']).to.equal('private, no-store');
    expect(Buffer.from(download.text ?? download.body).toString()).to.equal(content.toString());
  });

  it('downloads a seeded PDF', async function () {
    const id = await idOf(crm.db, 'documents', { filename: 'sitemap-draft.pdf' }, 'demo');
    const res = await demo.agent
      .get(`/documents/${id}/download`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect((res.body as Buffer).subarray(0, 5).toString()).to.equal('%PDF-');
  });

  it("refuses uploads without a file, of an unaccepted type, or for another workspace's client (400)", async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo');
    const none = await demo.agent.post('/documents').field('_csrf', demo.csrf).field('clientId', String(clientId)).expect(400);
    expect(textOf(none.text)).to.include('Choose a file to upload.');

    const html = await demo.agent
      .post('/documents')
      .field('_csrf', demo.csrf)
      .field('clientId', String(clientId))
      .attach('file', Buffer.from('<script>alert(1)</script>'), { filename: 'page.html', contentType: 'text/html' })
      .expect(400);
    expect(textOf(html.text)).to.include('This type of file is not accepted.');

    const acmeClient = await idOf(crm.db, 'clients', { name: 'Lumen Coffee Roasters' }, 'acme');
    const cross = await demo.agent
      .post('/documents')
      .field('_csrf', demo.csrf)
      .field('clientId', String(acmeClient))
      .attach('file', Buffer.from('x'), { filename: 'x.txt', contentType: 'text/plain' })
      .expect(400);
    expect(textOf(cross.text)).to.include('Choose the client this document belongs to.');
  });

  it('refuses files over 10 MB (413) with a friendly page', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo');
    const res = await demo.agent
      .post('/documents')
      .field('_csrf', demo.csrf)
      .field('clientId', String(clientId))
      .attach('file', Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), { filename: 'big.txt', contentType: 'text/plain' });
    expect(res.status).to.equal(413);
    expect(textOf(res.text)).to.include('Files can be at most 10 MB.');
  });

  it('refuses a multipart upload without the CSRF token, with a wrong one or one in its address (403)', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo');
    const before = await crm.db('documents').count<{ c: number }[]>({ c: '*' });
    const file = () => Buffer.from('x');
    await demo.agent
      .post('/documents')
      .field('clientId', String(clientId))
      .attach('file', file(), { filename: 'x.txt', contentType: 'text/plain' })
      .expect(403);
    await demo.agent
      .post('/documents')
      .field('_csrf', 'wrong')
      .field('clientId', String(clientId))
      .attach('file', file(), { filename: 'x.txt', contentType: 'text/plain' })
      .expect(403);
    // A form without a file is checked once its body is read.
    await demo.agent.post('/documents').field('clientId', String(clientId)).expect(403);
    await demo.agent
      .post(`/documents?_csrf=${encodeURIComponent(demo.csrf)}`)
      .field('clientId', String(clientId))
      .attach('file', file(), { filename: 'x.txt', contentType: 'text/plain' })
      .expect(403);
    // Sent to a route that reads no multipart body, the field is never read: the header alone would do.
    await demo.agent.post('/clients').field('_csrf', demo.csrf).field('name', 'Posted as multipart').expect(403);
    expect(await crm.db('documents').count<{ c: number }[]>({ c: '*' })).to.deep.equal(before);
  });

  it('shares and unshares a document with the client', async function () {
    const id = await idOf(crm.db, 'documents', { filename: 'kickoff-notes.txt' }, 'demo');
    await demo.agent.post(`/documents/${id}/sharing`).type('form').send({ _csrf: demo.csrf, shared: 'true' }).expect(303);
    expect((await crm.db('documents').where({ id }).first('shared_with_client')).shared_with_client).to.equal(true);
    expect(textOf((await demo.agent.get(`/documents/${id}`)).text)).to.include('Stop sharing with the client');
    await demo.agent.post(`/documents/${id}/sharing`).type('form').send({ _csrf: demo.csrf, shared: 'false' }).expect(303);
    expect((await crm.db('documents').where({ id }).first('shared_with_client')).shared_with_client).to.equal(false);
    await demo.agent.post(`/documents/${id}/sharing`).type('form').send({ _csrf: demo.csrf, shared: 'maybe' }).expect(400);
    await demo.agent.post(`/documents/${id}/sharing`).type('form').send({ shared: 'true' }).expect(403);
  });

  it("answers 404 for another workspace's document, its download and its sharing", async function () {
    const acmeDoc = await idOf(crm.db, 'documents', { filename: 'label-copy.txt' }, 'acme');
    await demo.agent.get(`/documents/${acmeDoc}`).expect(404);
    await demo.agent.get(`/documents/${acmeDoc}/download`).expect(404);
    await demo.agent.post(`/documents/${acmeDoc}/sharing`).type('form').send({ _csrf: demo.csrf, shared: 'true' }).expect(404);
    expect((await crm.db('documents').where({ id: acmeDoc }).first('shared_with_client')).shared_with_client).to.equal(false);
    const acme = await signIn(crm.app, ACME_ADMIN);
    await acme.agent.get(`/documents/${acmeDoc}/download`).expect(200);
  });
});
