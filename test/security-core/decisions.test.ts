// Accepting and declining offers (src/features/offers/decisions) on a real database with the reference CRM's host
// adapter: one decision per offer even when several arrive at once, the evidence bound to the
// fingerprint of the version on screen (a changed offer is refused), expiry at midnight in the
// reader's time zone, every refusal leaving nothing behind; the canonical JSON and snapshot the
// fingerprint is made of; the drawn signature's PNG checks; and the form schemas.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../src/features/offers/decisions/canonical.ts';
import {
  AcceptProposalCommand,
  AcceptQuotationCommand,
  DeclineProposalCommand,
  DeclineQuotationCommand,
  keptInput,
  OfferIdParam,
  PublicAcceptCommand,
  PublicDeclineCommand,
} from '../../src/features/offers/decisions/commands.ts';
import { findDecision, findSignaturePng, insertDecision } from '../../src/features/offers/decisions/queries.ts';
import { dayIn, isExpired, OfferDecisions, type DecideRequest } from '../../src/features/offers/decisions/service.ts';
import {
  decodeSignaturePng,
  MAX_SIGNATURE_BYTES,
  MAX_SIGNATURE_DATA_URL_LENGTH,
  SIGNATURE_HEIGHT,
  SIGNATURE_WIDTH,
} from '../../src/features/offers/decisions/signature-png.ts';
import { fingerprintOffer, offerSnapshot } from '../../src/features/offers/decisions/snapshot.ts';
import { PublicLinks } from '../../src/features/offers/public-links/service.ts';
import type { OfferDetail, OfferKind } from '../../src/features/offers/port.ts';
import { tinyPng } from '../support/signature.ts';
import { openReferenceCrmDatabase, type ReferenceCrmDatabase } from './reference-crm-database.ts';

const PREFIX = 'data:image/png;base64,';
const dataUrl = (png: Buffer) => `${PREFIX}${png.toString('base64')}`;
const problemOf = (url: string) => {
  const checked = decodeSignaturePng(url);
  return 'problem' in checked ? checked.problem : 'ok';
};

/** The smallest PNG the check accepts in shape: signature, IHDR with the given size, IEND; 45 bytes. */
function minimalPng(width: number, height: number, options: { ihdrLength?: number; ihdrType?: string } = {}): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(options.ihdrLength ?? 13, 0);
  ihdr.write(options.ihdrType ?? 'IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ihdr,
    Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]),
  ]);
}

