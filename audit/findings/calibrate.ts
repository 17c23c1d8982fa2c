// A pick is "exists" only when its evidence would convince a person who knows the CRM. A weak pick
// (below UNSURE_BELOW) or one its runner-up matches is "unsure": the report names the two best
// candidates and what decides between them, and the plugin relies on neither until a person says.
// Being wrong with "exists" is the worst outcome; a correct "unsure" costs a question.
import { decision, type ConceptFinding, type ConceptId } from '../report-schema.ts';

const UNSURE_BELOW = 0.55;
/** A runner-up this close (or ahead) is as likely as the pick. */
const TIED_WITHIN = 0.05;

// Concepts that may live in one table: a pick borrowed from its partner is as sure as the partner.
const PARTNERS: Partial<Record<ConceptId, ConceptId>> = { proposal: 'quotation', quotation: 'proposal' };

function unsureWhy(finding: ConceptFinding): string | null {
  if (finding.status !== 'exists' || !finding.chosenTable || !finding.lowConfidence) return null;
  const runnerUp = finding.runnerUp;
  if (runnerUp?.table && finding.confidence - runnerUp.confidence < TIED_WITHIN)
    return `${runnerUp.table} scores ${runnerUp.confidence.toFixed(2)} against ${finding.confidence.toFixed(2)}`;
  if (finding.confidence < UNSURE_BELOW) return `the best candidate scores only ${finding.confidence.toFixed(2)}`;
  return null;
}

function markUnsure(finding: ConceptFinding, why: string): ConceptFinding {
  const between = finding.runnerUp?.table
    ? `${finding.chosenTable} or ${finding.runnerUp.table}`
    : `${finding.chosenTable} or no table at all`;
  return {
    ...finding,
    status: 'unsure',
    notes: [...finding.notes, `unsure (${why}): ${between}; ${finding.runnerUp?.decidedBy ?? 'confirm the pick'}`],
    decision: decision(
      'add',
      `unsure between ${between}: until a person confirms one (claim it in the adapter), the plugin relies on neither and the portal provides this itself`,
    ),
  };
}

export function calibrate(findings: ConceptFinding[]): ConceptFinding[] {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const borrowed = (f: ConceptFinding): ConceptFinding | undefined => {
    const partner = PARTNERS[f.id];
    const other = partner ? byId.get(partner) : undefined;
    return other?.chosenTable === f.chosenTable ? other : undefined;
  };
  // Own picks first, then the picks that share a partner's table, which follow the partner.
  for (const f of findings) {
    if (borrowed(f)) continue;
    const why = unsureWhy(f);
    if (why) byId.set(f.id, markUnsure(f, why));
  }
  for (const f of findings) {
    const partner = borrowed(f);
    if (!partner) continue;
    const settled = byId.get(partner.id);
    if (settled?.status === 'exists') continue;
    const why = unsureWhy(f);
    if (why) byId.set(f.id, markUnsure(f, why));
  }
  return findings.map((f) => byId.get(f.id) ?? f);
}
