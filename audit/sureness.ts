// How sure the report is overall: the picks it relies on with confidence, those a person should
// check, and those it is unsure of. Stated at the top of AUDIT_REPORT.md and in the JSON.
import type { ConceptFinding, Sureness } from './report-schema.ts';

export function sureness(concepts: ConceptFinding[]): Sureness {
  const picks = concepts.filter((c) => c.chosenTable && (c.status === 'exists' || c.status === 'unsure'));
  const sure = picks.filter((c) => c.status === 'exists' && !c.lowConfidence).map((c) => c.id);
  const toCheck = picks.filter((c) => c.status === 'exists' && c.lowConfidence).map((c) => c.id);
  const unsure = picks.filter((c) => c.status === 'unsure').map((c) => c.id);
  const doubtful = toCheck.length + unsure.length;
  const level = unsure.length === 0 && toCheck.length === 0 ? 'high' : unsure.length <= 1 && doubtful <= 3 ? 'medium' : 'low';
  const label = (id: string) => concepts.find((c) => c.id === id)?.label.toLowerCase() ?? id;
  const unsureText = unsure.map((id) => {
    const c = concepts.find((x) => x.id === id);
    return `${label(id)} (${c?.chosenTable} or ${c?.runnerUp?.table ?? 'none'})`;
  });
  const parts = [
    `${sure.length} of ${picks.length} picks are sure`,
    toCheck.length > 0 ? `${toCheck.length} should be checked (${toCheck.map(label).join(', ')})` : null,
    unsure.length > 0 ? `${unsure.length} unsure, relied on by nothing until a person decides: ${unsureText.join('; ')}` : null,
  ].filter(Boolean);
  return { level, sure, toCheck, unsure, text: `Sureness: ${level}. ${parts.join('; ')}.` };
}
