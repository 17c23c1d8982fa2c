// npm run audit:score: the audit measured the way it will be used, on a CRM it was not tuned to.
// For each real schema (../shared/crm-schemas/ and test/fixtures/real-schemas/) it runs the audit
// twice: with every rule, and with everything learned while looking at that schema switched off
// (audit/recognition/learned.ts: leave one out). Each run is scored against what a person who knows
// the CRM says (test/audit/real-schemas.expected.ts, test/fixtures/real-schemas/expected.ts and
// agreements.expected.ts, written before the audit ran on them): picks right, unsure, missed and
// confidently wrong (marked "exists" on the wrong table, or where the CRM has none), and answers
// right and confidently wrong (an answer "exists" a person would not give). The leave-one-out
// figure is the one that counts. Held-back schemas are scored only with AUDIT_HELD_BACK=1.
// Needs DATABASE_URL (a PostgreSQL server where it may create and drop databases).
import { pathToFileURL } from 'node:url';
import { leaveOut, type LearnedFrom } from '../audit/recognition/learned.ts';
import type { AuditReport, ConceptId, RowFilter, Status } from '../audit/report-schema.ts';
import { runAudit } from '../audit/run-audit.ts';
import { REAL_SCHEMAS } from '../test/audit/real-schemas.expected.ts';
import { AGREEMENT_PICKS, UNSURE_IS_RIGHT } from '../test/fixtures/real-schemas/agreements.expected.ts';
import { BUILT_SCHEMAS } from '../test/fixtures/real-schemas/expected.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema, realSchemaSkipReason } from '../test/support/audit-real-schemas.ts';

interface Pick {
  tables: string[] | null;
  where?: RowFilter;
}

interface Scored {
  name: string;
  /** What was learned from it, switched off for the leave-one-out run; none for a held-back schema. */
  learned: LearnedFrom | null;
  files: string[];
  dir?: string;
  picks: Partial<Record<ConceptId, Pick>>;
  answers: Record<string, { statuses: Status[] }>;
  unsureIsRight: Partial<Record<ConceptId, string>>;
}

const real = (name: string) => {
  const found = REAL_SCHEMAS.find((s) => s.name === name);
  if (!found) throw new Error(`no expectation named ${name}`);
  return found;
};

function schemas(): Scored[] {
  const alga = real('alga-psa');
  const dolibarr = real('dolibarr + Ticket module');
  const list: Scored[] = [
    { name: 'alga-psa', learned: 'alga-psa', files: [alga.file], picks: alga.picks, answers: alga.answers, unsureIsRight: {} },
    {
      name: 'dolibarr (+ Ticket)',
      learned: 'dolibarr',
      files: [dolibarr.file, ...(dolibarr.also ?? [])],
      picks: dolibarr.picks,
      answers: dolibarr.answers,
      unsureIsRight: {},
    },
  ];
  const tags: Record<string, LearnedFrom> = {
    tryton: 'tryton',
    espocrm: 'espocrm',
    invoiceninja: 'invoiceninja',
    frontaccounting: 'frontaccounting',
  };
  for (const built of BUILT_SCHEMAS) {
    if (built.heldBack && process.env.AUDIT_HELD_BACK !== '1') continue;
    list.push({
      name: built.heldBack ? `${built.name} (held back)` : built.name,
      learned: built.heldBack ? null : (tags[built.name] ?? null),
      files: [built.file, ...(built.also ?? [])],
      dir: BUILT_SCHEMAS_DIR,
      picks: { ...built.picks, ...(AGREEMENT_PICKS[built.name] ?? {}) },
      answers: built.answers,
      unsureIsRight: {
        ...Object.fromEntries(Object.keys(built.unsureOnRightTable ?? {}).map((k) => [k, 'settled by code only'])),
        ...(UNSURE_IS_RIGHT[built.name] ?? {}),
      },
    });
  }
  return list;
}

export interface Tally {
  right: number;
  unsure: number;
  missed: number;
  wrong: number;
  total: number;
  answersRight: number;
  answersWrong: number;
  answersTotal: number;
  lines: string[];
}

