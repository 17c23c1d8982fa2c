// All concept findings, in the report's order, each calibrated: a weak or tied pick is "unsure".
import type { ConceptFinding, ConceptId } from '../report-schema.ts';
import type { FindingsContext } from './context.ts';
import { accessTokensFinding, clientCredentialsFinding, clientLoginCodesFinding } from './credentials.ts';
import { unsureBelowBar } from './below-bar.ts';
import { calibrate } from './calibrate.ts';
import { missingClientKey } from './client-keys.ts';
import { decide } from './decisions.ts';
import { missingRecordEvidence } from './record-evidence.ts';
import { acceptanceFinding, publicLinksFinding, signatureFinding } from './document-flow.ts';
import { permissionsFinding, portalSettingsFinding } from './governance.ts';
import { paymentGatewayFinding, paymentMethodsFinding } from './payments.ts';
import { withRunnerUp } from './runner-up.ts';
import { recurringInvoicesFinding, savedPaymentMethodsFinding } from './saved-methods.ts';
import { tableFinding } from './table-findings.ts';
import { sectionFindings } from './sections.ts';
import { projectPhaseFinding, ticketMessageFinding } from './tickets.ts';

export type Findings = ReadonlyMap<ConceptId, ConceptFinding>;

/** Concepts held at "unsure" for kinds of row the schema does not name, until sampled data names them. */
const KIND_READ_FROM_DATA = new Set<ConceptId>(['booking']);

export function buildFindings(context: FindingsContext): Findings {
  const credentials = clientCredentialsFinding(context);
  const drafts = [
    tableFinding(context, 'workspace'),
    tableFinding(context, 'company'),
    tableFinding(context, 'contact'),
    tableFinding(context, 'staffUser'),
    credentials,
    clientLoginCodesFinding(context, credentials),
    accessTokensFinding(context, credentials),
    tableFinding(context, 'proposal'),
    tableFinding(context, 'quotation'),
    tableFinding(context, 'invoice'),
    acceptanceFinding(context),
    signatureFinding(context),
    publicLinksFinding(context),
    tableFinding(context, 'payment'),
    paymentMethodsFinding(context),
    paymentGatewayFinding(context),
    savedPaymentMethodsFinding(context),
    recurringInvoicesFinding(context),
    tableFinding(context, 'task'),
    tableFinding(context, 'document'),
    tableFinding(context, 'comment'),
    tableFinding(context, 'activityLog'),
    portalSettingsFinding(context),
    permissionsFinding(context),
    tableFinding(context, 'ticket'),
    ticketMessageFinding(context),
    tableFinding(context, 'project'),
    projectPhaseFinding(context),
    ...sectionFindings(context),
  ];
  const ceilings = new Map<ConceptId, string>();
  for (const [id, result] of context.tables) if (result.atMostUnsure) ceilings.set(id, result.atMostUnsure);
  // Bookings among events of every kind are unsure until the data names their kind: a row filter
  // read from sampled codes (AC_RDV) settles it.
  for (const draft of drafts) if (KIND_READ_FROM_DATA.has(draft.id) && draft.rowFilter) ceilings.delete(draft.id);
  const calibrated = calibrate(
    drafts.map((d) => withRunnerUp(decide(d))),
    ceilings,
    (finding, byId) =>
      missingClientKey(finding, byId, context.model, context.samples) ??
      missingRecordEvidence(finding, byId, context.model, context.samples),
  );
  // A concept left missing while a keyed candidate scored below the bar is unsure, not absent.
  return new Map(unsureBelowBar(calibrated, context.model, context.samples).map((f) => [f.id, f]));
}
