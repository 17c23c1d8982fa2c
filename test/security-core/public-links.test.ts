// Public links (src/features/offers/public-links) on a real database with the reference CRM's host adapter: the
// token is an HMAC of a random salt, only its SHA-256 is stored; an unknown, expired or revoked
// token, one of another workspace, or one whose section the workspace hides all answer the same
// null; revoking works once and only on the link named; every use is logged.
import { expect } from 'chai';
import { createHash, createHmac } from 'node:crypto';
import { createInvoice } from '../../plugins/reference-crm/queries/invoices.ts';
import {
  findLiveLink,
  insertPublicLinkAccess,
  listAccessesForLinks,
  listLinksForSubject,
  revokeLink,
} from '../../src/features/offers/public-links/queries.ts';
import { DEFAULT_LINK_DAYS, MAX_LINK_DAYS, PublicLinks, SUBJECT_SECTION } from '../../src/features/offers/public-links/service.ts';
import { hashPublicToken, isTokenShaped, newTokenSalt, tokenFor } from '../../src/features/offers/public-links/tokens.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../../src/core/settings/portal-settings.ts';
import { openReferenceCrmDatabase, type ReferenceCrmDatabase } from './reference-crm-database.ts';

const SECRET = 'public-links-secret-'.padEnd(48, 'x');