describe('offer decisions (security core)', function () {
  this.timeout(120_000);
  let crm: ReferenceCrmDatabase;
  let service: OfferDecisions;
  const now = new Date('2026-11-22T11:00:00Z');

  /** A fresh sent proposal (or quotation) of the demo workspace's first client. */
  async function openOffer(kind: OfferKind = 'proposal', validUntil: string | null = '2026-12-31') {
    const table = kind === 'proposal' ? 'proposals' : 'quotations';
    const [row] = await crm
      .db(table)
      .insert({
        workspace_id: Number(crm.workspaceId),
        client_id: Number(crm.clientId),
        number: `SC-${Math.random().toString(36).slice(2, 10)}`,
        title: 'Website',
        body: 'Scope.',
        status: 'sent',
        currency: 'EUR',
        valid_until: validUntil,
        sent_at: now,
      })
      .returning('id');
    await crm.db(`${kind}_items`).insert({
      workspace_id: Number(crm.workspaceId),
      [`${kind}_id`]: row.id,
      position: 1,
      description: 'Design',
      quantity: 2,
      unit_price_cents: 150_000,
    });
    return { kind, id: String(row.id), clientId: crm.clientId };
  }

  async function request(
    offer: { kind: OfferKind; id: string; clientId: string },
    overrides: Partial<DecideRequest> = {},
  ): Promise<DecideRequest> {
    const state = await service.state(crm.workspaceId, offer.clientId, offer.kind, offer.id, 'UTC');
    return {
      workspaceId: crm.workspaceId,
      clientId: offer.clientId,
      kind: offer.kind,
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

  const evidence = (offer: { id: string; kind: OfferKind }) =>
    crm.db('portal_offer_decisions').where({ offer_id: offer.id, offer_kind: offer.kind, workspace_id: crm.workspaceId }).select('*');
  const activity = (offer: { id: string; kind: OfferKind }) =>
    crm
      .db('client_activity_logs')
      .where({ workspace_id: crm.workspaceId })
      .whereRaw("details->>'offerId' = ? and details->>'kind' = ?", [offer.id, offer.kind])
      .select('*');
  const hostStatus = async (kind: OfferKind, id: string) =>
    (
      await crm
        .db(kind === 'proposal' ? 'proposals' : 'quotations')
        .where({ id: Number(id) })
        .first('status')
    ).status;

  before(async function () {
    crm = await openReferenceCrmDatabase('security-core-commerce');
    service = new OfferDecisions({ db: crm.db, adapter: crm.adapter, now: () => now });
  });
  after(async function () {
    await crm?.close();
  });

  describe('deciding', function () {
    it('accepts once: evidence, host status and activity together, then refuses any further decision', async function () {
      const offer = await openOffer();
      const png = tinyPng(300, 100);
      const clientUserId = randomUUID();
      const result = await service.decide(await request(offer, { signaturePng: png, clientUserId, contactId: '7' }));
      expect(result).to.deep.include({ ok: true, decidedAt: now });
      const [row] = await evidence(offer);
      expect(row).to.include({
        client_id: crm.clientId,
        outcome: 'accepted',
        method: 'portal',
        typed_name: 'Maria García',
        email: 'maria@northwind.test',
        ip: '203.0.113.9',
        user_agent: 'test agent',
        offer_kind: 'proposal',
        client_user_id: clientUserId,
        contact_id: '7',
        note: null,
        po_number: null,
      });
      expect((result as { decisionId: string }).decisionId).to.equal(String(row.id));
      expect(row.decided_at.getTime()).to.equal(now.getTime());
      expect(Buffer.from(row.signature_png).equals(png)).to.equal(true);
      expect(row.snapshot_sha256).to.equal(sha256Hex(row.snapshot));
      expect(JSON.parse(row.snapshot)).to.include({ id: offer.id, kind: 'proposal', totalCents: 300_000 });
      expect(await hostStatus('proposal', offer.id)).to.equal('accepted');
      const logged = await activity(offer);
      expect(logged).to.have.length(1);
      expect(logged[0]).to.include({
        event: 'offer.accepted',
        client_id: crm.clientId,
        email: 'maria@northwind.test',
        ip: '203.0.113.9',
        user_agent: 'test agent',
      });
      expect(logged[0].details).to.deep.include({
        kind: 'proposal',
        offerId: offer.id,
        method: 'portal',
        fingerprint: row.snapshot_sha256,
      });
      expect(logged[0].details.number).to.match(/^SC-/);
      expect(await service.decide(await request(offer, { outcome: 'declined' }))).to.deep.equal({ ok: false, reason: 'already_decided' });
      expect(await evidence(offer)).to.have.length(1);

      // What the offer page and the signed PDF read back.
      const decision = await service.decisionOf(crm.workspaceId, crm.clientId, 'proposal', offer.id);
      expect(decision).to.include({
        id: String(row.id),
        outcome: 'accepted',
        has_signature: true,
        public_link_id: null,
        snapshot_sha256: row.snapshot_sha256,
      });
      expect((await service.signatureOf(crm.workspaceId, crm.clientId, 'proposal', offer.id))!.equals(png)).to.equal(true);
      expect(await service.signatureOf(crm.workspaceId, crm.otherClientId, 'proposal', offer.id)).to.equal(null);
      expect(await service.decisionOf(crm.workspaceId, crm.otherClientId, 'proposal', offer.id)).to.equal(null);
      const state = await service.state(crm.workspaceId, crm.clientId, 'proposal', offer.id, 'UTC');
      expect(state).to.include({ canDecide: false, canAccept: false, changedSinceDecision: false, expired: false });
      expect(state!.decision!.id).to.equal(String(row.id));
      // Staff reopen the proposal in the CRM: the client's decision stands, and no second one is offered.
      await crm
        .db('proposals')
        .where({ id: Number(offer.id) })
        .update({ status: 'sent' });
      expect(await service.state(crm.workspaceId, crm.clientId, 'proposal', offer.id, 'UTC')).to.include({
        canDecide: false,
        canAccept: false,
      });
    });

    it('declines: its own activity event, the note kept, no signature', async function () {
      const offer = await openOffer('quotation');
      expect(
        (
          await service.decide(
            await request(offer, { outcome: 'declined', note: 'Too dear', poNumber: 'PO-1', ip: null, userAgent: null, email: null }),
          )
        ).ok,
      ).to.equal(true);
      expect((await evidence(offer))[0]).to.include({
        outcome: 'declined',
        note: 'Too dear',
        po_number: 'PO-1',
        offer_kind: 'quotation',
        ip: null,
        user_agent: null,
        email: null,
      });
      expect((await activity(offer))[0]).to.include({ event: 'offer.declined', ip: null, user_agent: null });
      expect(await hostStatus('quotation', offer.id)).to.equal('declined');
      expect(await service.decisionOf(crm.workspaceId, crm.clientId, 'quotation', offer.id)).to.include({ has_signature: false });
      expect(await service.signatureOf(crm.workspaceId, crm.clientId, 'quotation', offer.id)).to.equal(null);
    });

    it('gives one acceptance for concurrent accepts, the others refused as already decided', async function () {
      const offer = await openOffer();
      const second =
        crm.database.mode === 'external' ? (await import('../../src/core/db/connect.ts')).createKnex(crm.database.url, 2) : crm.db;
      try {
        const other = new OfferDecisions({ db: second, adapter: crm.adapter, now: () => now });
        const req = await request(offer);
        const results = await Promise.all([service.decide(req), other.decide(req), service.decide(req)]);
        expect(results.filter((r) => r.ok)).to.have.length(1);
        for (const refused of results.filter((r) => !r.ok)) expect(refused).to.deep.equal({ ok: false, reason: 'already_decided' });
      } finally {
        if (second !== crm.db) await second.destroy();
      }
      expect(await evidence(offer)).to.have.length(1);
      expect(await activity(offer)).to.have.length(1);
    });

    it("refuses a changed version, a closed offer, an unknown one and another client's, leaving nothing", async function () {
      const offer = await openOffer('quotation');
      const stale = await request(offer);
      await crm
        .db('quotation_items')
        .where({ quotation_id: Number(offer.id) })
        .update({ unit_price_cents: 175_000 });
      expect(await service.decide(stale)).to.deep.equal({ ok: false, reason: 'changed' });
      expect(await evidence(offer)).to.deep.equal([]);
      expect(await hostStatus('quotation', offer.id)).to.equal('sent');

      const closed = await openOffer();
      const seen = await request(closed);
      await crm
        .db('proposals')
        .where({ id: Number(closed.id) })
        .update({ status: 'expired' });
      expect(await service.decide(seen)).to.deep.equal({ ok: false, reason: 'not_open' });
      expect(await service.decide({ ...seen, outcome: 'declined' })).to.deep.equal({ ok: false, reason: 'not_open' });
      expect(await service.state(crm.workspaceId, crm.clientId, 'proposal', closed.id, 'UTC')).to.include({
        canDecide: false,
        canAccept: false,
      });
      expect(await service.decide({ ...seen, clientId: crm.otherClientId })).to.deep.equal({ ok: false, reason: 'not_found' });
      expect(await service.decide({ ...seen, offerId: '999999999' })).to.deep.equal({ ok: false, reason: 'not_found' });
      expect(await service.state(crm.workspaceId, crm.otherClientId, 'proposal', closed.id, 'UTC')).to.equal(null);
      expect(await evidence(closed)).to.deep.equal([]);
    });

    it('refuses when the host no longer changes the offer, rolling the evidence back', async function () {
      const offer = await openOffer();
      // The host's conditional update changes no row (a trigger skips it): the offer is not open there.
      await crm.db.raw(
        'create or replace function skip_proposal_update() returns trigger language plpgsql as $$ begin return null; end $$',
      );
      await crm.db.raw(
        `create trigger skip_update before update on proposals for each row when (old.id = ${Number(offer.id)}) execute function skip_proposal_update()`,
      );
      try {
        expect(await service.decide(await request(offer))).to.deep.equal({ ok: false, reason: 'not_open' });
      } finally {
        await crm.db.raw('drop trigger skip_update on proposals');
      }
      expect(await evidence(offer)).to.deep.equal([]);
      expect(await activity(offer)).to.deep.equal([]);
    });

    it('passes on a host failure and leaves no evidence', async function () {
      const offer = await openOffer();
      await crm.db.raw(
        "create or replace function fail_proposal_update() returns trigger language plpgsql as $$ begin raise exception 'host refuses the update'; end $$",
      );
      await crm.db.raw(
        `create trigger fail_update before update on proposals for each row when (old.id = ${Number(offer.id)}) execute function fail_proposal_update()`,
      );
      try {
        const outcome = await service.decide(await request(offer)).then(
          () => 'decided',
          (error: Error) => error.message,
        );
        expect(outcome).to.match(/host refuses the update/);
      } finally {
        await crm.db.raw('drop trigger fail_update on proposals');
      }
      expect(await evidence(offer)).to.deep.equal([]);
    });

    it('passes on an evidence write failure that is not a second decision', async function () {
      const offer = await openOffer();
      // A typed name over the column's limit: the insert fails, and not with a unique violation.
      const outcome = await service.decide(await request(offer, { typedName: 'x'.repeat(5000) })).then(
        (r) => JSON.stringify(r),
        (error: Error) => `error: ${error.message}`,
      );
      expect(outcome).to.match(/^error: /);
      expect(await hostStatus('proposal', offer.id)).to.equal('sent');
    });

    it('expires at midnight where the reader is; an expired offer may still be declined; no date never expires', async function () {
      // 11:00 UTC on 22 November is 23 November in Auckland and still 22 November in Los Angeles.
      const lastDay = await openOffer('proposal', '2026-11-22');
      expect(await service.decide(await request(lastDay, { timeZone: 'Pacific/Auckland' }))).to.deep.equal({
        ok: false,
        reason: 'expired',
      });
      expect(await service.state(crm.workspaceId, crm.clientId, 'proposal', lastDay.id, 'Pacific/Auckland')).to.include({
        expired: true,
        canDecide: true,
        canAccept: false,
      });
      expect(await service.state(crm.workspaceId, crm.clientId, 'proposal', lastDay.id, 'America/Los_Angeles')).to.include({
        expired: false,
        canDecide: true,
        canAccept: true,
      });
      expect(await evidence(lastDay)).to.deep.equal([]);
      expect((await service.decide(await request(lastDay, { timeZone: 'America/Los_Angeles' }))).ok).to.equal(true);

      const past = await openOffer('proposal', '2026-11-21');
      expect(await service.decide(await request(past))).to.deep.equal({ ok: false, reason: 'expired' });
      expect((await service.decide(await request(past, { outcome: 'declined' }))).ok).to.equal(true);

      const open = await openOffer('proposal', null);
      expect(await service.state(crm.workspaceId, crm.clientId, 'proposal', open.id, 'UTC')).to.include({
        expired: false,
        canAccept: true,
      });

      expect(dayIn('UTC', now)).to.equal('2026-11-22');
      expect(dayIn('Pacific/Auckland', now)).to.equal('2026-11-23');
      expect(isExpired({ validUntil: '2026-11-22' }, 'UTC', now)).to.equal(false);
      expect(isExpired({ validUntil: '2026-11-21' }, 'UTC', now)).to.equal(true);
      expect(isExpired({ validUntil: null }, 'UTC', now)).to.equal(false);
    });

    it('tells a decision made on an offer edited since, by fingerprint', async function () {
      const offer = await openOffer();
      await service.decide(await request(offer));
      const before = await service.state(crm.workspaceId, crm.clientId, 'proposal', offer.id, 'UTC');
      expect(before).to.include({ changedSinceDecision: false });
      await crm
        .db('proposal_items')
        .where({ proposal_id: Number(offer.id) })
        .update({ description: 'Design and build' });
      const found = (await crm.adapter.offers!.find(crm.workspaceId, crm.clientId, 'proposal', offer.id))!;
      const after = await service.stateOf(crm.workspaceId, crm.clientId, found, 'UTC');
      expect(after).to.include({ changedSinceDecision: true, canDecide: false });
      expect(after.currentSha256).to.equal(fingerprintOffer(found).sha256);
      expect(after.currentSha256).to.not.equal(before!.currentSha256);
      const fresh = await openOffer();
      const freshOffer = (await crm.adapter.offers!.find(crm.workspaceId, crm.clientId, 'proposal', fresh.id))!;
      expect(await service.stateOf(crm.workspaceId, crm.clientId, freshOffer, 'UTC')).to.include({
        decision: null,
        changedSinceDecision: false,
        canDecide: true,
        canAccept: true,
      });
    });

    it('logs a decision made through a public link against that link', async function () {
      const offer = await openOffer();
      const links = new PublicLinks({ db: crm.db, adapter: crm.adapter, secret: 's'.repeat(48), now: () => now });
      const { linkId } = await links.create({
        workspaceId: crm.workspaceId,
        clientId: crm.clientId,
        type: 'proposal',
        id: offer.id,
        staffId: '1',
        days: 30,
        allowDecision: true,
      });
      expect((await service.decide(await request(offer, { method: 'public_link', publicLinkId: linkId }))).ok).to.equal(true);
      const accesses = await crm.db('portal_public_link_accesses').where({ link_id: linkId }).select('action', 'ip', 'user_agent');
      expect(accesses).to.deep.equal([{ action: 'accepted', ip: '203.0.113.9', user_agent: 'test agent' }]);
      expect(await service.decisionOf(crm.workspaceId, crm.clientId, 'proposal', offer.id)).to.include({
        method: 'public_link',
        public_link_id: linkId,
      });
      const plain = await openOffer();
      expect((await service.decide(await request(plain))).ok).to.equal(true);
      expect(await crm.db('portal_public_link_accesses').where({ link_id: linkId })).to.have.length(1);
    });

    it('answers not found (and no state) for a host without offers', async function () {
      const offer = await openOffer();
      const without = new OfferDecisions({ db: crm.db, adapter: { ...crm.adapter, offers: undefined }, now: () => now });
      expect(await without.decide(await request(offer))).to.deep.equal({ ok: false, reason: 'not_found' });
      expect(await without.state(crm.workspaceId, crm.clientId, 'proposal', offer.id, 'UTC')).to.equal(null);
      expect(await hostStatus('proposal', offer.id)).to.equal('sent');
    });
  });

  describe('evidence rows', function () {
    it('are read back only for their own workspace, client, kind and offer; long ip and user agent are cut', async function () {
      const offerId = `9${Date.now()}`.slice(0, 12);
      const id = await insertDecision(crm.db, {
        workspaceId: crm.workspaceId,
        clientId: crm.clientId,
        kind: 'proposal',
        offerId,
        outcome: 'accepted',
        method: 'portal',
        clientUserId: null,
        contactId: null,
        publicLinkId: null,
        typedName: 'A',
        email: null,
        note: null,
        poNumber: null,
        signaturePng: null,
        snapshot: '{}',
        snapshotSha256: sha256Hex('{}'),
        ip: '1'.repeat(100),
        userAgent: 'u'.repeat(1000),
        decidedAt: now,
      });
      const args = { workspaceId: crm.workspaceId, clientId: crm.clientId, kind: 'proposal' as const, offerId };
      const row = (await findDecision(crm.db, args))!;
      expect(row).to.include({ id, has_signature: false, typed_name: 'A' });
      expect(row.ip).to.have.length(64);
      expect(row.user_agent).to.have.length(400);
      for (const other of [
        { workspaceId: crm.otherWorkspaceId },
        { clientId: crm.otherClientId },
        { kind: 'quotation' as const },
        { offerId: `${offerId}1` },
      ]) {
        expect(await findDecision(crm.db, { ...args, ...other }), JSON.stringify(other)).to.equal(null);
        expect(await findSignaturePng(crm.db, { ...args, ...other })).to.equal(null);
      }
      expect(await findSignaturePng(crm.db, args)).to.equal(null);
    });
  });
});

describe('offer fingerprint (canonical JSON and snapshot)', function () {
  it('writes canonical JSON: keys sorted at every depth, no spaces, undefined left out', function () {
    expect(canonicalJson({ b: 1, a: [true, null, 'x', { d: 2, c: 1 }] })).to.equal('{"a":[true,null,"x",{"c":1,"d":2}],"b":1}');
    expect(canonicalJson({ z: undefined, y: 'é' } as never)).to.equal('{"y":"é"}');
    expect(canonicalJson([])).to.equal('[]');
    expect(canonicalJson({})).to.equal('{}');
    expect(canonicalJson(1.5)).to.equal('1.5');
    expect(canonicalJson(null)).to.equal('null');
    expect(() => canonicalJson(Number.NaN)).to.throw(/NaN or Infinity/);
    expect(() => canonicalJson({ a: [Number.POSITIVE_INFINITY] })).to.throw(/NaN or Infinity/);
    expect(sha256Hex('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).to.equal(sha256Hex('abc'));
  });

  const offer: OfferDetail = {
    kind: 'quotation',
    id: '12',
    number: 'Q-12',
    title: 'Roof',
    body: 'Tiles.',
    currency: 'EUR',
    status: 'open',
    clientId: '3',
    lines: [{ description: 'Tiles', quantity: 3, unitPriceCents: 1000, totalCents: 3000, taxRatePercent: 19 }],
    subtotalCents: 3000,
    taxCents: 570,
    totalCents: 3570,
    validUntil: '2026-12-01',
    terms: 'Net 30',
  } as unknown as OfferDetail;

  it('snapshots the figures and words of the deal, nothing else', function () {
    expect(offerSnapshot(offer)).to.deep.equal({
      version: 1,
      kind: 'quotation',
      id: '12',
      number: 'Q-12',
      title: 'Roof',
      body: 'Tiles.',
      currency: 'EUR',
      lines: [{ description: 'Tiles', quantity: 3, unitPriceCents: 1000, totalCents: 3000, taxRatePercent: 19 }],
      subtotalCents: 3000,
      taxCents: 570,
      totalCents: 3570,
      validUntil: '2026-12-01',
      terms: 'Net 30',
    });
    const printed = fingerprintOffer(offer);
    expect(printed.canonical).to.equal(canonicalJson(printed.snapshot as never));
    expect(printed.sha256).to.equal(sha256Hex(printed.canonical));
    // Status and client do not change the fingerprint; any figure or word does.
    expect(fingerprintOffer({ ...offer, status: 'accepted', clientId: '4' } as OfferDetail).sha256).to.equal(printed.sha256);
    expect(fingerprintOffer({ ...offer, terms: 'Net 14' }).sha256).to.not.equal(printed.sha256);
  });
});

describe('drawn signature PNG check (security core)', function () {
  it('keeps a real PNG and its size', function () {
    expect(decodeSignaturePng(dataUrl(tinyPng(300, 100)))).to.deep.include({ width: 300, height: 100 });
    const checked = decodeSignaturePng(dataUrl(minimalPng(300, 100)));
    expect(checked).to.deep.include({ width: 300, height: 100 });
    expect((checked as { png: Buffer }).png.equals(minimalPng(300, 100))).to.equal(true);
  });

  it('takes dimensions up to and including the limits, and nothing beyond', function () {
    expect(SIGNATURE_WIDTH).to.deep.equal({ min: 50, max: 2400 });
    expect(SIGNATURE_HEIGHT).to.deep.equal({ min: 20, max: 1200 });
    for (const [w, h] of [
      [50, 20],
      [2400, 1200],
      [50, 1200],
      [2400, 20],
    ])
      expect(problemOf(dataUrl(minimalPng(w!, h!))), `${w}x${h}`).to.equal('ok');
    for (const [w, h] of [
      [49, 100],
      [2401, 100],
      [300, 19],
      [300, 1201],
      [0, 0],
    ])
      expect(problemOf(dataUrl(minimalPng(w!, h!))), `${w}x${h}`).to.equal('bad_dimensions');
  });

  it('refuses what is not a PNG data URL in strict base64', function () {
    const b64 = minimalPng(300, 100).toString('base64');
    expect(problemOf(`data:image/jpeg;base64,${b64}`)).to.equal('not_png_data_url');
    // A prefix of the same length naming another type.
    expect(problemOf(`data:image/gif;base64,${b64}`)).to.equal('not_png_data_url');
    expect(problemOf(` ${PREFIX}${b64}`)).to.equal('not_png_data_url');
    expect(problemOf(PREFIX)).to.equal('not_png_data_url');
    expect(problemOf(`${PREFIX}${b64.slice(0, -1)}`)).to.equal('not_png_data_url');
    expect(problemOf(`${PREFIX}${b64} `)).to.equal('not_png_data_url');
    expect(problemOf(`${PREFIX} ${b64.slice(1)}`)).to.equal('not_png_data_url');
    expect(problemOf(`${PREFIX}${b64.slice(0, -4)}A===`)).to.equal('not_png_data_url');
    expect(problemOf(`${PREFIX}${b64.slice(0, -4)}!AAA`)).to.equal('not_png_data_url');
  });

  it('refuses bytes that are not a PNG in shape: signature, IHDR first, IEND last, a minimum length', function () {
    const good = minimalPng(300, 100);
    expect(problemOf('data:image/png;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==')).to.equal('not_png');
    const badMagic = Buffer.from(good);
    badMagic[7] = 0x0b;
    expect(problemOf(dataUrl(badMagic))).to.equal('not_png');
    const badMagicStart = Buffer.from(good);
    badMagicStart[0] = 0x88;
    expect(problemOf(dataUrl(badMagicStart))).to.equal('not_png');
    expect(problemOf(dataUrl(minimalPng(300, 100, { ihdrLength: 14 })))).to.equal('not_png');
    expect(problemOf(dataUrl(minimalPng(300, 100, { ihdrType: 'IDAT' })))).to.equal('not_png');
    expect(problemOf(dataUrl(good.subarray(0, good.length - 1)))).to.equal('not_png');
    const badEnd = Buffer.from(good);
    badEnd[good.length - 1] = 0x83;
    expect(problemOf(dataUrl(badEnd))).to.equal('not_png');
    const badEndStart = Buffer.from(good);
    badEndStart[good.length - 12] = 0x01;
    expect(problemOf(dataUrl(badEndStart))).to.equal('not_png');
    // 44 bytes: signature and IEND but no room for a whole IHDR.
    const short = Buffer.concat([good.subarray(0, 32), good.subarray(33)]);
    expect(short.length).to.equal(44);
    expect(problemOf(dataUrl(short))).to.equal('not_png');
  });

  it('refuses more than 200 KiB, in the data URL or once decoded', function () {
    expect(MAX_SIGNATURE_BYTES).to.equal(200 * 1024);
    expect(MAX_SIGNATURE_DATA_URL_LENGTH).to.equal(PREFIX.length + Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4);
    expect(problemOf(`${PREFIX}${'A'.repeat(MAX_SIGNATURE_DATA_URL_LENGTH - PREFIX.length + 4)}`)).to.equal('too_large');
    // Too long is refused as such before the base64 is even looked at.
    expect(problemOf(`${PREFIX}${'!'.repeat(MAX_SIGNATURE_DATA_URL_LENGTH)}`)).to.equal('too_large');
    // Within the URL limit but one byte over once decoded (the URL limit is rounded up to whole base64 groups).
    const overByOne = Buffer.alloc(MAX_SIGNATURE_BYTES + 1);
    expect(`${PREFIX}${overByOne.toString('base64')}`.length).to.be.at.most(MAX_SIGNATURE_DATA_URL_LENGTH);
    expect(problemOf(dataUrl(overByOne))).to.equal('too_large');
    // Exactly at the limit: a PNG padded inside (IEND still last) passes the size checks.
    const good = minimalPng(300, 100);
    const atLimit = Buffer.concat([good.subarray(0, 33), Buffer.alloc(MAX_SIGNATURE_BYTES - good.length), good.subarray(33)]);
    expect(atLimit.length).to.equal(MAX_SIGNATURE_BYTES);
    expect(problemOf(dataUrl(atLimit))).to.equal('ok');
  });
});

describe('decision form schemas', function () {
  const fingerprint = 'a'.repeat(64);
  const png = tinyPng(300, 100);
  const messages = (result: { success: boolean; error?: { issues: Array<{ message: string; path: PropertyKey[] }> } }) =>
    result.success ? [] : result.error!.issues.map((issue) => `${issue.path.join('.')}:${issue.message}`);

  it('accepts a proposal with a typed name, consent and an optional checked signature', function () {
    const parsed = AcceptProposalCommand.parse({ typedName: '  Maria  ', consent: 'yes', signature: dataUrl(png), fingerprint });
    expect(parsed.typedName).to.equal('Maria');
    expect(parsed.signature!.equals(png)).to.equal(true);
    expect(AcceptProposalCommand.parse({ typedName: 'Al', consent: 'yes', fingerprint }).signature).to.equal(null);
    expect(AcceptProposalCommand.parse({ typedName: 'Al', consent: 'yes', signature: '', fingerprint }).signature).to.equal(null);
    expect(messages(AcceptProposalCommand.safeParse({ typedName: 'A', consent: 'no', fingerprint: 'x' }))).to.have.members([
      'typedName:decisions:errors.typedName',
      'consent:decisions:errors.consent',
      'fingerprint:decisions:errors.fingerprint',
    ]);
    expect(messages(AcceptProposalCommand.safeParse({ consent: 'yes', fingerprint }))).to.deep.equal([
      'typedName:decisions:errors.typedName',
    ]);
    expect(messages(AcceptProposalCommand.safeParse({ typedName: 'Al', consent: 'yes' }))).to.deep.equal([
      'fingerprint:decisions:errors.fingerprint',
    ]);
    expect(messages(AcceptProposalCommand.safeParse({ typedName: 'x'.repeat(201), consent: 'yes', fingerprint }))).to.deep.equal([
      'typedName:decisions:errors.typedNameTooLong',
    ]);
    expect(AcceptProposalCommand.safeParse({ typedName: 'x'.repeat(200), consent: 'yes', fingerprint }).success).to.equal(true);
    expect(messages(AcceptProposalCommand.safeParse({ typedName: 'Al', consent: 'yes', fingerprint: 'A'.repeat(64) }))).to.deep.equal([
      'fingerprint:decisions:errors.fingerprint',
    ]);
    expect(messages(AcceptProposalCommand.safeParse({ typedName: 'Al', consent: 'yes', fingerprint: `${fingerprint}a` }))).to.deep.equal([
      'fingerprint:decisions:errors.fingerprint',
    ]);
    expect(messages(AcceptProposalCommand.safeParse({ typedName: 'Al', consent: 'yes', fingerprint: `x${fingerprint}` }))).to.deep.equal([
      'fingerprint:decisions:errors.fingerprint',
    ]);
  });

  it('refuses a bad or oversized signature with its own message', function () {
    const base = { typedName: 'Al', consent: 'yes', fingerprint };
    expect(messages(AcceptProposalCommand.safeParse({ ...base, signature: 'data:image/png;base64,AAAA' }))).to.deep.equal([
      'signature:decisions:errors.signatureInvalid',
    ]);
    expect(messages(AcceptProposalCommand.safeParse({ ...base, signature: dataUrl(Buffer.alloc(MAX_SIGNATURE_BYTES + 1)) }))).to.deep.equal(
      ['signature:decisions:errors.signatureTooLarge'],
    );
    expect(messages(AcceptProposalCommand.safeParse({ ...base, signature: 'x'.repeat(MAX_SIGNATURE_DATA_URL_LENGTH + 1) }))).to.deep.equal([
      'signature:decisions:errors.signatureTooLarge',
    ]);
  });

  it('accepts a quotation with a note and a purchase order number, and checks both', function () {
    const parsed = AcceptQuotationCommand.parse({
      typedName: 'Maria',
      consent: 'yes',
      note: '  Deliver in March ',
      poNumber: ' PO-7/2026 #1 ',
      fingerprint,
    });
    expect(parsed).to.include({ note: 'Deliver in March', poNumber: 'PO-7/2026 #1' });
    expect(AcceptQuotationCommand.parse({ typedName: 'Maria', consent: 'yes', note: '   ', poNumber: '', fingerprint })).to.include({
      note: null,
      poNumber: null,
    });
    expect(AcceptQuotationCommand.parse({ typedName: 'Maria', consent: 'yes', fingerprint })).to.include({ note: null, poNumber: null });
    expect(
      messages(
        AcceptQuotationCommand.safeParse({
          typedName: 'Maria',
          consent: 'yes',
          note: 'n'.repeat(2001),
          poNumber: 'p'.repeat(81),
          fingerprint,
        }),
      ),
    ).to.have.members(['note:decisions:errors.noteTooLong', 'poNumber:decisions:errors.poNumberTooLong']);
    expect(
      AcceptQuotationCommand.safeParse({
        typedName: 'Maria',
        consent: 'yes',
        note: 'n'.repeat(2000),
        poNumber: 'p'.repeat(80),
        fingerprint,
      }).success,
    ).to.equal(true);
    expect(
      messages(AcceptQuotationCommand.safeParse({ typedName: 'Maria', consent: 'yes', poNumber: 'PO<1>', fingerprint })),
    ).to.deep.equal(['poNumber:decisions:errors.poNumberChars']);
    expect(
      messages(AcceptQuotationCommand.safeParse({ typedName: 'Maria', consent: 'yes', poNumber: 'x PO1', fingerprint })).length,
    ).to.equal(0);
    expect(messages(AcceptQuotationCommand.safeParse({ typedName: 'Maria', consent: 'yes', poNumber: 'PO1;', fingerprint }))).to.deep.equal(
      ['poNumber:decisions:errors.poNumberChars'],
    );
  });

  it('declines with an optional note and the fingerprint', function () {
    expect(DeclineProposalCommand.parse({ fingerprint })).to.deep.equal({ note: null, fingerprint });
    expect(DeclineQuotationCommand.parse({ note: 'No', fingerprint })).to.deep.equal({ note: 'No', fingerprint });
    expect(messages(DeclineQuotationCommand.safeParse({ note: 'No' }))).to.deep.equal(['fingerprint:decisions:errors.fingerprint']);
  });

  it('wants a name and a valid email on a public link', function () {
    const parsed = PublicAcceptCommand.parse({ typedName: 'Maria', email: 'maria@northwind.test', consent: 'yes', fingerprint });
    expect(parsed).to.include({ email: 'maria@northwind.test', signature: null, note: null, poNumber: null });
    expect(
      messages(PublicAcceptCommand.safeParse({ typedName: 'Maria', email: 'not an email', consent: 'yes', fingerprint })),
    ).to.deep.equal(['email:decisions:errors.email']);
    expect(messages(PublicAcceptCommand.safeParse({ typedName: 'Maria', consent: 'yes', fingerprint }))).to.deep.equal([
      'email:decisions:errors.email',
    ]);
    expect(messages(PublicDeclineCommand.safeParse({ typedName: 'Maria', email: '', fingerprint }))).to.deep.equal([
      'email:decisions:errors.email',
    ]);
    expect(PublicDeclineCommand.parse({ typedName: 'Maria', email: 'maria@northwind.test', fingerprint })).to.include({ note: null });
  });

  it('keeps only the typed text fields for a re-rendered form, cut to 2000 characters', function () {
    expect(
      keptInput({
        typedName: 'Maria',
        email: 'm@x.test',
        note: 'n'.repeat(2500),
        poNumber: 'PO',
        consent: 'yes',
        signature: 'data:...',
        fingerprint,
        extra: 'x',
        other: 5,
      }),
    ).to.deep.equal({ typedName: 'Maria', email: 'm@x.test', note: 'n'.repeat(2000), poNumber: 'PO', consent: 'yes' });
    expect(keptInput({ typedName: 5 })).to.deep.equal({});
    expect(keptInput(undefined)).to.deep.equal({});
    expect(keptInput(null)).to.deep.equal({});
  });

  it('takes offer ids of 1 to 64 letters, digits, _ and -', function () {
    for (const ok of ['1', 'a-b_C9', 'x'.repeat(64)]) expect(OfferIdParam.safeParse(ok).success, ok).to.equal(true);
    for (const bad of ['', 'x'.repeat(65), '1 2', '1/2', '../1', 'é']) expect(OfferIdParam.safeParse(bad).success, bad).to.equal(false);
  });
});
