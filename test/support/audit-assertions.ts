// Small lookups over an AuditReport so the audit tests read as lists of expectations.
import type { Answer, AuditReport, ConceptFinding, ConceptId } from '../../audit/report-schema.ts';

export function conceptOf(report: AuditReport, id: ConceptId): ConceptFinding {
  const found = report.concepts.find((c) => c.id === id);
  if (!found) throw new Error(`report has no concept ${id}`);
  return found;
}

export function answerOf(report: AuditReport, id: string): Answer {
  const found = report.answers.find((a) => a.id === id);
  if (!found) throw new Error(`report has no answer ${id}`);
  return found;
}

/** 'A1' → status, for compact deep-equal expectations. */
export function statuses(report: AuditReport, ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, answerOf(report, id).status]));
}

export function evidenceRefs(answer: Answer): string[] {
  return answer.evidence.map((e) => e.ref);
}
