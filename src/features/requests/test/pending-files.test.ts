// A refused request form does not drop the files the client chose: they passed the upload checks,
// so they wait as pending files of that form, in that session, for an hour; the form shown again
// lists them ("Attached: name (size)", each with Remove) and sending it again sends them. Only the
// person's own session and form carry them; the sweep removes them, and their stored files, once
// they expire or their session ends.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness, demoLogin } from '../../../../test/support/portal-harness.ts';
import { createPendingFiles, PENDING_FILE_TTL_MS } from '../pending-files.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('a refused request form keeps the files chosen', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let workspaceId: string;
  let printing: string;
  type Agent = ReturnType<PortalHarness['agent']>;

  const login = (email: string) => demoLogin(h, email);
  const pendingRows = () =>
    h.crm.db('portal_request_pending_files').where({ workspace_id: workspaceId }).orderBy(['created_at', 'filename']);
  const pendingField = (html: string) => /name="pending" value="([^"]*)"/.exec(html)?.[1] ?? null;
  const sweeper = () => createPendingFiles({ db: h.crm.db, storage: h.crm.portal.files, now: () => new Date(), onError: () => {} });

  before(async function () {
    h = await startPortalHarness();
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, show_requests: true, allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(workspaceId);
    printing = String(
      (await h.crm.db('request_definitions').where({ workspace_id: workspaceId, name: 'Request a quote for printing' }).first('id')).id,
    );
  });
  after(async function () {
    await h?.close();
  });
  afterEach(async function () {
    await h.crm.db('portal_rate_limits').where('key', 'like', 'request:%').delete();
  });

  /** The printing form sent with a quantity out of bounds (422), with these files. */
  async function refusedWith(agent: Agent, files: Array<[Buffer, string, string]>) {
    const form = (await agent.get(`/portal/demo/requests/new/${printing}`).expect(200)).text;
    let post = agent
      .post(`/portal/demo/requests/new/${printing}`)
      .field('_csrf', csrfFrom(form))
      .field('f_product', 'flyers')
      .field('f_quantity', '12')
      .field('f_notes', 'Keep me');
    for (const [content, filename, contentType] of files) post = post.attach('attachments', content, { filename, contentType });
    return { csrf: csrfFrom(form), refused: await post.expect(422) };
  }

  it('lists the files of a refused form as attached, and sends them with the form sent again', async function () {
    const maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    const { csrf, refused } = await refusedWith(maria, [[PDF, 'artwork.pdf', 'application/pdf']]);
    expect(refused.text).to.match(/Attached: artwork\.pdf \([^)]+\)/);
    expect(refused.text).to.contain('aria-label="Remove artwork.pdf"');
    expect(refused.text, 'typed values come back').to.contain('Keep me');
    const [row] = await pendingRows();
    expect(row).to.include({ definition_id: printing, filename: 'artwork.pdf' });
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: workspaceId, email: 'maria@northwind.test' })
      .first('id', 'client_id', 'contact_id');
    expect(row).to.include({ client_user_id: user.id, client_id: user.client_id, contact_id: user.contact_id });
    const ttl = new Date(row.expires_at).getTime() - new Date(row.created_at).getTime();
    expect(ttl).to.be.within(PENDING_FILE_TTL_MS - 60_000, PENDING_FILE_TTL_MS + 60_000);
    expect(pendingField(refused.text)).to.equal(row.id);

    // Sent again with the hidden field and no new file: the request carries the file.
    const sent = await maria
      .post(`/portal/demo/requests/new/${printing}`)
      .field('_csrf', csrf)
      .field('pending', pendingField(refused.text)!)
      .field('f_product', 'flyers')
      .field('f_quantity', '500')
      .expect(303);
    const requestId = (sent.headers.location as string).split('/').pop();
    const request = await h.crm.db('service_requests').where({ workspace_id: workspaceId, id: requestId }).first('payload');
    expect(request.payload.artwork).to.deep.equal(['artwork.pdf']);
    const page = (await maria.get(sent.headers.location as string).expect(200)).text;
    const fileUrl = /href="([^"]+\/files\/[^"]+)"/.exec(page)![1]!;
    expect((await maria.get(fileUrl).expect(200)).body.toString()).to.equal(PDF.toString());
    expect(await pendingRows(), 'taken over by the request').to.have.length(0);
  });

  it('takes a file off the form with Remove, keeping what was typed and the other file', async function () {
    const maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    const { csrf, refused } = await refusedWith(maria, [
      [PDF, 'artwork.pdf', 'application/pdf'],
      [PNG, 'logo.png', 'image/png'],
    ]);
    const rows = await pendingRows();
    expect(rows.map((r) => r.filename)).to.deep.equal(['artwork.pdf', 'logo.png']);
    const artwork = rows[0]!;
    const removed = await maria
      .post(`/portal/demo/requests/new/${printing}`)
      .field('_csrf', csrf)
      .field('pending', pendingField(refused.text)!)
      .field('removePending', artwork.id)
      .field('f_notes', 'Still here')
      .expect(200);
    expect(removed.text).to.not.contain('Attached: artwork.pdf');
    expect(removed.text).to.contain('Attached: logo.png');
    expect(removed.text).to.contain('Still here');
    expect(pendingField(removed.text)).to.equal(rows[1]!.id);
    expect((await pendingRows()).map((r) => r.filename)).to.deep.equal(['logo.png']);
    expect(await h.crm.portal.files.get(workspaceId, artwork.file_id), 'its stored file').to.equal(null);
    await sweeper().sweep();
    await maria.post('/portal/demo/sign-out').type('form').send({ _csrf: csrf });
  });

  it('carries them only in the session and for the person that chose them', async function () {
    const maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    const { refused } = await refusedWith(maria, [[PDF, 'artwork.pdf', 'application/pdf']]);
    const ids = pendingField(refused.text)!;
    for (const other of [
      await signedInAgent(h.agent(), 'demo', login('maria@northwind.test')),
      await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test')),
    ]) {
      const form = (await other.get(`/portal/demo/requests/new/${printing}`).expect(200)).text;
      // Another session naming the file sends its request without it.
      const sent = await other
        .post(`/portal/demo/requests/new/${printing}`)
        .field('_csrf', csrfFrom(form))
        .field('pending', ids)
        .field('f_product', 'flyers')
        .field('f_quantity', '500')
        .expect(303);
      const requestId = (sent.headers.location as string).split('/').pop();
      const request = await h.crm.db('service_requests').where({ workspace_id: workspaceId, id: requestId }).first('payload');
      expect(request.payload.artwork).to.deep.equal([]);
    }
    expect(
      (await pendingRows()).filter((r) => r.id === ids),
      'still the first session’s',
    ).to.have.length(1);
  });

  it('sweeps away the files of an ended session and those past their hour, with their stored files', async function () {
    await h.crm.db('portal_request_pending_files').delete();
    const maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    const { csrf } = await refusedWith(maria, [[PDF, 'ended.pdf', 'application/pdf']]);
    const priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    await refusedWith(priya, [[PDF, 'expired.pdf', 'application/pdf']]);
    const stillWaiting = await signedInAgent(h.agent(), 'demo', login('olivia@northwind.test'));
    await refusedWith(stillWaiting, [[PDF, 'waiting.pdf', 'application/pdf']]);
    const [ended, expired, waiting] = await pendingRows();
    await maria.post('/portal/demo/sign-out').type('form').send({ _csrf: csrf }).expect(303);
    await h.crm
      .db('portal_request_pending_files')
      .where({ id: expired!.id })
      .update({ expires_at: new Date(Date.now() - 1000) });

    const sweep = sweeper();
    await sweep.sweep(); // ends the signed-out session's files now
    await sweep.sweep();
    expect((await pendingRows()).map((r) => r.filename)).to.deep.equal(['waiting.pdf']);
    expect(await h.crm.portal.files.get(workspaceId, ended!.file_id)).to.equal(null);
    expect(await h.crm.portal.files.get(workspaceId, expired!.file_id)).to.equal(null);
    expect(await h.crm.portal.files.get(workspaceId, waiting!.file_id)).to.not.equal(null);
  });
});
