// The signed PDF: the version the client accepted, rebuilt from the stored snapshot (never from
// the host's current record, which may have changed since), with an evidence block naming who
// signed, when, from where, how, and the fingerprint of that version.
import type { OfferDetail, PdfDocumentModel, RequestI18n } from '../../../core/index.ts';
import { offerPdfModel, presentOfferDetail } from '../presenters.ts';
import type { DecisionRow } from './queries.ts';
import type { OfferSnapshot } from './snapshot.ts';

/** The accepted version as an offer, for the same presenter the page and the plain PDF use. */
function acceptedVersion(decision: DecisionRow, clientId: string): OfferDetail {
  const snapshot = JSON.parse(decision.snapshot) as OfferSnapshot;
  return {
    id: snapshot.id,
    kind: snapshot.kind,
    number: snapshot.number,
    title: snapshot.title,
    body: snapshot.body,
    status: 'accepted',
    currency: snapshot.currency,
    totalCents: snapshot.totalCents,
    subtotalCents: snapshot.subtotalCents,
    taxCents: snapshot.taxCents,
    validUntil: snapshot.validUntil,
    terms: snapshot.terms,
    lines: snapshot.lines,
    sentAt: null,
    decidedAt: decision.decided_at,
    clientId,
  };
}

export function signedPdfModel(
  i18n: RequestI18n,
  args: {
    decision: DecisionRow;
    clientId: string;
    href: string;
    brand: PdfDocumentModel['brand'];
    clientName: string;
    signaturePng: Buffer | null;
  },
): PdfDocumentModel {
  const { t, fmt } = i18n;
  const { decision } = args;
  const version = acceptedVersion(decision, args.clientId);
  // "today" only colours deadlines on the page; an accepted offer has none.
  const view = presentOfferDetail(i18n, version, args.href, fmt.isoDay(decision.decided_at));
  const model = offerPdfModel(i18n, view, args.brand, args.clientName);
  const rows = [
    { label: t('decisions:evidence.name'), value: decision.typed_name },
    ...(decision.email ? [{ label: t('decisions:evidence.email'), value: decision.email }] : []),
    { label: t('decisions:evidence.date'), value: fmt.dateTime(decision.decided_at) },
    { label: t('decisions:evidence.ip'), value: decision.ip ?? '—' },
    { label: t('decisions:evidence.method'), value: t(`decisions:evidence.methods.${decision.method}`) },
    ...(decision.po_number ? [{ label: t('decisions:evidence.poNumber'), value: decision.po_number }] : []),
    { label: t('decisions:evidence.fingerprint'), value: `SHA-256 ${decision.snapshot_sha256}` },
  ];
  return { ...model, evidence: { heading: t('decisions:evidence.heading'), rows, signaturePng: args.signaturePng } };
}
