// The signed PDF: the version the client accepted, rebuilt from the stored snapshot (never from
// the host's current record, which may have changed since), with an evidence block naming who
// signed, when, from where, how, and the fingerprint of that version. Its letterhead (the agency's
// and the client's addresses, the agency's VAT id and registration) is the host's as it is now,
// read through ClientsPort.letterhead: the snapshot binds the deal, not the parties' addresses.
import type { LetterheadParties, PdfDocumentModel, RequestI18n } from '../../../core/index.ts';
import type { OfferDetail } from '../port.ts';
import { offerPdfModel, presentOfferDetail } from '../presenters.ts';
import type { DecisionRow } from './queries.ts';
import type { OfferDecisions } from './service.ts';
import { fingerprintOffer, type OfferSnapshot } from './snapshot.ts';

/** The accepted version as an offer, for the same presenter the page and the plain PDF use. */
function acceptedVersion(decision: DecisionRow, clientId: string, parties: LetterheadParties | null): OfferDetail {
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
    seller: parties?.seller ?? null,
    buyer: parties?.buyer ?? null,
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
    /** The seller and the client as the host has them; null where it has no letterhead to give. */
    parties: LetterheadParties | null;
  },
): PdfDocumentModel {
  const { t, fmt } = i18n;
  const { decision } = args;
  const version = acceptedVersion(decision, args.clientId, args.parties);
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

/**
 * The signature on the ordinary PDF of an accepted offer: who signed, when, and the drawn signature,
 * as the signed PDF has them; and whether the version shown is still the one signed (an offer edited
 * since says so, and the signed PDF keeps the version signed). The page's HTML preview has it too,
 * without the image (it draws no images of its own).
 */
export function signatureBlock(
  i18n: RequestI18n,
  offer: OfferDetail,
  decision: DecisionRow,
  signaturePng: Buffer | null,
): NonNullable<PdfDocumentModel['evidence']> {
  const { t, fmt } = i18n;
  const same = fingerprintOffer(offer).sha256 === decision.snapshot_sha256;
  return {
    heading: t('decisions:evidence.heading'),
    rows: [
      { label: t('decisions:evidence.name'), value: decision.typed_name },
      { label: t('decisions:evidence.date'), value: fmt.dateTime(decision.decided_at) },
      {
        label: t('decisions:evidence.version'),
        value: same ? t('decisions:evidence.matches') : t('decisions:evidence.changed', { date: fmt.dateTime(decision.decided_at) }),
      },
    ],
    signaturePng,
  };
}

/**
 * The signature block for the ordinary PDF of an offer accepted in the portal (its page or a shared
 * link); none for an offer open or declined, or accepted elsewhere: the host keeps no signature the
 * portal could show. One read, only for an accepted offer.
 */
export async function acceptedSignature(
  decisions: OfferDecisions,
  i18n: RequestI18n,
  scope: { workspaceId: string; clientId: string },
  offer: OfferDetail,
): Promise<PdfDocumentModel['evidence']> {
  if (offer.status !== 'accepted') return null;
  const signed = await decisions.signedOf(scope.workspaceId, scope.clientId, offer.kind, offer.id);
  return signed?.decision.outcome === 'accepted' ? signatureBlock(i18n, offer, signed.decision, signed.signaturePng) : null;
}
