// Deciding on a proposal or quotation: the rules and the one transaction that writes the evidence
// and the host's status together.
//
// Order inside the transaction: the evidence row first (its unique key per offer makes a decision
// final in the portal and parks a concurrent second decision until the first commits), then the
// host's conditional status change (only while open), then the activity entry. Any of them failing
// rolls back all three, so a failing host update leaves no evidence and vice versa.
import type { Knex } from 'knex';
import { type HostAdapter, insertActivity, type LetterheadParties } from '../../../core/index.ts';
import type { OfferDetail, OfferKind, OffersPort } from '../port.ts';
import { insertPublicLinkAccess } from '../public-links/queries.ts';
import { fingerprintOffer } from './snapshot.ts';
import {
  findDecision,
  findDecisionWithSignature,
  findSignaturePng,
  insertDecision,
  updateDecisionSnapshot,
  type DecisionMethod,
  type DecisionOutcome,
  type DecisionRow,
} from './queries.ts';

export interface DecideRequest {
  workspaceId: string;
  clientId: string;
  kind: OfferKind;
  offerId: string;
  outcome: DecisionOutcome;
  /** The fingerprint of the version the person had on screen; the decision is refused if the offer changed since. */
  seenSha256: string;
  typedName: string;
  email: string | null;
  note: string | null;
  poNumber: string | null;
  /** On acceptance, where the offer has optional items: the ids of those the client takes. */
  selectedOptionalLineIds?: string[] | null;
  signaturePng: Buffer | null;
  /** The drawn strokes the PNG was made from (canonical JSON), when it was drawn as strokes. */
  signatureStrokes?: string | null;
  method: DecisionMethod;
  clientUserId: string | null;
  contactId: string | null;
  publicLinkId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The workspace's time zone (expiryTimeZone): "valid until 30 June" ends at midnight there. */
  timeZone: string;
}

export type DecideRefusal = 'not_found' | 'not_open' | 'expired' | 'changed' | 'already_decided';
export type DecideResult = { ok: true; decisionId: string; decidedAt: Date } | { ok: false; reason: DecideRefusal };

class Refused extends Error {
  constructor(readonly reason: DecideRefusal) {
    super(reason);
  }
}

const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/** Today's date (YYYY-MM-DD) in a time zone. */
export function dayIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(at);
}

/**
 * The zone an offer's valid-until day is judged in: the workspace's (its portal settings), else
 * UTC. Never the reader's: a visitor sets that with a cookie (portal_tz), and could otherwise move
 * "midnight" to accept an offer that has run out, or see one as expired that has not.
 */