describe('public link tokens', function () {
  it('are the HMAC-SHA256 of "public-link:<salt>" under the secret, 43 base64url characters', function () {
    const salt = 'a'.repeat(64);
    const expected = createHmac('sha256', SECRET).update(`public-link:${salt}`).digest('base64url');
    expect(tokenFor(SECRET, salt)).to.equal(expected);
    expect(tokenFor(SECRET, salt)).to.have.length(43);
    expect(tokenFor(`${SECRET}y`, salt)).to.not.equal(expected);
    expect(tokenFor(SECRET, 'b'.repeat(64))).to.not.equal(expected);
    expect(isTokenShaped(expected)).to.equal(true);
  });

  it('hash to the SHA-256 hex of the token; salts are 32 random bytes in hex', function () {
    expect(hashPublicToken('abc')).to.equal(createHash('sha256').update('abc').digest('hex'));
    expect(hashPublicToken('é')).to.equal(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex'));
    const salts = new Set(Array.from({ length: 5 }, newTokenSalt));
    expect(salts.size).to.equal(5);
    for (const salt of salts) expect(salt).to.match(/^[0-9a-f]{64}$/);
  });

  it('have exactly one shape: 43 of A-Z a-z 0-9 _ -', function () {
    expect(isTokenShaped('A'.repeat(43))).to.equal(true);
    expect(isTokenShaped('aZ09_-'.padEnd(43, 'x'))).to.equal(true);
    for (const bad of [
      'A'.repeat(42),
      'A'.repeat(44),
      `=${'A'.repeat(43)}`,
      `${'A'.repeat(42)}=`,
      `${'A'.repeat(42)}+`,
      `${'A'.repeat(42)}/`,
      ` ${'A'.repeat(42)}`,
      `${'A'.repeat(42)}\n`,
      '',
    ]) {
      expect(isTokenShaped(bad), JSON.stringify(bad)).to.equal(false);
    }
  });
});

describe('public links (security core)', function () {
  this.timeout(120_000);
  let crm: ReferenceCrmDatabase;
  let clock = new Date('2026-11-22T10:00:00Z');
  let links: PublicLinks;
  const settings: PortalSettings = { ...DEFAULT_SETTINGS };

  async function openProposal() {
    const [row] = await crm
      .db('proposals')
      .insert({
        workspace_id: Number(crm.workspaceId),
        client_id: Number(crm.clientId),
        number: `PL-${Math.random().toString(36).slice(2, 10)}`,
        title: 'Shared',
        body: 'Scope.',
        status: 'sent',
        currency: 'EUR',
        valid_until: null,
        sent_at: clock,
      })
      .returning('id');
    await crm.db('proposal_items').insert({
      workspace_id: Number(crm.workspaceId),
      proposal_id: row.id,
      position: 1,
      description: 'Work',
      quantity: 1,
      unit_price_cents: 1000,
    });
    return String(row.id);
  }

  async function share(id: string, type: 'proposal' | 'quotation' | 'invoice' = 'proposal', days = DEFAULT_LINK_DAYS) {
    return links.create({
      workspaceId: crm.workspaceId,
      clientId: crm.clientId,
      type,
      id,
      staffId: 'staff-1',
      days,
      allowDecision: type !== 'invoice',
    });
  }

  before(async function () {
    crm = await openReferenceCrmDatabase('security-core-commerce');
    links = new PublicLinks({ db: crm.db, adapter: crm.adapter, secret: SECRET, now: () => clock });
  });
  beforeEach(function () {
    clock = new Date('2026-11-22T10:00:00Z');
  });
  after(async function () {
    await crm?.close();
  });

  it("creates a link that opens its record; stores the salt and the token's hash, never the token", async function () {
    const id = await openProposal();
    const { linkId, token, expiresAt } = await share(id);
    expect(isTokenShaped(token)).to.equal(true);
    expect(expiresAt.getTime()).to.equal(clock.getTime() + 30 * 86_400_000);
    const row = await crm.db('portal_public_links').where({ id: linkId }).first();
    expect(row).to.include({
      workspace_id: crm.workspaceId,
      client_id: crm.clientId,
      subject_type: 'proposal',
      subject_id: id,
      token_hash: hashPublicToken(token),
      allow_decision: true,
      created_by_staff_id: 'staff-1',
      revoked_at: null,
    });
    expect(row.created_at.getTime()).to.equal(clock.getTime());
    expect(row.expires_at.getTime()).to.equal(expiresAt.getTime());
    expect(tokenFor(SECRET, row.token_salt)).to.equal(token);
    expect(links.tokenOf(row)).to.equal(token);
    expect(JSON.stringify(row)).to.not.include(token);
    const [created] = await crm
      .db('client_activity_logs')
      .where({ workspace_id: crm.workspaceId, event: 'public_link.created' })
      .whereRaw("details->>'linkId' = ?", [linkId]);
    expect(created).to.include({ client_id: crm.clientId });
    expect(created.details).to.deep.equal({
      kind: 'proposal',
      subjectId: id,
      linkId,
      staffId: 'staff-1',
      expiresAt: expiresAt.toISOString(),
    });

    const opened = (await links.open(crm.workspaceId, settings, token))!;
    expect(opened.link).to.include({
      id: linkId,
      subject_id: id,
      subject_type: 'proposal',
      client_id: crm.clientId,
      workspace_id: crm.workspaceId,
    });
    expect(opened.record.type).to.equal('proposal');
    expect((opened.record as { offer: { id: string } }).offer.id).to.equal(id);
    expect(DEFAULT_LINK_DAYS).to.equal(30);
    expect(MAX_LINK_DAYS).to.equal(365);
  });

  it("answers the same null for an unknown, malformed, expired, revoked or other workspace's token", async function () {
    const id = await openProposal();
    const { linkId, token, expiresAt } = await share(id, 'proposal', 2);
    expect(await links.open(crm.workspaceId, settings, token)).to.not.equal(null);
    expect(await links.open(crm.otherWorkspaceId, settings, token)).to.equal(null);
    expect(await links.open(crm.workspaceId, settings, tokenFor(SECRET, newTokenSalt()))).to.equal(null);
    expect(await links.open(crm.workspaceId, settings, `${token}x`)).to.equal(null);
    expect(await links.open(crm.workspaceId, settings, hashPublicToken(token))).to.equal(null);
    // Live until the last millisecond before it expires, not at the expiry itself.
    clock = new Date(expiresAt.getTime() - 1);
    expect(await links.open(crm.workspaceId, settings, token)).to.not.equal(null);
    clock = expiresAt;
    expect(await links.open(crm.workspaceId, settings, token)).to.equal(null);
    clock = new Date('2026-11-22T10:00:00Z');
    expect(
      await links.revoke({ workspaceId: crm.workspaceId, clientId: crm.clientId, type: 'proposal', id, linkId, staffId: 'staff-2' }),
    ).to.equal(true);
    expect(await links.open(crm.workspaceId, settings, token)).to.equal(null);
  });

  it('answers null when the workspace hides the section, or the record is gone', async function () {
    const id = await openProposal();
    const { token } = await share(id);
    expect(await links.open(crm.workspaceId, { ...settings, showProposals: false }, token)).to.equal(null);
    expect(await links.open(crm.workspaceId, { ...settings, showInvoices: false }, token)).to.not.equal(null);
    await crm
      .db('proposals')
      .where({ id: Number(id) })
      .update({ status: 'draft' });
    expect(await links.open(crm.workspaceId, settings, token)).to.equal(null);
    expect(SUBJECT_SECTION).to.deep.equal({ proposal: 'proposals', quotation: 'quotations', invoice: 'invoices' });
  });

  it('opens an invoice link with its invoice, unless the host has no invoices or the section is off', async function () {
    const created = await createInvoice(crm.db, {
      workspaceId: Number(crm.workspaceId),
      clientId: Number(crm.clientId),
      status: 'sent',
      currency: 'EUR',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Hosting', quantity: 1, unitPriceCents: 9_900 }],
    });
    const { token } = await share(String(created.id), 'invoice');
    const opened = (await links.open(crm.workspaceId, settings, token))!;
    expect(opened.record.type).to.equal('invoice');
    expect((opened.record as { invoice: { id: string } }).invoice.id).to.equal(String(created.id));
    expect(await links.open(crm.workspaceId, { ...settings, showInvoices: false }, token)).to.equal(null);
    const noInvoices = new PublicLinks({ db: crm.db, adapter: { ...crm.adapter, invoices: undefined }, secret: SECRET, now: () => clock });
    expect(await noInvoices.open(crm.workspaceId, settings, token)).to.equal(null);
    const noOffers = new PublicLinks({ db: crm.db, adapter: { ...crm.adapter, offers: undefined }, secret: SECRET, now: () => clock });
    expect(await noOffers.record(crm.workspaceId, crm.clientId, 'proposal', await openProposal())).to.equal(null);
    expect(await links.record(crm.workspaceId, crm.otherClientId, 'invoice', String(created.id))).to.equal(null);
  });

  it('revokes once, only the link named, with who and when, and logs it', async function () {
    const id = await openProposal();
    // Link ids of four digits or more, whatever the database held before: no length is special.
    await crm.db.raw(
      "select setval(pg_get_serial_sequence('portal_public_links', 'id'), greatest(1000, (select coalesce(max(id), 0) from portal_public_links)))",
    );
    const first = await share(id);
    expect(first.linkId).to.match(/^[1-9]\d{3,}$/);
    const second = await share(id);
    clock = new Date('2026-11-23T08:00:00Z');
    const args = {
      workspaceId: crm.workspaceId,
      clientId: crm.clientId,
      type: 'proposal' as const,
      id,
      linkId: first.linkId,
      staffId: 'staff-2',
    };
    for (const wrong of [
      { workspaceId: crm.otherWorkspaceId },
      { clientId: crm.otherClientId },
      { type: 'quotation' as const },
      { id: `${id}0` },
      { linkId: 'abc' },
      { linkId: '0' },
      { linkId: `${first.linkId} ` },
      { linkId: `x${first.linkId}` },
      { linkId: '' },
    ]) {
      expect(await links.revoke({ ...args, ...wrong }), JSON.stringify(wrong)).to.equal(false);
    }
    expect(await links.open(crm.workspaceId, settings, first.token)).to.not.equal(null);
    expect(await links.revoke(args)).to.equal(true);
    expect(await links.revoke(args)).to.equal(false);
    const row = await crm.db('portal_public_links').where({ id: first.linkId }).first('revoked_at', 'revoked_by_staff_id');
    expect(row.revoked_at.getTime()).to.equal(clock.getTime());
    expect(row.revoked_by_staff_id).to.equal('staff-2');
    expect(await links.open(crm.workspaceId, settings, second.token)).to.not.equal(null);
    const revoked = await crm
      .db('client_activity_logs')
      .where({ workspace_id: crm.workspaceId, event: 'public_link.revoked' })
      .whereRaw("details->>'linkId' = ?", [first.linkId]);
    expect(revoked).to.have.length(1);
    expect(revoked[0]).to.include({ client_id: crm.clientId });
    expect(revoked[0].details).to.deep.equal({ kind: 'proposal', subjectId: id, linkId: first.linkId, staffId: 'staff-2' });
    expect(
      await revokeLink(crm.db, {
        workspaceId: crm.workspaceId,
        clientId: crm.clientId,
        subjectType: 'proposal',
        subjectId: id,
        linkId: second.linkId,
        staffId: 'staff-2',
        at: clock,
      }),
    ).to.equal(true);
    expect(
      await revokeLink(crm.db, {
        workspaceId: crm.workspaceId,
        clientId: crm.clientId,
        subjectType: 'proposal',
        subjectId: id,
        linkId: '1'.repeat(19),
        staffId: 'staff-2',
        at: clock,
      }),
    ).to.equal(false);
  });

  it("lists a subject's links newest first with their accesses, and logs each use", async function () {
    const id = await openProposal();
    const older = await share(id);
    clock = new Date('2026-11-22T11:00:00Z');
    const newer = await share(id);
    const link = (await links.open(crm.workspaceId, settings, newer.token))!.link;
    await links.logAccess(link, 'opened', { ip: '203.0.113.1', userAgent: 'agent' });
    await links.logAccess(link, 'pdf', { ip: null, userAgent: null });
    const { links: listed, accesses } = await links.forSubject(crm.workspaceId, crm.clientId, 'proposal', id);
    expect(listed.map((l) => l.id)).to.deep.equal([newer.linkId, older.linkId]);
    expect(listed[0]).to.not.have.property('token_hash');
    expect(accesses.map((a) => [a.link_id, a.action, a.ip, a.user_agent])).to.deep.equal([
      [newer.linkId, 'pdf', null, null],
      [newer.linkId, 'opened', '203.0.113.1', 'agent'],
    ]);
    for (const access of accesses) {
      expect(access.id).to.match(/^[1-9]\d*$/);
      expect(access.at).to.be.instanceOf(Date);
    }
    const opened = await crm
      .db('client_activity_logs')
      .where({ workspace_id: crm.workspaceId, event: 'public_link.opened' })
      .whereRaw("details->>'linkId' = ?", [newer.linkId]);
    expect(opened).to.have.length(1);
    expect(opened[0]).to.include({ client_id: crm.clientId, ip: '203.0.113.1', user_agent: 'agent' });
    expect(opened[0].details).to.deep.equal({ kind: 'proposal', subjectId: id, linkId: newer.linkId });
    expect(await links.forSubject(crm.workspaceId, crm.otherClientId, 'proposal', id)).to.deep.equal({ links: [], accesses: [] });
    expect(await links.forSubject(crm.otherWorkspaceId, crm.clientId, 'proposal', id)).to.deep.equal({ links: [], accesses: [] });
  });

  it('keeps the access log per workspace, newest first, limited, with long values cut', async function () {
    const id = await openProposal();
    const { linkId } = await share(id);
    for (const action of ['opened', 'pdf', 'accepted'] as const)
      await insertPublicLinkAccess(crm.db, {
        linkId,
        workspaceId: crm.workspaceId,
        action,
        ip: '9'.repeat(100),
        userAgent: 'u'.repeat(1000),
      });
    const all = await listAccessesForLinks(crm.db, { workspaceId: crm.workspaceId, linkIds: [linkId], limit: 10 });
    expect(all.map((a) => a.action)).to.deep.equal(['accepted', 'pdf', 'opened']);
    expect(all[0]!.ip).to.have.length(64);
    expect(all[0]!.user_agent).to.have.length(400);
    expect(all[0]!.id).to.be.a('string');
    expect(await listAccessesForLinks(crm.db, { workspaceId: crm.workspaceId, linkIds: [linkId], limit: 2 })).to.have.length(2);
    expect(await listAccessesForLinks(crm.db, { workspaceId: crm.otherWorkspaceId, linkIds: [linkId], limit: 10 })).to.deep.equal([]);
    expect(await listAccessesForLinks(crm.db, { workspaceId: crm.workspaceId, linkIds: [], limit: 10 })).to.deep.equal([]);
    const listed = await listLinksForSubject(crm.db, {
      workspaceId: crm.workspaceId,
      clientId: crm.clientId,
      subjectType: 'proposal',
      subjectId: id,
    });
    expect(listed.map((l) => l.id)).to.deep.equal([linkId]);
    expect(
      await listLinksForSubject(crm.db, { workspaceId: crm.workspaceId, clientId: crm.clientId, subjectType: 'quotation', subjectId: id }),
    ).to.deep.equal([]);
    // Links made in the same instant, accesses logged in one transaction: the later id comes first.
    const twin = await share(id);
    expect(
      (
        await listLinksForSubject(crm.db, { workspaceId: crm.workspaceId, clientId: crm.clientId, subjectType: 'proposal', subjectId: id })
      ).map((l) => l.id),
    ).to.deep.equal([twin.linkId, linkId]);
    await crm.db.transaction(async (trx) => {
      for (const action of ['opened', 'pdf'] as const)
        await insertPublicLinkAccess(trx, { linkId: twin.linkId, workspaceId: crm.workspaceId, action, ip: null, userAgent: null });
    });
    expect(
      (await listAccessesForLinks(crm.db, { workspaceId: crm.workspaceId, linkIds: [twin.linkId], limit: 10 })).map((a) => a.action),
    ).to.deep.equal(['pdf', 'opened']);
    const found = await findLiveLink(crm.db, { workspaceId: crm.workspaceId, tokenHash: 'f'.repeat(64), at: clock });
    expect(found).to.equal(null);
  });
});
