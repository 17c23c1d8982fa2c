// View models for deciding on an offer and for its decision evidence. Templates get formatted
// strings only, never rows.
import type { RequestI18n } from '../../../core/index.ts';
import type { OfferKind } from '../port.ts';
import type { DecisionRow } from './queries.ts';
import type { OfferState } from './service.ts';

export const SECTION_OF: Record<OfferKind, 'proposals' | 'quotations'> = { proposal: 'proposals', quotation: 'quotations' };

export interface OfferDecisionView {
  kind: OfferKind;
  id: string;
  number: string;
  title: string;
  total: string;
  validUntil: string | null;
  expired: boolean;
  canDecide: boolean;
  canAccept: boolean;
  fingerprint: string;
  decision: DecisionView | null;
  /** The optional items the client may take or leave when accepting (quotations whose host keeps them). */
  optionalLines: OptionalLineView[];
}

interface OptionalLineView {
  id: string;
  description: string;
  quantity: string;
  total: string;
  selected: boolean;
}

export interface DecisionView {
  outcome: 'accepted' | 'declined';
  decidedAt: string;
  typedName: string;
  method: 'portal' | 'public_link';
  email: string | null;
  ip: string | null;
  userAgent: string | null;
  note: string | null;
  poNumber: string | null;
  hasSignature: boolean;
  fingerprint: string;
  /** The host record differs from the version decided on. */
  changedSince: boolean;
}

export function presentDecision(row: DecisionRow, changedSince: boolean, i18n: RequestI18n): DecisionView {
  return {
    outcome: row.outcome,
    decidedAt: i18n.fmt.dateTime(row.decided_at),
    typedName: row.typed_name,
    method: row.method,
    email: row.email,
    ip: row.ip,
    userAgent: row.user_agent,
    note: row.note,
    poNumber: row.po_number,
    hasSignature: row.has_signature,
    fingerprint: row.snapshot_sha256,
    changedSince,
  };
}

export function presentOfferDecision(state: OfferState, i18n: RequestI18n): OfferDecisionView {
  const { offer } = state;
  return {
    kind: offer.kind,
    id: offer.id,
    number: offer.number,
    title: offer.title,
    total: i18n.fmt.money(offer.totalCents, offer.currency),
    validUntil: offer.validUntil ? i18n.fmt.day(offer.validUntil) : null,
    expired: state.expired,
    canDecide: state.canDecide,
    canAccept: state.canAccept,
    fingerprint: state.currentSha256,
    decision: state.decision ? presentDecision(state.decision, state.changedSinceDecision, i18n) : null,
    optionalLines: (offer.kind === 'quotation' ? (offer.optionalLines ?? []) : []).map((line) => ({
      id: line.id,
      description: line.description,
      quantity: i18n.fmt.number(line.quantity),
      total: i18n.fmt.money(line.totalCents, offer.currency),
      selected: line.selected,
    })),
  };
}

/** The actions block of an offer's page: the buttons allowed now, or what was decided. */
export interface OfferActionsView {
  acceptHref: string | null;
  declineHref: string | null;
  notice: string | null;
  outcome: string | null;
  changed: string | null;
  signedPdfHref: string | null;
}

/**
 * An offer the agency closed in its CRM (accepted or declined on the phone, withdrawn) has no
 * portal decision to quote: say what its records say, with the date where the CRM keeps one, so
 * the "Your answer" panel is never empty.
 */
function outcomeRecordedByAgency(state: OfferState, i18n: RequestI18n): string | null {
  const { t, fmt } = i18n;
  const { status, decidedAt, validUntil } = state.offer;
  if (status === 'accepted' || status === 'declined') {
    return decidedAt
      ? t(`decisions:actions.${status}ByAgency`, { date: fmt.dateTime(decidedAt) })
      : t(`decisions:actions.${status}ByAgencyUndated`);
  }
  if (status === 'withdrawn') return t('decisions:actions.withdrawn');
  if (status === 'expired')
    return validUntil ? t('decisions:actions.expired', { date: fmt.day(validUntil) }) : t('decisions:refusals.expired');
  return null;
}

export function presentOfferActions(state: OfferState, i18n: RequestI18n, href: string, justDecided: unknown): OfferActionsView {
  const { t, fmt } = i18n;
  const decision = state.decision;
  let outcome: string | null = null;
  if (decision) {
    const date = fmt.dateTime(decision.decided_at);
    const key = `${decision.outcome}${decision.method === 'public_link' ? 'ByLink' : ''}`;
    outcome = t(`decisions:actions.${key}`, { date, name: decision.typed_name, email: decision.email ?? '' });
  } else {
    outcome = outcomeRecordedByAgency(state, i18n);
  }
  const notice =
    decision && justDecided === decision.outcome
      ? t(decision.outcome === 'accepted' ? 'decisions:actions.justAccepted' : 'decisions:actions.justDeclined')
      : null;
  return {
    acceptHref: state.canAccept ? `${href}/accept` : null,
    declineHref: state.canDecline ? `${href}/decline` : null,
    notice:
      notice ??
      (state.canDecide && state.expired && state.offer.validUntil
        ? t('decisions:actions.expired', { date: fmt.day(state.offer.validUntil) })
        : null),
    outcome,
    changed: decision && state.changedSinceDecision ? t('decisions:actions.changed', { date: fmt.dateTime(decision.decided_at) }) : null,
    signedPdfHref: decision?.outcome === 'accepted' ? `${href}/signed.pdf` : null,
  };
}