const sameFilter = (a: RowFilter | undefined, b: RowFilter | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

function score(report: AuditReport, schema: Scored): Tally {
  const t: Tally = { right: 0, unsure: 0, missed: 0, wrong: 0, total: 0, answersRight: 0, answersWrong: 0, answersTotal: 0, lines: [] };
  for (const [concept, want] of Object.entries(schema.picks) as Array<[ConceptId, Pick]>) {
    const finding = report.concepts.find((c) => c.id === concept);
    if (!finding) continue;
    t.total += 1;
    const table = finding.chosenTable;
    const onRight = table !== null && (want.tables ?? []).includes(table);
    if (finding.status === 'exists' && table) {
      if (onRight && (want.where === undefined || sameFilter(finding.rowFilter, want.where))) t.right += 1;
      else {
        t.wrong += 1;
        t.lines.push(`confidently wrong: ${concept} exists on ${table}, expected ${want.tables?.join(' or ') ?? 'nothing'}`);
      }
    } else if (want.tables === null) {
      if (finding.status === 'missing' || !table) t.right += 1;
      else {
        t.unsure += 1;
        t.lines.push(`unsure: ${concept} on ${table} (the CRM has none)`);
      }
    } else if (finding.status !== 'missing' && table && onRight && schema.unsureIsRight[concept]) t.right += 1;
    else if (finding.status !== 'missing' && table) {
      t.unsure += 1;
      t.lines.push(`unsure: ${concept} ${finding.status} on ${table}, expected ${want.tables.join(' or ')}`);
    } else {
      t.missed += 1;
      t.lines.push(`missed: ${concept}, expected ${want.tables.join(' or ')}`);
    }
  }
  for (const [id, want] of Object.entries(schema.answers)) {
    const found = report.answers.find((a) => a.id === id);
    if (!found) continue;
    t.answersTotal += 1;
    if (want.statuses.includes(found.status)) t.answersRight += 1;
    else if (found.status === 'exists') {
      t.answersWrong += 1;
      t.lines.push(`confidently wrong answer: ${id} exists, expected ${want.statuses.join(' or ')}`);
    } else t.lines.push(`answer ${id}: ${found.status}, expected ${want.statuses.join(' or ')}`);
  }
  return t;
}

const cell = (t: Tally) => `${t.right} / ${t.unsure} / ${t.missed} / ${t.wrong} of ${t.total}`;
const answersCell = (t: Tally) => `${t.answersRight} / ${t.answersWrong} of ${t.answersTotal}`;

export interface ScoredRow {
  name: string;
  all: Tally;
  loo: Tally;
}

/** Every schema scored twice: with every rule, and with its own rules left out. */
export async function scoreSchemas(): Promise<ScoredRow[]> {
  const rows: ScoredRow[] = [];
  for (const schema of schemas()) {
    const reason = schema.dir ? null : schema.files.map(realSchemaSkipReason).find(Boolean);
    if (reason || !process.env.DATABASE_URL) {
      console.error(`audit:score: ${schema.name} skipped: ${reason ?? 'DATABASE_URL is unset'}`);
      continue;
    }
    const [file, ...also] = schema.files;
    const db = await loadRealSchema(file ?? '', schema.dir, also);
    try {
      leaveOut([]);
      const all = score(await runAudit({ databaseUrl: db.url }), schema);
      leaveOut(schema.learned ? [schema.learned] : []);
      const loo = score(await runAudit({ databaseUrl: db.url }), schema);
      rows.push({ name: schema.name, all, loo });
      // AUDIT_SCORE_VERBOSE=1 prints what the leave-one-out run got wrong; =all, the run with every rule too.
      if (process.env.AUDIT_SCORE_VERBOSE === 'all') for (const line of all.lines) console.error(`  ${schema.name} (every rule): ${line}`);
      if (process.env.AUDIT_SCORE_VERBOSE) for (const line of loo.lines) console.error(`  ${schema.name}: ${line}`);
    } finally {
      // Every rule on again, whatever happened: a test process runs other audits after this one.
      leaveOut([]);
      await db.drop();
    }
  }
  return rows;
}

export function sum(rows: readonly ScoredRow[], pick: (r: ScoredRow) => Tally): Tally {
  return rows.reduce(
    (acc, r) => {
      const t = pick(r);
      for (const k of ['right', 'unsure', 'missed', 'wrong', 'total', 'answersRight', 'answersWrong', 'answersTotal'] as const)
        acc[k] += t[k];
      acc.lines.push(...t.lines.map((line) => `${r.name}: ${line}`));
      return acc;
    },
    { right: 0, unsure: 0, missed: 0, wrong: 0, total: 0, answersRight: 0, answersWrong: 0, answersTotal: 0, lines: [] } as Tally,
  );
}

/** Right or unsure, in per cent of the picks, to one decimal. */
export const rightOrUnsure = (t: Tally) => (t.total === 0 ? 0 : Math.round((1000 * (t.right + t.unsure)) / t.total) / 10);

async function main(): Promise<void> {
  const rows = await scoreSchemas();
  console.log('Picks: right / unsure / missed / confidently wrong. Answers: right / confidently wrong.');
  console.log('| Schema | Picks, every rule | Picks, its own rules left out | Answers, every rule | Answers, left out |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${cell(r.all)} | ${cell(r.loo)} | ${answersCell(r.all)} | ${answersCell(r.loo)} |`);
  const all = sum(rows, (r) => r.all);
  const loo = sum(rows, (r) => r.loo);
  console.log(`| all | ${cell(all)} | ${cell(loo)} | ${answersCell(all)} | ${answersCell(loo)} |`);
  console.log(
    `Leave one out: right or unsure ${rightOrUnsure(loo)} % of picks, confidently wrong ${loo.wrong} picks and ${loo.answersWrong} answers.`,
  );
}

// Run as a script, not when a test imports the scoring.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`audit:score: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
