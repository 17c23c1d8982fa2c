// The portal's own comments (client_comments), used when the host keeps none, as the reference
// CRM does: the table exists, comments come back oldest first with the author's host name, a
// workspace never sees another's, an author from another workspace is refused, and staff-less
// client comments carry the contact. Also: one-time codes are stored keyed with the server
// secret, never as a plain hash a stolen table would give up.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { hashCode } from '../../src/auth/secrets.ts';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('the portal\'s own comments store', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let demoId: string;
  let acmeId: string;
  let maria: string;
  let hana: string;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    demoId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    acmeId = (await h.crm.adapter.workspaces.findBySlug('acme'))!.id;
    maria = (await h.crm.adapter.contacts.findByEmail(demoId, 'maria@northwind.test'))[0]!.id;
    hana = (await h.crm.adapter.contacts.findByEmail(acmeId, 'hana@lumencoffee.test'))[0]!.id;
  });
  after(async function () {
    await h.close();
  });

  it('is the portal\'s table, since the reference CRM keeps no comments', async function () {
    expect(h.crm.adapter.comments).to.equal(undefined);
    expect(await h.crm.db.schema.hasTable('client_comments')).to.equal(true);
  });

  it('adds comments with the author\'s host name and lists them oldest first', async function () {
    const subject = { type: 'proposal' as const, id: '900001' };
    const first = await h.crm.portal.comments.add(demoId, { subjectType: 'proposal', subjectId: subject.id, body: 'First question', authorContactId: maria });
    const second = await h.crm.portal.comments.add(demoId, { subjectType: 'proposal', subjectId: subject.id, body: 'Second, with <b>markup</b>', authorContactId: maria });
    expect(first).to.include({ subjectType: 'proposal', subjectId: '900001', body: 'First question', authorContactId: maria, authorName: 'Maria García' });
    expect(first.createdAt).to.be.instanceOf(Date);
    const listed = await h.crm.portal.comments.list(demoId, subject);
    expect(listed.map((c) => c.id)).to.deep.equal([first.id, second.id]);
    expect(listed[1]!.body).to.equal('Second, with <b>markup</b>');
  });

  it('keeps subjects and workspaces apart', async function () {
    await h.crm.portal.comments.add(demoId, { subjectType: 'invoice', subjectId: '900002', body: 'About the invoice', authorContactId: maria });
    expect(await h.crm.portal.comments.list(demoId, { type: 'quotation', id: '900002' })).to.deep.equal([]);
    expect(await h.crm.portal.comments.list(acmeId, { type: 'invoice', id: '900002' })).to.deep.equal([]);
    expect((await h.crm.portal.comments.list(demoId, { type: 'invoice', id: '900002' })).map((c) => c.body)).to.deep.equal(['About the invoice']);
  });

  it('refuses an author who is not a contact of the workspace, writing nothing', async function () {
    const before = await h.crm.db('client_comments').count<{ count: string }[]>({ count: '*' });
    let refused: unknown;
    try {
      await h.crm.portal.comments.add(demoId, { subjectType: 'proposal', subjectId: '900003', body: 'From elsewhere', authorContactId: hana });
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(Error);
    const after = await h.crm.db('client_comments').count<{ count: string }[]>({ count: '*' });
    expect(Number(after[0]!.count)).to.equal(Number(before[0]!.count));
  });
});

describe('one-time code hashes', function () {
  it('are keyed with the server secret and the user, not a plain hash of the code', function () {
    const code = '123456';
    const stored = hashCode('server-secret-a'.padEnd(40, 'x'), 'user-1', code);
    expect(stored).to.match(/^[0-9a-f]{64}$/);
    expect(stored).to.not.equal(createHash('sha256').update(code).digest('hex'));
    expect(stored).to.not.equal(createHash('sha256').update(`user-1:${code}`).digest('hex'));
    expect(stored).to.not.equal(hashCode('server-secret-b'.padEnd(40, 'x'), 'user-1', code));
    expect(stored).to.not.equal(hashCode('server-secret-a'.padEnd(40, 'x'), 'user-2', code));
    expect(stored).to.equal(hashCode('server-secret-a'.padEnd(40, 'x'), 'user-1', code));
  });
});
