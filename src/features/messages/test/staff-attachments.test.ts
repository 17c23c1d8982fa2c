// A staff reply's multipart form (src/features/messages/uploads.ts), read before the admin CSRF
// check because the token travels in the same body: files held in memory within their limits, and
// each refusal answered with its status and words (too many files, a file in another field, a file
// over 10 MB, too many fields, a body that cannot be read), storing nothing; a file's name kept in
// UTF-8; an empty file input is no attachment; a token that does not match is refused after the body was read.
import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { pdfOfSize, smallPdf } from '../../../../test/support/upload-fixtures.ts';

type Agent = ReturnType<typeof supertest.agent>;

describe('staff reply attachments: the multipart form and its refusals', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let staff: Agent;
  let csrf: string;
  let href: string;
  let workspaceId: string;

  before(async function () {
    h = await startPortalHarness();
    staff = await signedInStaffAgent(h, 'demo');
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    const clientId = (await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('client_id'))
      .client_id;
    href = `/client-messages/${clientId}`;
    csrf = csrfFrom((await staff.get(href).expect(200)).text);
  });
  after(async function () {
    await h?.close();
  });

  const stored = async () =>
    Number((await h.crm.db('portal_files').where({ workspace_id: workspaceId, purpose: 'message-attachment' }).count({ n: '*' }))[0]!.n);
  const sent = async () => Number((await h.crm.db('portal_messages').where({ workspace_id: workspaceId }).count({ n: '*' }))[0]!.n);
  const reply = (body: string) => staff.post(href).field('_csrf', csrf).field('body', body);

  it('sends a reply with two attachments, and takes an empty file input for none', async function () {
    const before = [await stored(), await sent()];
    await reply('Two files')
      .attach('attachments', smallPdf('one'), 'one.pdf')
      .attach('attachments', smallPdf('two'), 'Angebot für Müller.pdf')
      .expect(303);
    await reply('No file').attach('attachments', Buffer.alloc(0), '').expect(303);
    expect([await stored(), await sent()]).to.deep.equal([before[0]! + 2, before[1]! + 2]);
    const names = await h.crm
      .db('portal_message_attachments')
      .where({ workspace_id: workspaceId })
      .orderBy('id', 'desc')
      .limit(2)
      .pluck('filename');
    expect(names.sort()).to.deep.equal(['Angebot für Müller.pdf', 'one.pdf']);
  });

  it('refuses six files, or a file in another field, with a 400 that says how many', async function () {
    const before = [await stored(), await sent()];
    let six = reply('Six files');
    for (let i = 0; i < 6; i++) six = six.attach('attachments', smallPdf(String(i)), `f${i}.pdf`);
    expect((await six.expect(400)).text).to.contain('Attach at most 5 files to one message.');
    const other = await reply('Other field').attach('file', smallPdf(), 'other.pdf').expect(400);
    expect(other.text).to.contain('Attach at most 5 files to one message.');
    expect([await stored(), await sent()]).to.deep.equal(before);
  });

  it('refuses a file over 10 MB with a 413, storing nothing', async function () {
    const before = [await stored(), await sent()];
    const res = await reply('Too big')
      .attach('attachments', pdfOfSize(10 * 1024 * 1024 + 1), 'big.pdf')
      .expect(413);
    expect(res.text).to.contain('Each file can be at most 10 MB.');
    expect([await stored(), await sent()]).to.deep.equal(before);
  });

  it('refuses too many fields, or a field over 64 KB, with a 413', async function () {
    let many = reply('Many fields');
    for (let i = 0; i < 10; i++) many = many.field(`extra${i}`, 'x');
    expect((await many.expect(413)).text).to.contain('That form was too large.');
    expect((await reply('x'.repeat(64 * 1024 + 1)).expect(413)).text).to.contain('That form was too large.');
  });

  it('answers a body that cannot be read with a 400, and a wrong token with a 403', async function () {
    const broken = await staff
      .post(href)
      .set('Content-Type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="body"\r\n\r\nunfinished')
      .expect(400);
    expect(broken.text).to.contain('We could not read that form. Please try again.');
    await staff.post(href).field('_csrf', 'not-the-token').field('body', 'x').attach('attachments', smallPdf(), 'a.pdf').expect(403);
  });
});
