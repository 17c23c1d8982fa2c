// The decision part of the offers port (OffersPort.decide), run inside the host adapter contract
// for every adapter: an open offer changes once, a decided one never again, nothing crosses
// clients or workspaces, malformed ids are "no", and the write joins the caller's transaction
// (rolled back with it; two concurrent decisions change the host once).
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { HostAdapter, HostWorkspace } from '../../src/core/ports/host.ts';
import type { OfferKind, OffersPort } from '../../src/features/offers/port.ts';

interface DecisionSubject {
  kind: OfferKind;
  id: string;
  clientId: string;
}

export interface OfferDecisionsFixture {
  /** An open offer the suite accepts. */
  accept: DecisionSubject;
  /** Another open offer (any client of the workspace) the suite declines. */
  decline: DecisionSubject;
  /** An open offer the suite decides in a rolled-back transaction and then concurrently. */
  race: DecisionSubject;
  /** A client of the same workspace that owns none of the above. */
  otherClientId: string;
}

interface Context {
  adapter: HostAdapter;
  db: Knex;
  workspace: HostWorkspace;
  other: HostWorkspace | null;
  fixture: OfferDecisionsFixture | undefined;
}

const MALFORMED = ['abc', '-1', '1.5', '', ' 1', '0', '1e3', '99999999999999999999', "1' or '1'='1", 'x'.repeat(5000)];

export function describeOfferDecisions(name: string, context: () => Context): void {
  describe('offer decisions (OffersPort.decide)', function () {
    function setup(test: Mocha.Context): Context & { offers: OffersPort; fixture: OfferDecisionsFixture } {
      const ctx = context();
      if (!ctx.adapter.offers) test.skip();
      if (!ctx.fixture) throw new Error(`${name} has an offers port: its fixture must name offers to decide`);
      return { ...ctx, offers: ctx.adapter.offers!, fixture: ctx.fixture };
    }

    it('accepts an open offer once: the host status changes, a second decision is refused', async function () {
      const { offers, workspace, fixture } = setup(this);
      const { kind, id, clientId } = fixture.accept;
      expect((await offers.find(workspace.id, clientId, kind, id))?.status).to.equal('open');
      const at = new Date('2026-11-20T10:15:00Z');
      expect(await offers.decide(workspace.id, clientId, kind, id, { outcome: 'accepted', at })).to.equal(true);
      const after = await offers.find(workspace.id, clientId, kind, id);
      expect(after?.status).to.equal('accepted');
      expect(after?.decidedAt?.getTime()).to.equal(at.getTime());
      expect(await offers.decide(workspace.id, clientId, kind, id, { outcome: 'accepted', at: new Date() })).to.equal(false);
      expect(await offers.decide(workspace.id, clientId, kind, id, { outcome: 'declined', at: new Date() })).to.equal(false);
      expect((await offers.find(workspace.id, clientId, kind, id))?.status).to.equal('accepted');
    });

    it('declines an open offer, or refuses where the host records no decline of its kind (OffersPort.outcomes)', async function () {
      const { offers, workspace, fixture } = setup(this);
      const { kind, id, clientId } = fixture.decline;
      if (offers.outcomes && !offers.outcomes[kind]?.includes('declined')) {
        // A host whose clients only approve (Invoice Ninja): the port changes nothing.
        expect(await offers.decide(workspace.id, clientId, kind, id, { outcome: 'declined', at: new Date() })).to.equal(false);
        expect((await offers.find(workspace.id, clientId, kind, id))?.status).to.equal('open');
        return;
      }
      expect(await offers.decide(workspace.id, clientId, kind, id, { outcome: 'declined', at: new Date() })).to.equal(true);
      expect((await offers.find(workspace.id, clientId, kind, id))?.status).to.equal('declined');
    });

    it("refuses another client's, another workspace's and malformed ids without changing anything", async function () {
      const { offers, workspace, other, fixture } = setup(this);
      const { kind, id, clientId } = fixture.race;
      const at = new Date();
      expect(await offers.decide(workspace.id, fixture.otherClientId, kind, id, { outcome: 'accepted', at })).to.equal(false);
      if (other) expect(await offers.decide(other.id, clientId, kind, id, { outcome: 'accepted', at })).to.equal(false);
      const otherKind: OfferKind = kind === 'proposal' ? 'quotation' : 'proposal';
      const sameIdOtherKind = await offers.find(workspace.id, clientId, otherKind, id);
      if (sameIdOtherKind?.status !== 'open') {
        expect(await offers.decide(workspace.id, clientId, otherKind, id, { outcome: 'accepted', at })).to.equal(false);
      }
      for (const bad of MALFORMED) {
        expect(await offers.decide(workspace.id, clientId, kind, bad, { outcome: 'accepted', at }), `id ${bad.slice(0, 30)}`).to.equal(
          false,
        );
        expect(await offers.decide(bad, clientId, kind, id, { outcome: 'accepted', at }), `workspace ${bad.slice(0, 30)}`).to.equal(false);
        expect(await offers.decide(workspace.id, bad, kind, id, { outcome: 'accepted', at }), `client ${bad.slice(0, 30)}`).to.equal(false);
      }
      expect(await offers.decide(workspace.id, clientId, 'invoice' as OfferKind, id, { outcome: 'accepted', at })).to.equal(false);
      expect((await offers.find(workspace.id, clientId, kind, id))?.status).to.equal('open');
    });

    it("writes in the caller's transaction: rolled back with it, and of two concurrent decisions one wins", async function () {
      const { offers, workspace, fixture, db } = setup(this);
      const { kind, id, clientId } = fixture.race;
      const rollback = new Error('roll back');
      await db
        .transaction(async (trx) => {
          expect(await offers.decide(workspace.id, clientId, kind, id, { outcome: 'accepted', at: new Date() }, { trx })).to.equal(true);
          throw rollback;
        })
        .catch((error) => {
          if (error !== rollback) throw error;
        });
      expect((await offers.find(workspace.id, clientId, kind, id))?.status).to.equal('open');

      const decideIn = (outcome: 'accepted' | 'declined') =>
        db.transaction((trx) => offers.decide(workspace.id, clientId, kind, id, { outcome, at: new Date() }, { trx }));
      const results = await Promise.all([decideIn('accepted'), decideIn('declined'), decideIn('accepted')]);
      expect(results.filter(Boolean)).to.have.length(1);
      const status = (await offers.find(workspace.id, clientId, kind, id))?.status;
      expect(status).to.equal(['accepted', 'declined', 'accepted'][results.indexOf(true)]);
    });
  });
}