export function expiryTimeZone(settings: { defaultTimeZone: string | null }): string {
  const zone = settings.defaultTimeZone;
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** Past its valid-until day, in the given zone (expiryTimeZone). An offer without one never expires. */
export function isExpired(offer: Pick<OfferDetail, 'validUntil'>, timeZone: string, at: Date): boolean {
  return offer.validUntil !== null && offer.validUntil < dayIn(timeZone, at);
}

export interface OfferState {
  offer: OfferDetail;
  decision: DecisionRow | null;
  /** SHA-256 of the offer as it is now. */
  currentSha256: string;
  /** Accepted (or declined) in the portal and edited in the host since. */
  changedSinceDecision: boolean;
  expired: boolean;
  /** Open, not decided in the portal: the accept / decline forms may be shown. */
  canDecide: boolean;
  canAccept: boolean;
  /** Open, not decided, and the host records a decline of this kind. */
  canDecline: boolean;
}

/** Whether the host records this decision on this kind of offer (OffersPort.outcomes). */
export function offersOutcome(
  offers: Pick<OffersPort, 'outcomes'> | undefined,
  kind: OfferKind,
  outcome: 'accepted' | 'declined',
): boolean {
  if (!offers?.outcomes) return true;
  return offers.outcomes[kind]?.includes(outcome) ?? false;
}

export class OfferDecisions {
  constructor(private readonly deps: { db: Knex; adapter: HostAdapter; now: () => Date }) {}

  /** The offer with its decision and fingerprint check, or null when the client cannot see it. */
  async state(workspaceId: string, clientId: string, kind: OfferKind, offerId: string, timeZone: string): Promise<OfferState | null> {
    const offers = this.deps.adapter.offers;
    if (!offers) return null;
    const [offer, decision] = await Promise.all([
      offers.find(workspaceId, clientId, kind, offerId),
      findDecision(this.deps.db, { workspaceId, clientId, kind, offerId }),
    ]);
    if (!offer) return null;
    return this.stateWith(offer, decision, timeZone);
  }

  /** The same for an offer the caller has already loaded (the offer page): one query for the decision. */
  async stateOf(workspaceId: string, clientId: string, offer: OfferDetail, timeZone: string): Promise<OfferState> {
    const decision = await findDecision(this.deps.db, { workspaceId, clientId, kind: offer.kind, offerId: offer.id });
    return this.stateWith(offer, decision, timeZone);
  }

  /** The decision with what it was bound to, or null; for the signed PDF. */
  async decisionOf(workspaceId: string, clientId: string, kind: OfferKind, offerId: string): Promise<DecisionRow | null> {
    return findDecision(this.deps.db, { workspaceId, clientId, kind, offerId });
  }

  signatureOf(workspaceId: string, clientId: string, kind: OfferKind, offerId: string): Promise<Buffer | null> {
    return findSignaturePng(this.deps.db, { workspaceId, clientId, kind, offerId });
  }

  /** The decision with its drawn signature, in one read; for the ordinary PDF of an accepted offer. */
  signedOf(workspaceId: string, clientId: string, kind: OfferKind, offerId: string) {
    return findDecisionWithSignature(this.deps.db, { workspaceId, clientId, kind, offerId });
  }

  /** The agency and the client as the host names them now, for the signed PDF's letterhead; null where the host has none to give. */
  async letterheadOf(workspaceId: string, clientId: string): Promise<LetterheadParties | null> {
    const clients = this.deps.adapter.clients;
    return clients.letterhead ? clients.letterhead(workspaceId, clientId) : null;
  }

  private stateWith(offer: OfferDetail, decision: DecisionRow | null, timeZone: string): OfferState {
    const { sha256 } = fingerprintOffer(offer);
    const expired = isExpired(offer, timeZone, this.deps.now());
    const canDecide = offer.status === 'open' && decision === null;
    return {
      offer,
      decision,
      currentSha256: sha256,
      changedSinceDecision: decision !== null && decision.snapshot_sha256 !== sha256,
      expired,
      canDecide,
      canAccept: canDecide && !expired && offersOutcome(this.deps.adapter.offers, offer.kind, 'accepted'),
      canDecline: canDecide && offersOutcome(this.deps.adapter.offers, offer.kind, 'declined'),
    };
  }

  async decide(r: DecideRequest): Promise<DecideResult> {
    const { db, adapter } = this.deps;
    const offers = adapter.offers;
    if (!offers || !offersOutcome(offers, r.kind, r.outcome)) return { ok: false, reason: 'not_found' };
    const at = this.deps.now();
    const [offer, existing] = await Promise.all([
      offers.find(r.workspaceId, r.clientId, r.kind, r.offerId),
      findDecision(db, { workspaceId: r.workspaceId, clientId: r.clientId, kind: r.kind, offerId: r.offerId }),
    ]);
    if (!offer) return { ok: false, reason: 'not_found' };
    if (existing) return { ok: false, reason: 'already_decided' };
    if (offer.status !== 'open') {
      // The two reads run side by side, so a decision committed between them shows as a closed
      // offer without its evidence row: look again before calling the offer closed.
      const decided = await findDecision(db, { workspaceId: r.workspaceId, clientId: r.clientId, kind: r.kind, offerId: r.offerId });
      return { ok: false, reason: decided ? 'already_decided' : 'not_open' };
    }
    if (r.outcome === 'accepted' && isExpired(offer, r.timeZone, at)) return { ok: false, reason: 'expired' };
    let fingerprint = fingerprintOffer(offer);
    if (fingerprint.sha256 !== r.seenSha256) return { ok: false, reason: 'changed' };

    try {
      const decisionId = await db.transaction(async (trx) => {
        let id: string;
        try {
          id = await insertDecision(trx, {
            workspaceId: r.workspaceId,
            clientId: r.clientId,
            kind: r.kind,
            offerId: r.offerId,
            outcome: r.outcome,
            method: r.method,
            clientUserId: r.clientUserId,
            contactId: r.contactId,
            publicLinkId: r.publicLinkId,
            typedName: r.typedName,
            email: r.email,
            note: r.note,
            poNumber: r.poNumber,
            signaturePng: r.signaturePng,
            signatureStrokes: r.signatureStrokes ?? null,
            snapshot: fingerprint.canonical,
            snapshotSha256: fingerprint.sha256,
            ip: r.ip,
            userAgent: r.userAgent,
            decidedAt: at,
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw new Refused('already_decided');
          throw error;
        }
        // What the client gave travels with the decision, so the host records it where it keeps it.
        const decision = {
          outcome: r.outcome,
          at,
          contactId: r.contactId,
          poNumber: r.poNumber,
          note: r.note,
          // Who signed, where the host keeps it as its own online signature does (Dolibarr).
          signerName: r.typedName,
          ip: r.ip,
          // A form without the choice (none offered) leaves the host's selection as it is.
          ...(r.outcome === 'accepted' && offer.optionalLines?.length && r.selectedOptionalLineIds
            ? { selectedOptionalLineIds: r.selectedOptionalLineIds.filter((id) => offer.optionalLines!.some((line) => line.id === id)) }
            : {}),
        };
        const changed = await offers.decide(r.workspaceId, r.clientId, r.kind, r.offerId, decision, { trx });
        if (!changed) throw new Refused('not_open');
        // The optional items taken change the host's lines and totals: what the client accepted is
        // the offer as this acceptance left it, read in its transaction, so the page compares the
        // offer with that (and the signed PDF shows the items taken), not with the one before.
        if ('selectedOptionalLineIds' in decision) {
          const accepted = await offers.find(r.workspaceId, r.clientId, r.kind, r.offerId, { trx });
          if (!accepted) throw new Refused('not_open');
          fingerprint = fingerprintOffer(accepted);
          await updateDecisionSnapshot(trx, {
            workspaceId: r.workspaceId,
            clientId: r.clientId,
            id,
            snapshot: fingerprint.canonical,
            snapshotSha256: fingerprint.sha256,
          });
        }
        await insertActivity(trx, {
          workspaceId: r.workspaceId,
          event: r.outcome === 'accepted' ? 'offer.accepted' : 'offer.declined',
          clientUserId: r.clientUserId,
          clientId: r.clientId,
          email: r.email,
          details: {
            kind: r.kind,
            offerId: r.offerId,
            number: offer.number,
            title: offer.title,
            method: r.method,
            fingerprint: fingerprint.sha256,
          },
          ip: r.ip,
          userAgent: r.userAgent,
        });
        if (r.publicLinkId) {
          await insertPublicLinkAccess(trx, {
            linkId: r.publicLinkId,
            workspaceId: r.workspaceId,
            action: r.outcome,
            ip: r.ip,
            userAgent: r.userAgent,
          });
        }
        return id;
      });
      return { ok: true, decisionId, decidedAt: at };
    } catch (error) {
      if (error instanceof Refused) return { ok: false, reason: error.reason };
      throw error;
    }
  }
}
