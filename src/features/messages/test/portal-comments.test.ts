// The portal's own comments (client_comments), used when the host keeps none, as the reference
// CRM does: the table exists, comments come back oldest first with the author's host name, a
// workspace never sees another's, an author from another workspace is refused, and staff-less
// client comments carry the contact. Also: one-time codes are stored keyed with the server
// secret, never as a plain hash a stolen table would give up. And staff comments from the staff
// record page: stored with the staff member as author (no contact), announced to the client's live
// stream as comment-created, and an empty one refused with a message (400), writing nothing.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { hashCode } from '../../../core/index.ts';
import { csrfFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe("the portal's own comments store", function () {
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

  it("is the portal's table, since the reference CRM keeps no comments", async function () {
    expect(h.crm.adapter.comments).to.equal(undefined);
    expect(await h.crm.db.schema.hasTable('client_comments')).to.equal(true);
  });

  it("adds comments with the author's host name and lists them oldest first", async function () {
    const subject = { type: 'proposal' as const, id: '900001' };
    const first = await h.crm.portal.comments.add(demoId, {
      subjectType: 'proposal',
      subjectId: subject.id,
      body: 'First question',
      authorContactId: maria,
    });
    const second = await h.crm.portal.comments.add(demoId, {
      subjectType: 'proposal',
      subjectId: subject.id,
      body: 'Second, with <b>markup</b>',
      authorContactId: maria,
    });
    expect(first).to.include({
      subjectType: 'proposal',
      subjectId: '900001',
      body: 'First question',
      authorContactId: maria,
      authorName: 'Maria García',
    });
    expect(first.createdAt).to.be.instanceOf(Date);
    const listed = await h.crm.portal.comments.list(demoId, subject);
    expect(listed.map((c) => c.id)).to.deep.equal([first.id, second.id]);
    expect(listed[1]!.body).to.equal('Second, with <b>markup</b>');
  });

  it('keeps subjects and workspaces apart', async function () {
    await h.crm.portal.comments.add(demoId, {
      subjectType: 'invoice',
      subjectId: '900002',
      body: 'About the invoice',
      authorContactId: maria,
    });
    expect(await h.crm.portal.comments.list(demoId, { type: 'quotation', id: '900002' })).to.deep.equal([]);
    expect(await h.crm.portal.comments.list(acmeId, { type: 'invoice', id: '900002' })).to.deep.equal([]);
    expect((await h.crm.portal.comments.list(demoId, { type: 'invoice', id: '900002' })).map((c) => c.body)).to.deep.equal([
      'About the invoice',
    ]);
  });

  it('takes a staff comment on the staff record page, announced live, and refuses an empty one', async function () {
    const staff = h.agent();
    const admin = h.crm.staffLogins.staff.find((x) => x.workspaceSlug === 'demo' && x.role === 'admin')!;
    const signin = await staff.get('/signin').expect(200);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(signin.text), email: admin.email, password: admin.password })
      .expect(303);
    const proposal = await h.crm
      .db('proposals')
      .where({ workspace_id: Number(demoId), title: 'Website redesign' })
      .first('id', 'client_id');
    const record = `/settings/client-portal/records/proposal/${proposal.client_id}/${proposal.id}`;
    const page = await staff.get(record).expect(200);
    const token = csrfFrom(page.text);

    const refused = await staff.post(`${record}/comments`).type('form').send({ _csrf: token, body: '   ' }).expect(400);
    expect(refused.text).to.contain('Write a comment first.');

    const res = await staff
      .post(`${record}/comments`)
      .type('form')
      .send({ _csrf: token, body: 'Staff answer on the record page' })
      .expect(303);
    expect(res.headers.location).to.equal(`${record}#comments`);
    const row = await h.crm.db('client_comments').where({ workspace_id: demoId, body: 'Staff answer on the record page' }).first();
    const staffId = (
      await h.crm
        .db('staff_users')
        .where({ workspace_id: Number(demoId), email: admin.email })
        .first('id')
    ).id;
    expect(row).to.include({
      subject_type: 'proposal',
      subject_id: String(proposal.id),
      author_contact_id: null,
      author_staff_id: String(staffId),
    });
    expect(row.author_name).to.equal(admin.name);
    expect(await h.crm.db('client_comments').where({ workspace_id: demoId, body: '   ' }).first()).to.equal(undefined);
    const event = await h.crm
      .db('portal_live_events')
      .where({ workspace_id: demoId, type: 'comment-created' })
      .orderBy('seq', 'desc')
      .first('client_id', 'data');
    expect(event.client_id).to.equal(String(proposal.client_id));
    expect(event.data).to.deep.include({ subjectType: 'proposal', subjectId: String(proposal.id), commentId: String(row.id) });
    expect((await staff.get(record).expect(200)).text).to.contain('Staff answer on the record page');
  });

  it('refuses an author who is not a contact of the workspace, writing nothing', async function () {
    const before = await h.crm.db('client_comments').count<{ count: string }[]>({ count: '*' });
    let refused: unknown;
    try {
      await h.crm.portal.comments.add(demoId, {
        subjectType: 'proposal',
        subjectId: '900003',
        body: 'From elsewhere',
        authorContactId: hana,
      });
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
