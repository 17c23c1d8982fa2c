// Covers comments on the second, Dolibarr-like host: the portal's comments are the host's own
// llx_comment rows (element_type 'propal' / 'facture'), so what a client adds through
// `portal.comments` is visible to the CRM with the contact as author, soft-deleted comments stay
// hidden, staff comments carry the llx_user name, and a client cannot comment on another company's
// records or on drafts.
import { expect } from 'chai';
import { SECOND_LOGINS, startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

describe('second host: comments live in llx_comment', function () {
  let h: SecondHost;
  const workspaceId = '1';

  before(async function () {
    h = await startSecondHost();
  });
  after(async function () {
    await h?.close();
  });

  it('uses the host\'s comments, not a table of the portal\'s', async function () {
    // The portal wraps the host's port (to announce new comments live) but reads what the host reads.
    const subject = { type: 'proposal' as const, id: '1' };
    expect(await h.portal.comments.list(workspaceId, subject)).to.deep.equal(await h.adapter.comments!.list(workspaceId, subject));
    expect(await h.db.schema.hasTable('client_comments')).to.equal(false);
  });

  it('lists a proposal\'s comments from the host, oldest first, without soft-deleted ones', async function () {
    const comments = await h.portal.comments.list(workspaceId, { type: 'proposal', id: '1' });
    expect(comments.map((c) => ({ body: c.body, authorName: c.authorName, authorContactId: c.authorContactId }))).to.deep.equal([
      { body: 'Could the sign be lit at night?', authorName: 'Claire Martin', authorContactId: '1' },
      { body: 'Yes, LED lighting is included.', authorName: 'Bob Sales', authorContactId: null },
    ]);
    expect(comments.every((c) => c.subjectType === 'proposal' && c.subjectId === '1' && c.createdAt instanceof Date)).to.equal(true);
    // The other entity's comment on its own proposal is not answered here.
    expect(await h.portal.comments.list(workspaceId, { type: 'proposal', id: '3' })).to.deep.equal([]);
    expect(await h.portal.comments.list('2', { type: 'proposal', id: '3' })).to.have.length(1);
  });

  it('adds a client\'s comment on a proposal as a host row with the contact as author', async function () {
    const added = await h.portal.comments.add(workspaceId, { subjectType: 'proposal', subjectId: '4', body: 'Yes to the night lighting.', authorContactId: SECOND_LOGINS.claire.contactId });
    expect(added).to.include({ subjectType: 'proposal', subjectId: '4', body: 'Yes to the night lighting.', authorContactId: '1', authorName: 'Claire Martin' });
    const row = await h.db('llx_comment').where({ rowid: Number(added.id) }).first('entity', 'element_type', 'element_id', 'fk_socpeople', 'fk_user_author', 'description', 'datec', 'deleted_at');
    expect(row).to.include({ entity: 1, element_type: 'propal', element_id: 4, fk_socpeople: 1, fk_user_author: null, description: 'Yes to the night lighting.', deleted_at: null });
    expect(row.datec).to.be.instanceOf(Date);
    // datec has no time zone: compare it with the database's own clock, in the database.
    const [{ seconds }] = (await h.db.raw('select abs(extract(epoch from (datec - localtimestamp)))::float as seconds from llx_comment where rowid = ?', [Number(added.id)])).rows;
    expect(seconds).to.be.below(5 * 60);
    expect((await h.portal.comments.list(workspaceId, { type: 'proposal', id: '4' })).map((c) => c.id)).to.deep.equal([added.id]);
  });

  it('adds a comment on an invoice with element_type facture', async function () {
    const before = await h.portal.comments.list(workspaceId, { type: 'invoice', id: '2' });
    expect(before.map((c) => c.body)).to.deep.equal(['Can we pay in two instalments?']);
    const added = await h.portal.comments.add(workspaceId, { subjectType: 'invoice', subjectId: '2', body: 'Paid the first half.', authorContactId: SECOND_LOGINS.marc.contactId });
    const row = await h.db('llx_comment').where({ rowid: Number(added.id) }).first('element_type', 'element_id', 'fk_socpeople');
    expect(row).to.deep.equal({ element_type: 'facture', element_id: 2, fk_socpeople: 2 });
    expect((await h.portal.comments.list(workspaceId, { type: 'invoice', id: '2' })).at(-1)).to.deep.equal(added);
  });

  it('refuses comments on another company\'s record, a draft, a quotation or from another entity\'s contact', async function () {
    const count = async () => Number((await h.db('llx_comment').count({ n: '*' }))[0]!.n);
    const before = await count();
    const attempts = [
      // Claire's company is not Garage Dupont, whose invoice this is.
      { subjectType: 'invoice' as const, subjectId: '2', authorContactId: SECOND_LOGINS.claire.contactId },
      // PR 5 is a draft.
      { subjectType: 'proposal' as const, subjectId: '5', authorContactId: SECOND_LOGINS.claire.contactId },
      // This host keeps no quotations.
      { subjectType: 'quotation' as const, subjectId: '1', authorContactId: SECOND_LOGINS.claire.contactId },
      // Giulia is a contact of entity 2.
      { subjectType: 'proposal' as const, subjectId: '4', authorContactId: SECOND_LOGINS.giulia.contactId },
    ];
    for (const attempt of attempts) {
      const outcome = await h.portal.comments.add(workspaceId, { ...attempt, body: 'Should not be written' }).then(() => 'written', () => 'refused');
      expect(outcome, JSON.stringify(attempt)).to.equal('refused');
    }
    expect(await count()).to.equal(before);
    expect(await h.portal.comments.list(workspaceId, { type: 'quotation', id: '1' })).to.deep.equal([]);
  });
});
