// The decision service against the reference CRM and the portal's tables on one real database:
// evidence and host status in one transaction (a failing host update leaves no evidence), two
// concurrent accepts from two connection pools give one acceptance, expiry in the reader's time
// zone, a decision bound to the version the client saw, and the fingerprint check after an edit.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../../core/index.ts';
import { createReferenceCrmAdapter } from '../../../../plugins/reference-crm/binding/adapter.ts';
import { migrateReferenceCrm } from '../../../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../../../plugins/reference-crm/seed.ts';
import { migratePortal } from '../../../migrations/index.ts';
import { OfferDecisions, type DecideRequest } from '../decisions/service.ts';
import { canonicalJson, sha256Hex } from '../decisions/canonical.ts';
import { decodeSignaturePng } from '../decisions/signature-png.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { tinyPng } from '../../../../test/support/signature.ts';

describe('offer decisions (service)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Knex;
  let workspaceId: string;
  const now = new Date('2026-11-22T11:00:00Z');
  let service: OfferDecisions;

  /** A fresh sent proposal (or quotation) of the first demo client, valid until the given day. */
  async function openOffer(kind: 'proposal' | 'quotation' = 'proposal', validUntil: string | null = '2026-12-31') {
    const table = kind === 'proposal' ? 'proposals' : 'quotations';
    const client = await db('clients')
      .where({ workspace_id: Number(workspaceId) })
      .orderBy('id')
      .first('id');
    const [row] = await db(table)
      .insert({
        workspace_id: Number(workspaceId),
        client_id: client.id,
        number: `T-${Math.random().toString(36).slice(2, 10)}`,
        title: 'Website',
        body: 'Scope.',
        status: 'sent',
        currency: 'EUR',
        valid_until: validUntil,
        sent_at: now,
      })
      .returning('id');
    await db(`${kind}_items`).insert({
      workspace_id: Number(workspaceId),
      [`${kind}_id`]: row.id,
      position: 1,
      description: 'Design',
      quantity: 2,
      unit_price_cents: 150_000,
    });
    const offer = await createReferenceCrmAdapter(db).offers!.find(workspaceId, String(client.id), kind, String(row.id));
    return { id: String(row.id), clientId: String(client.id), offer: offer! };
  }

  async function request(offer: Awaited<ReturnType<typeof openOffer>>, overrides: Partial<DecideRequest> = {}): Promise<DecideRequest> {
    const state = await service.state(workspaceId, offer.clientId, offer.offer.kind, offer.id, 'UTC');
    return {
      workspaceId,
      clientId: offer.clientId,
      kind: offer.offer.kind,
      offerId: offer.id,
      outcome: 'accepted',
      seenSha256: state!.currentSha256,
      typedName: 'Maria García',
      email: 'maria@northwind.test',
      note: null,
      poNumber: null,
      signaturePng: null,
      method: 'portal',
      clientUserId: null,
      contactId: null,
      publicLinkId: null,
      ip: '203.0.113.9',
      userAgent: 'test agent',
      timeZone: 'UTC',
      ...overrides,
    };
  }

  const evidence = (offerId: string) => db('portal_offer_decisions').where({ offer_id: offerId }).select('*');
  const hostStatus = async (table: string, id: string) =>
    (
      await db(table)
        .where({ id: Number(id) })
        .first('status')
    ).status;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migrateReferenceCrm(db);
    await seedReferenceCrm(db);
    await migratePortal(db);
    workspaceId = String((await db('workspaces').where({ slug: 'demo' }).first('id')).id);
    service = new OfferDecisions({ db, adapter: createReferenceCrmAdapter(db), now: () => now });
  });

  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('accepts: evidence with snapshot, fingerprint and signature, the host status and the activity, together', async function () {
    const offer = await openOffer();
    const png = tinyPng(300, 100);
    const result = await service.decide(await request(offer, { signaturePng: png }));
    expect(result.ok).to.equal(true);
    const [row] = await evidence(offer.id);
    expect(row).to.include({
      outcome: 'accepted',
      method: 'portal',
      typed_name: 'Maria García',
      ip: '203.0.113.9',
      user_agent: 'test agent',
      offer_kind: 'proposal',
    });
    expect(Buffer.from(row.signature_png).equals(png)).to.equal(true);
    expect(row.snapshot_sha256).to.equal(sha256Hex(row.snapshot));
    const snapshot = JSON.parse(row.snapshot);
    expect(canonicalJson(snapshot)).to.equal(row.snapshot);
    expect(snapshot).to.include({ number: offer.offer.number, currency: 'EUR', totalCents: 300_000, validUntil: '2026-12-31' });
    expect(snapshot.lines).to.deep.equal([
      { description: 'Design', quantity: 2, unitPriceCents: 150_000, totalCents: 300_000, taxRatePercent: null },
    ]);
    expect(await hostStatus('proposals', offer.id)).to.equal('accepted');
    const activity = await db('client_activity_logs').where({ event: 'offer.accepted' }).whereRaw("details->>'offerId' = ?", [offer.id]);
    expect(activity).to.have.length(1);
    expect(activity[0]).to.include({ ip: '203.0.113.9', user_agent: 'test agent' });

    // Final in the portal: nothing more can be decided on it.
    expect(await service.decide(await request(offer, { outcome: 'declined' }))).to.deep.equal({ ok: false, reason: 'already_decided' });
  });

  it('leaves no evidence and no activity when the host update fails', async function () {
    const offer = await openOffer();
    // A real failure of the host's own update: a trigger the CRM's database raises on this row.
    await db.raw(`create or replace function refuse_proposal_update() returns trigger language plpgsql as $$
      begin raise exception 'host refuses the update'; end $$`);
    await db.raw(
      `create trigger refuse_update before update on proposals for each row when (old.id = ${Number(offer.id)}) execute function refuse_proposal_update()`,
    );
    try {
      const decided = await service.decide(await request(offer)).then(
        () => 'decided',
        (error: Error) => error.message,
      );
      expect(decided).to.match(/host refuses the update/);
    } finally {
      await db.raw('drop trigger refuse_update on proposals');
    }
    expect(await evidence(offer.id)).to.deep.equal([]);
    expect(await db('client_activity_logs').whereRaw("details->>'offerId' = ?", [offer.id])).to.deep.equal([]);
    expect(await hostStatus('proposals', offer.id)).to.equal('sent');
    // And once the host works again, the same decision goes through.
    expect((await service.decide(await request(offer))).ok).to.equal(true);
  });

  it('gives one acceptance and one host change for concurrent accepts from two app instances', async function () {
    const offer = await openOffer();
    // Two pools are two app instances. The embedded database serves every connection from one
    // backend session, so there the calls share one pool and queue; real PostgreSQL races them.
    const second = database.mode === 'external' ? createKnex(database.url) : db;
    try {
      const other = new OfferDecisions({ db: second, adapter: createReferenceCrmAdapter(second), now: () => now });
      const req = await request(offer);
      const results = await Promise.all([service.decide(req), other.decide(req), service.decide(req), other.decide(req)]);
      expect(results.filter((r) => r.ok)).to.have.length(1);
      for (const refused of results.filter((r) => !r.ok))
        expect(refused).to.have.property('reason').that.is.oneOf(['already_decided', 'not_open']);
    } finally {
      if (second !== db) await second.destroy();
    }
    expect(await evidence(offer.id)).to.have.length(1);
    expect(await db('client_activity_logs').whereRaw("details->>'offerId' = ?", [offer.id])).to.have.length(1);
    expect(await hostStatus('proposals', offer.id)).to.equal('accepted');
  });

  it("refuses to accept an offer past its valid-until day in the reader's time zone, but lets it be declined", async function () {
    // 11:00 UTC on 22 November is already 23 November in Auckland.
    const offer = await openOffer('proposal', '2026-11-22');
    expect(await service.decide(await request(offer, { timeZone: 'Pacific/Auckland' }))).to.deep.equal({ ok: false, reason: 'expired' });
    expect(await evidence(offer.id)).to.deep.equal([]);
    const state = await service.state(workspaceId, offer.clientId, 'proposal', offer.id, 'Pacific/Auckland');
    expect(state).to.include({ expired: true, canDecide: true, canAccept: false });
    expect(
      (await service.decide(await request(offer, { timeZone: 'Pacific/Auckland', outcome: 'declined', note: 'Too late' }))).ok,
    ).to.equal(true);
    expect(await hostStatus('proposals', offer.id)).to.equal('declined');
    expect((await evidence(offer.id))[0]).to.include({ outcome: 'declined', note: 'Too late' });
  });

  it('is still open on its last day where the reader is', async function () {
    const offer = await openOffer('proposal', '2026-11-22');
    expect((await service.decide(await request(offer, { timeZone: 'America/Los_Angeles' }))).ok).to.equal(true);
  });

  it('refuses a decision on a version the client did not see, and anything not open', async function () {
    const offer = await openOffer('quotation');
    const stale = await request(offer);
    await db('quotation_items')
      .where({ quotation_id: Number(offer.id) })
      .update({ unit_price_cents: 175_000 });
    expect(await service.decide(stale)).to.deep.equal({ ok: false, reason: 'changed' });
    const fresh = await request(offer, { poNumber: 'PO-77', note: 'Deliver in March' });
    expect(fresh.seenSha256).to.not.equal(stale.seenSha256);
    expect((await service.decide(fresh)).ok).to.equal(true);
    expect((await evidence(offer.id))[0]).to.include({ po_number: 'PO-77', note: 'Deliver in March' });

    const draft = await openOffer('proposal');
    const seenDraft = await request(draft);
    await db('proposals')
      .where({ id: Number(draft.id) })
      .update({ status: 'draft' });
    expect(await service.decide(seenDraft)).to.deep.equal({ ok: false, reason: 'not_found' });
    const expired = await openOffer('proposal');
    const req = await request(expired);
    await db('proposals')
      .where({ id: Number(expired.id) })
      .update({ status: 'expired' });
    expect(await service.decide(req)).to.deep.equal({ ok: false, reason: 'not_open' });
  });

  it('says when the host record changed after acceptance, comparing fingerprints', async function () {
    const offer = await openOffer();
    await service.decide(await request(offer));
    const before = await service.state(workspaceId, offer.clientId, 'proposal', offer.id, 'UTC');
    expect(before).to.include({ changedSinceDecision: false });
    await db('proposal_items')
      .where({ proposal_id: Number(offer.id) })
      .update({ description: 'Design and build' });
    const after = await service.state(workspaceId, offer.clientId, 'proposal', offer.id, 'UTC');
    expect(after).to.include({ changedSinceDecision: true });
    expect(after!.decision!.snapshot_sha256).to.equal(before!.decision!.snapshot_sha256);
    expect(JSON.parse(after!.decision!.snapshot).lines[0].description).to.equal('Design');
  });

  it("answers nothing for another client's offer", async function () {
    const offer = await openOffer();
    const otherClient = await db('clients')
      .where({ workspace_id: Number(workspaceId) })
      .whereNot({ id: Number(offer.clientId) })
      .first('id');
    const req = await request(offer);
    expect(await service.decide({ ...req, clientId: String(otherClient.id) })).to.deep.equal({ ok: false, reason: 'not_found' });
    expect(await service.state(workspaceId, String(otherClient.id), 'proposal', offer.id, 'UTC')).to.equal(null);
  });
});

