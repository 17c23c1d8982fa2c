// Comments the host keeps (the test host with its host_comments table and CommentsPort,
// test/support/comments-host.ts): the portal reads and writes the host's comments, not a table of
// its own (no client_comments is created, also after a rollback and a new migrate); what a client adds through `portal.comments` is a host
// row with the contact as author; soft-deleted comments stay hidden; staff comments carry the
// host's author name; another workspace's comments are not answered; a comment the host refuses
// (an author of another workspace, a quotation the host does not keep) writes nothing; and requests,
// which the host's comments do not cover (CommentsPort.subjectTypes), have no thread.
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createTestHost, type TestHost } from '../../../../test/support/test-host.ts';
import type { HostContact, HostWorkspace } from '../../../core/index.ts';

describe('comments the host keeps', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let host: TestHost;
  let atelier: HostWorkspace;
  let other: HostWorkspace;
  let claire: HostContact;
  let marc: HostContact;
  let giulia: HostContact;

  before(async function () {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { hostComments: true, portalEnabledFor: ['atelier', 'other'] });
    atelier = await host.createWorkspace({ slug: 'atelier', name: 'Atelier Nord' });
    other = await host.createWorkspace({ slug: 'other', name: 'Atelier Sud' });
    claire = await host.createContact(await host.createClient(atelier, 'Boulangerie Martin'), {
      name: 'Claire Martin',
      email: 'claire@martin.example',
    });
    marc = await host.createContact(await host.createClient(atelier, 'Garage Dupont'), {
      name: 'Marc Dupont',
      email: 'marc@dupont.example',
    });
    giulia = await host.createContact(await host.createClient(other, 'Cave Rossi'), {
      name: 'Giulia Rossi',
      email: 'giulia@rossi.example',
    });
    // What the host holds already: a client's question, staff's answer, a soft-deleted comment,
    // and the other workspace's comment on a record with the same id.
    const row = (workspace: HostWorkspace, body: string, author: HostContact | null, extra: Record<string, unknown> = {}) => ({
      workspace_id: Number(workspace.id),
      subject_type: 'proposal',
      subject_id: '1',
      body,
      author_contact_id: author ? Number(author.id) : null,
      author_name: author?.name ?? 'Bob Sales',
      ...extra,
    });
    await host
      .db('host_comments')
      .insert(row(atelier, 'Could the sign be lit at night?', claire, { created_at: new Date('2026-03-01T10:00:00Z') }));
    await host
      .db('host_comments')
      .insert(row(atelier, 'Yes, LED lighting is included.', null, { created_at: new Date('2026-03-01T11:00:00Z') }));
    await host.db('host_comments').insert(
      row(atelier, 'Removed in the CRM', claire, {
        created_at: new Date('2026-03-01T12:00:00Z'),
        deleted_at: new Date('2026-03-02T09:00:00Z'),
      }),
    );
    await host.db('host_comments').insert(row(other, "Another workspace's question", giulia));
  });
  after(async function () {
    await host?.close();
    await database?.drop();
  });

  it("uses the host's comments, not a table of the portal's", async function () {
    // The portal wraps the host's port (to announce new comments live) but reads what the host reads.
    const subject = { type: 'proposal' as const, id: '1' };
    expect(await host.portal.comments.list(atelier.id, subject)).to.deep.equal(await host.adapter.comments!.list(atelier.id, subject));
    expect(await host.db.schema.hasTable('client_comments')).to.equal(false);
  });

  it('migrates again after a rollback, still without a comments table of its own', async function () {
    await host.portal.rollback();
    await host.portal.migrate();
    expect(await host.db.schema.hasTable('client_users')).to.equal(true);
    expect(await host.db.schema.hasTable('client_comments')).to.equal(false);
    expect((await host.db('portal_owned_tables').pluck('table_name')) as string[]).to.not.include('client_comments');
  });

  it("lists a record's comments from the host, oldest first, without soft-deleted ones", async function () {
    const comments = await host.portal.comments.list(atelier.id, { type: 'proposal', id: '1' });
    expect(comments.map((c) => ({ body: c.body, authorName: c.authorName, authorContactId: c.authorContactId }))).to.deep.equal([
      { body: 'Could the sign be lit at night?', authorName: 'Claire Martin', authorContactId: claire.id },
      { body: 'Yes, LED lighting is included.', authorName: 'Bob Sales', authorContactId: null },
    ]);
    expect(comments.every((c) => c.subjectType === 'proposal' && c.subjectId === '1' && c.createdAt instanceof Date)).to.equal(true);
    // The other workspace's comment on its own record with the same id is answered there only.
    expect((await host.portal.comments.list(other.id, { type: 'proposal', id: '1' })).map((c) => c.body)).to.deep.equal([
      "Another workspace's question",
    ]);
  });

  it("adds a client's comment on a proposal as a host row with the contact as author", async function () {
    const added = await host.portal.comments.add(atelier.id, {
      subjectType: 'proposal',
      subjectId: '4',
      body: 'Yes to the night lighting.',
      authorContactId: claire.id,
    });
    expect(added).to.include({
      subjectType: 'proposal',
      subjectId: '4',
      body: 'Yes to the night lighting.',
      authorContactId: claire.id,
      authorName: 'Claire Martin',
    });
    const row = await host
      .db('host_comments')
      .where({ id: Number(added.id) })
      .first('workspace_id', 'subject_type', 'subject_id', 'author_contact_id', 'body', 'deleted_at');
    expect(row).to.deep.equal({
      workspace_id: Number(atelier.id),
      subject_type: 'proposal',
      subject_id: '4',
      author_contact_id: Number(claire.id),
      body: 'Yes to the night lighting.',
      deleted_at: null,
    });
    expect((await host.portal.comments.list(atelier.id, { type: 'proposal', id: '4' })).map((c) => c.id)).to.deep.equal([added.id]);
  });

  it("adds a comment on an invoice with the host's subject type", async function () {
    const added = await host.portal.comments.add(atelier.id, {
      subjectType: 'invoice',
      subjectId: '2',
      body: 'Paid the first half.',
      authorContactId: marc.id,
    });
    const row = await host
      .db('host_comments')
      .where({ id: Number(added.id) })
      .first('subject_type', 'subject_id', 'author_contact_id');
    expect(row).to.deep.equal({ subject_type: 'invoice', subject_id: '2', author_contact_id: Number(marc.id) });
    expect((await host.portal.comments.list(atelier.id, { type: 'invoice', id: '2' })).at(-1)).to.deep.equal(added);
  });

  it('writes nothing when the host refuses: an author of another workspace, or a quotation it does not keep', async function () {
    const count = async () => Number((await host.db('host_comments').count({ n: '*' }))[0]!.n);
    const before = await count();
    const attempts = [
      { subjectType: 'proposal' as const, subjectId: '4', authorContactId: giulia.id },
      { subjectType: 'quotation' as const, subjectId: '1', authorContactId: claire.id },
    ];
    for (const attempt of attempts) {
      const outcome = await host.portal.comments.add(atelier.id, { ...attempt, body: 'Should not be written' }).then(
        () => 'written',
        () => 'refused',
      );
      expect(outcome, JSON.stringify(attempt)).to.equal('refused');
    }
    expect(await count()).to.equal(before);
    expect(await host.portal.comments.list(atelier.id, { type: 'quotation', id: '1' })).to.deep.equal([]);
  });

  it('keeps no thread on requests, which the host’s comments do not cover: none to list, no reply taken', async function () {
    const before = Number((await host.db('host_comments').count({ n: '*' }))[0]!.n);
    const staff = { id: '1', workspaceId: atelier.id, name: 'Bob Sales', email: 'bob@atelier.example', role: 'admin' as const };
    const request = { id: '7', clientId: claire.clientId, ref: 'REQ-0007', title: 'A new sign' };
    expect(await host.portal.requestThread.list(staff, request)).to.equal(null);
    expect(await host.portal.requestThread.reply(staff, request, 'Should not be written')).to.equal(false);
    expect(Number((await host.db('host_comments').count({ n: '*' }))[0]!.n)).to.equal(before);
  });
});
