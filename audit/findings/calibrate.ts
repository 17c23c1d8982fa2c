// A pick is "exists" only when its evidence would convince a person who knows the CRM. A weak pick
// (below UNSURE_BELOW) or one its runner-up matches (at any confidence) is "unsure": the report names the two best
// candidates and what decides between them, and the plugin relies on neither until a person says.
// Being wrong with "exists" is the worst outcome; a correct "unsure" costs a question.
import { learnedApplies, learnedRule } from '../recognition/learned.ts';
import { decision, type ConceptFinding, type ConceptId } from '../report-schema.ts';
import type { MissingEvidence } from './client-keys.ts';
import { runnerUpOf, sameKindAsPick } from './runner-up.ts';

const UNSURE_BELOW = 0.55;
/** A runner-up this close (or ahead) is as likely as the pick. */
const TIED_WITHIN = 0.05;
/** A score this high fits every signal of the concept. */
const FULL_FIT = 0.9;

// Concepts that may live in one table: a pick borrowed from its partner is as sure as the partner.
const PARTNERS: Partial<Record<ConceptId, ConceptId>> = { proposal: 'quotation', quotation: 'proposal' };

function unsureWhy(finding: ConceptFinding, ceiling: string | undefined): string | null {
  if (finding.status !== 'exists' || !finding.chosenTable) return null;
  // What the table is says it may not be this concept at all, whatever its score.
  if (ceiling) return ceiling;
  // A weak or tied pick made unsure: learned on Tryton's payment methods and Dolibarr's bank
  // accounts (8026d272); a tie at any confidence, with its two exceptions, on Invoice Ninja
  // (2d5a7cfb, 7c822b2b).
  if (!learnedApplies(['tryton', 'dolibarr'])) return null;
  if (!learnedApplies('invoiceninja')) return weakOrTiedBefore(finding);
  // A runner-up as likely as the pick makes a coin toss of it, however high the pick scores;
  // unless both fit the concept fully, where the tie says it lives in two tables (comments on
  // contacts and on tasks, password resets and one-time sign-in tokens), each as right as the other,
  // or the runner-up scored on the very reasons of the pick (the same kind of table again).
  const runnerUp = finding.runnerUp ?? runnerUpOf(finding);
  const bothFit = runnerUp && finding.confidence >= FULL_FIT && runnerUp.confidence >= FULL_FIT;
  const sameKind = runnerUp?.table ? sameKindAsPick(finding, runnerUp.table) : false;
  // Compared as the report shows them, to two decimals: 0.71 against 0.66 is no tie.
  if (runnerUp?.table && !bothFit && !sameKind && Math.round((finding.confidence - runnerUp.confidence) * 100) < TIED_WITHIN * 100)
    return `${runnerUp.table} scores ${runnerUp.confidence.toFixed(2)} against ${finding.confidence.toFixed(2)}`;
  if (!finding.lowConfidence) return null;
  if (finding.confidence < UNSURE_BELOW) return `the best candidate scores only ${finding.confidence.toFixed(2)}`;
  return null;
}

/** The rule as first learned: only a low-confidence pick, weak or matched by its runner-up. */
function weakOrTiedBefore(finding: ConceptFinding): string | null {
  if (!finding.lowConfidence) return null;
  const runnerUp = finding.runnerUp ?? runnerUpOf(finding);
  if (runnerUp?.table && finding.confidence - runnerUp.confidence < TIED_WITHIN)
    return `${runnerUp.table} scores ${runnerUp.confidence.toFixed(2)} against ${finding.confidence.toFixed(2)}`;
  if (finding.confidence < UNSURE_BELOW) return `the best candidate scores only ${finding.confidence.toFixed(2)}`;
  return null;
}

export function markUnsure(finding: ConceptFinding, why: string, check?: string): ConceptFinding {
  // An unsure pick always names the two candidates a person decides between.
  const runnerUp = finding.runnerUp ?? runnerUpOf(finding, true);
  const between = runnerUp?.table ? `${finding.chosenTable} or ${runnerUp.table}` : `${finding.chosenTable} or no table at all`;
  return {
    ...finding,
    ...(runnerUp ? { runnerUp } : {}),
    status: 'unsure',
    notes: [
      ...finding.notes,
      `unsure (${why}): ${between}; ${runnerUp?.decidedBy ?? 'confirm the pick'}`,
      ...(check ? [`to check: ${check}`] : []),
    ],
    decision: decision(
      'add',
      `unsure between ${between}: until a person confirms one (claim it in the adapter), the plugin relies on neither and the portal provides this itself`,
    ),
  };
}

/** Why a pick lacks the evidence that makes it the client's (client-keys.ts), given the picks so far. */
export type EvidenceCheck = (finding: ConceptFinding, byId: ReadonlyMap<ConceptId, ConceptFinding>) => MissingEvidence | null;

/**
 * Calibrates every pick. `ceilings` names the picks that can be at most "unsure" for what their
 * table is (recognition's atMostUnsure), with the reason; `evidence` says which picks lack the key
 * that makes a record the client's.
 */
