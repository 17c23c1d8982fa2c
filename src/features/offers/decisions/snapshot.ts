// What an acceptance is bound to: the figures and words of the offer the client decided on. The
// snapshot leaves out what may change without changing the deal (status, decision dates, the
// client's name) so a fingerprint differs only when the offer itself was edited.
import type { OfferDetail } from '../port.ts';
import { canonicalJson, sha256Hex, type Json } from './canonical.ts';

export interface OfferSnapshot {
  version: 1;
  kind: OfferDetail['kind'];
  id: string;
  number: string;
  title: string;
  body: string;
  currency: string;
  lines: Array<{ description: string; quantity: number; unitPriceCents: number; totalCents: number; taxRatePercent: number | null }>;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  validUntil: string | null;
  terms: string | null;
}

export function offerSnapshot(offer: OfferDetail): OfferSnapshot {
  return {
    version: 1,
    kind: offer.kind,
    id: offer.id,
    number: offer.number,
    title: offer.title,
    body: offer.body,
    currency: offer.currency,
    lines: offer.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      totalCents: line.totalCents,
      taxRatePercent: line.taxRatePercent,
    })),
    subtotalCents: offer.subtotalCents,
    taxCents: offer.taxCents,
    totalCents: offer.totalCents,
    validUntil: offer.validUntil,
    terms: offer.terms,
  };
}

export interface Fingerprinted {
  snapshot: OfferSnapshot;
  /** The canonical JSON text that is stored and hashed. */
  canonical: string;
  sha256: string;
}

export function fingerprintOffer(offer: OfferDetail): Fingerprinted {
  const snapshot = offerSnapshot(offer);
  const canonical = canonicalJson(snapshot as unknown as Json);
  return { snapshot, canonical, sha256: sha256Hex(canonical) };
}
