// A concept reported "missing" says the host has none, and the plugin then builds its own beside
// the host's. Where a candidate scored below the bar but carries the evidence a name cannot give (a
// key, declared or named and typed like the target's, to the sure pick it must hang off: an order
// line to the order, a contract line to its contract), the honest answer is "unsure": the candidate and its
// runner-up are named, with what a person should check, and the plugin relies on neither.
import type { SchemaModel } from '../recognition/schema-model.ts';
import { TABLE_CONCEPTS } from '../recognition/table-concepts.ts';
import type { ConceptFinding, ConceptId } from '../report-schema.ts';
import { markUnsure } from './calibrate.ts';
import { KEYED_RECORDS, keyUseKey } from './client-keys.ts';
import type { Samples } from './samples.ts';

/**
 * The parts of a record, each with what it must hang off. Not the client records (a key to the
 * client is on nearly every table of a CRM, so it tells nothing below the bar), nor usage per period
 * or versions (time worked hangs off a contract's lines as usage does, and every file-bearing row
 * hangs off some record: a key does not tell them apart).
 */
const HANGS_OFF: Partial<Record<ConceptId, ConceptId[]>> = {
  orderLine: ['salesOrder'],
  contractLine: ['contract'],
  timeEntry: ['contract', 'project', 'task', 'ticket'],
};

/**
 * A client record (a proposal, an invoice, a task) whose candidate has every column the concept
 * expects and a key to the sure client pick lacks only its name: the mirror of a pick only its
 * name makes, and as unsure.
 */
const CLIENT_RECORDS = new Map(
  KEYED_RECORDS.filter(([, parents]) => parents.includes('company')).flatMap(([id, parents]) => {
    const spec = TABLE_CONCEPTS.find((c) => c.id === id);
    return spec ? [[id, { parents, columns: spec.columns.map((c) => c.reason) }] as const] : [];
  }),
);

function fullSignature(reasons: readonly string[], columns: readonly string[]): boolean {
  return columns.every((column) => reasons.some((reason) => reason.startsWith(column)));
}

/** A missing concept whose best keyed candidate hangs off a sure pick becomes an unsure pick of it. */
export function unsureBelowBar(findings: ConceptFinding[], model: SchemaModel, samples: Samples): ConceptFinding[] {
  const byId = new Map(findings.map((f) => [f.id, f]));
  return findings.map((finding) => {
    const record = CLIENT_RECORDS.get(finding.id);
    const parents = HANGS_OFF[finding.id] ?? record?.parents;
    if (!parents || finding.status !== 'missing' || finding.chosenTable) return finding;
    const sure = parents
      .map((id) => byId.get(id))
      .filter((p): p is ConceptFinding => p?.status === 'exists' && Boolean(p.chosenTable) && !p.lowConfidence);
    // A table another concept is sure of is that concept's (a contract is no proposal).
    const taken = new Set(findings.filter((f) => f.status === 'exists' && f.id !== finding.id).map((f) => f.chosenTable));
    for (const candidate of finding.candidates) {
      if (taken.has(candidate.table)) continue;
      if (record && !fullSignature(candidate.reasons, record.columns)) continue;
      const profile = model.byName.get(candidate.table);
      const link = profile?.outgoing.find((l) => {
        if (!sure.some((p) => p.chosenTable === l.to) || l.to === candidate.table) return false;
        if (l.declared) return true;
        const use = l.columns.length === 1 ? samples.keyUse?.get(keyUseKey(candidate.table, l.columns[0] ?? '')) : undefined;
        return !(use && use.rows > 0 && use.matched === 0);
      });
      if (!link) continue;
      const parent = sure.find((p) => p.chosenTable === link.to);
      return markUnsure(
        { ...finding, chosenTable: candidate.table, confidence: candidate.confidence, lowConfidence: true },
        `the best candidate with a key to what it hangs off scores only ${candidate.confidence.toFixed(2)}, below the bar`,
        `check whether ${candidate.table} holds the ${finding.label.toLowerCase()}: it hangs off ${link.to} (${link.columns.join(', ')}), the ${parent?.label.toLowerCase()}`,
      );
    }
    return finding;
  });
}