export function calibrate(
  findings: ConceptFinding[],
  ceilings: ReadonlyMap<ConceptId, string> = new Map(),
  evidence: EvidenceCheck = () => null,
): ConceptFinding[] {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const order = new Map(findings.map((f, i) => [f.id, i]));
  // Of two partners on one table, the one that scored it higher (or comes first) owns the pick; the
  // other borrowed it and follows the owner.
  const borrowed = (f: ConceptFinding): ConceptFinding | undefined => {
    const partner = PARTNERS[f.id];
    const other = partner ? byId.get(partner) : undefined;
    if (!other || other.chosenTable !== f.chosenTable) return undefined;
    const owns =
      f.confidence > other.confidence || (f.confidence === other.confidence && (order.get(f.id) ?? 0) < (order.get(other.id) ?? 0));
    return owns ? undefined : other;
  };
  for (const f of findings) {
    if (borrowed(f)) continue;
    const why = unsureWhy(f, ceilings.get(f.id));
    if (why) byId.set(f.id, markUnsure(f, why));
  }
  for (const f of findings) {
    const partner = borrowed(f);
    if (!partner) continue;
    const settled = byId.get(partner.id);
    if (settled?.status === 'exists' && !ceilings.get(f.id)) continue;
    const why =
      settled?.status === 'unsure'
        ? `it shares its table with ${partner.label.toLowerCase()}, which is unsure`
        : unsureWhy(f, ceilings.get(f.id));
    if (why) byId.set(f.id, markUnsure(f, why));
  }
  // A client record marked "exists" hangs off a sure client pick by a declared or used key; a name
  // alone leaves it unsure, with what a developer should check.
  // Until nothing moves: a task hangs off a project, which may itself turn unsure.
  for (let moved = true; moved; ) {
    moved = false;
    for (const f of findings) {
      const current = byId.get(f.id) ?? f;
      const missing = evidence(current, byId);
      if (!missing) continue;
      byId.set(f.id, markUnsure(withRival(current, missing.rival), missing.why, missing.check));
      moved = true;
    }
  }
  // What is read off a pick's table (its acceptance states, signatures, share links) is no surer
  // than the pick: on a table no concept is sure of, it is unsure too.
  for (const f of findings) {
    if (!DERIVED.has(f.id) || f.status !== 'exists' || !f.chosenTable) continue;
    const on = [...byId.values()].filter((o) => !DERIVED.has(o.id) && o.chosenTable === f.chosenTable);
    const unsure = on.find((o) => o.status === 'unsure');
    if (unsure && !on.some((o) => o.status === 'exists'))
      byId.set(f.id, markUnsure(f, `it is read off ${f.chosenTable}, whose pick for ${unsure.label.toLowerCase()} is unsure`));
  }
  // A record that must hang off another (a line off its order, an order off its client) is no surer
  // than the record it hangs off: where no pick it may hang off exists, it is unsure too.
  for (const f of findings) {
    const why = hangsOffUnsure(f, byId);
    if (why) byId.set(f.id, markUnsure(f, why));
  }
  return findings.map((f) => byId.get(f.id) ?? f);
}

/** The candidate the evidence names against the pick becomes its runner-up, whatever it scored. */
function withRival(finding: ConceptFinding, rival: string | undefined): ConceptFinding {
  const chosen = finding.candidates.find((c) => c.table === finding.chosenTable);
  const other = finding.candidates.find((c) => c.table === rival);
  if (!rival || !chosen || !other) return finding;
  const candidates = [chosen, other, ...finding.candidates.filter((c) => c !== chosen && c !== other)];
  const runnerUp = runnerUpOf({ ...finding, candidates }, true);
  return runnerUp ? { ...finding, runnerUp } : finding;
}

/** What each of these picks must hang off: any one of these concepts, sure. */
const HANGS_OFF: Partial<Record<ConceptId, ConceptId[]>> = {
  salesOrder: ['company', 'contact'],
  orderLine: ['salesOrder'],
  shipment: ['company', 'contact'],
  contract: ['company', 'contact'],
  contractLine: ['contract'],
  contractUsage: ['contractLine', 'contract'],
  asset: ['company', 'contact'],
  documentVersion: ['document'],
};

// Learned while reading FrontAccounting's scores with its own rules left out (an order read as the
// client's through an unsure client pick): switched off when the audit is scored there.
const hangsOffUnsure = learnedRule('frontaccounting', (f: ConceptFinding, byId: ReadonlyMap<ConceptId, ConceptFinding>): string | null => {
  const parents = HANGS_OFF[f.id];
  if (!parents || f.status !== 'exists' || !f.chosenTable) return null;
  if (parents.some((p) => byId.get(p)?.status === 'exists')) return null;
  const unsure = parents.map((p) => byId.get(p)).find((p) => p?.status === 'unsure');
  return unsure
    ? `it hangs off ${unsure.label.toLowerCase()}, whose pick (${unsure.chosenTable}) is unsure`
    : `it hangs off ${parents.join(' or ')}, which the host does not have`;
});

/** Findings read off the table of another concept's pick. */
const DERIVED = new Set<ConceptId>(['acceptance', 'signature', 'publicLinks', 'paymentMethods']);