describe('drawn signature PNG check', function () {
  it('keeps a real PNG of sensible size and refuses everything else', function () {
    const png = tinyPng(300, 100);
    const ok = decodeSignaturePng(`data:image/png;base64,${png.toString('base64')}`);
    expect(ok).to.deep.include({ width: 300, height: 100 });
    const problem = (url: string) =>
      'problem' in decodeSignaturePng(url) ? (decodeSignaturePng(url) as { problem: string }).problem : 'ok';
    expect(problem(`data:image/jpeg;base64,${png.toString('base64')}`)).to.equal('not_png_data_url');
    expect(problem('data:image/png;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==')).to.equal('not_png');
    expect(problem('data:image/png;base64,not base64!')).to.equal('not_png_data_url');
    expect(problem(`data:image/png;base64,${tinyPng(10, 10).toString('base64')}`)).to.equal('bad_dimensions');
    expect(problem(`data:image/png;base64,${tinyPng(5000, 100).toString('base64')}`)).to.equal('bad_dimensions');
    const truncated = png.subarray(0, png.length - 12);
    expect(problem(`data:image/png;base64,${truncated.toString('base64')}`)).to.equal('not_png');
    expect(problem(`data:image/png;base64,${'A'.repeat(400_000)}`)).to.equal('too_large');
  });
});
