// A concept reported "missing" says the host has none, and the plugin then builds its own beside
// the host's. Where a candidate scored below the bar but carries the evidence a name cannot give (a
// key, declared or named and typed like the target's, to the sure pick it must hang off: an order
// line to the order, a contract line to its contract), the honest answer is "unsure": the candidate and its
// runner-up are named, with what a person should check, and the plugin relies on neither.
import type { SchemaModel } from '../recognition/schema-model.ts';
import type { ConceptFinding, ConceptId } from '../report-schema.ts';
import { markUnsure } from './calibrate.ts';
import { keyUseKey } from './client-keys.ts';
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

/** A missing concept whose best keyed candidate hangs off a sure pick becomes an unsure pick of it. */
export function unsureBelowBar(findings: ConceptFinding[], model: SchemaModel, samples: Samples): ConceptFinding[] {
  const byId = new Map(findings.map((f) => [f.id, f]));
  return findings.map((finding) => {
    const parents = HANGS_OFF[finding.id];
    if (!parents || finding.status !== 'missing' || finding.chosenTable) return finding;
    const sure = parents
      .map((id) => byId.get(id))
      .filter((p): p is ConceptFinding => p?.status === 'exists' && Boolean(p.chosenTable) && !p.lowConfidence);
    for (const candidate of finding.candidates) {
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
