// Scores an audit report against a fixture's expected picks (test/fixtures/expected-picks.ts):
// picks right / picks made / concepts present; a pick marked unsure whose two candidates include
// the expected table is honest, not missed. A pick is a concept the report says exists on a
// table; it is right when that table (and, for a row filter, that filter) is the expected one.
// Concepts the host does not have (expected null) count as present nowhere, and any pick for them
// is wrong.
import type { AuditReport, ConceptId } from '../../audit/report-schema.ts';
import type { ExpectedPick, ExpectedPicks, RowFilter } from '../fixtures/expected-picks.ts';

export interface PickScore {
  concept: ConceptId;
  expected: ExpectedPick;
  picked: string | null;
  where: RowFilter | null;
  right: boolean;
  /** Marked unsure with the expected table as the pick or the runner-up. */
  unsureRight: boolean;
}

export interface FixtureScore {
  right: number;
  made: number;
  present: number;
  wrong: PickScore[];
  missed: PickScore[];
  /** Marked unsure, with the expected table among its two candidates: honest, not a miss. */
  unsureRight: PickScore[];
  picks: PickScore[];
}

function tablesOf(expected: ExpectedPick): readonly string[] {
  if (expected === null) return [];
  if (typeof expected === 'string') return [expected];
  if ('table' in expected) return [expected.table];
  return expected as readonly string[];
}

function sameFilter(a: RowFilter | null, b: RowFilter | null): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
}

export function scoreReport(report: AuditReport, expected: ExpectedPicks): FixtureScore {
  const picks: PickScore[] = [];
  for (const [concept, pick] of Object.entries(expected) as Array<[ConceptId, ExpectedPick]>) {
    const finding = report.concepts.find((c) => c.id === concept);
    if (!finding) throw new Error(`report has no concept ${concept}`);
    const picked = finding.status === 'exists' ? finding.chosenTable : null;
    const where = finding.rowFilter ?? null;
    const wantedFilter = pick !== null && typeof pick === 'object' && 'table' in pick ? pick.where : null;
    const right = picked !== null && tablesOf(pick).includes(picked) && sameFilter(where, wantedFilter);
    const unsureRight =
      finding.status === 'unsure' && [finding.chosenTable, finding.runnerUp?.table].some((t) => t && tablesOf(pick).includes(t));
    picks.push({ concept, expected: pick, picked, where, right, unsureRight });
  }
  const made = picks.filter((p) => p.picked !== null);
  return {
    right: made.filter((p) => p.right).length,
    made: made.length,
    present: picks.filter((p) => p.expected !== null).length,
    wrong: made.filter((p) => !p.right),
    missed: picks.filter((p) => p.expected !== null && p.picked === null && !p.unsureRight),
    unsureRight: picks.filter((p) => p.unsureRight),
    picks,
  };
}

export function describePick(p: PickScore): string {
  const expected =
    p.expected === null
      ? 'nothing'
      : tablesOf(p.expected).join(' or ') +
        (p.expected !== null && typeof p.expected === 'object' && 'where' in p.expected
          ? ` where ${JSON.stringify(p.expected.where)}`
          : '');
  return `${p.concept}: picked ${p.picked ?? 'nothing'}${p.where ? ` where ${JSON.stringify(p.where)}` : ''}, expected ${expected}`;
}
