// The real CRM schemas (../shared/crm-schemas/ from the repository root, or CRM_SCHEMAS_DIR) loaded
// into a fresh database, and the audit's report scored against what a person who knows each CRM
// says (test/audit/real-schemas.expected.ts): picks right / picks scored, answers right / answers
// scored, and the answers that contradict each other.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AuditReport, Status } from '../../audit/report-schema.ts';
import type { RealSchemaExpectation } from '../audit/real-schemas.expected.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

const run = promisify(execFile);

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function realSchemasDir(): string {
  return process.env.CRM_SCHEMAS_DIR ? resolve(process.env.CRM_SCHEMAS_DIR) : resolve(repoRoot, '../shared/crm-schemas');
}

/** Why the real-schema tests cannot run here, or null when they can. */
export function realSchemaSkipReason(file: string): string | null {
  const path = join(realSchemasDir(), file);
  if (!existsSync(path)) return `${path} is absent (set CRM_SCHEMAS_DIR to the folder holding the real CRM schemas)`;
  // The Alga dump creates the pg_trgm and pgcrypto extensions, which the embedded PGlite server
  // (src/core/db/embedded-postgres.ts) does not load; the real schemas are scored on real PostgreSQL only.
  if (!process.env.DATABASE_URL)
    return 'the real schemas are loaded on a real PostgreSQL server only (DATABASE_URL unset: the embedded PGlite does not load the pg_trgm and pgcrypto extensions the Alga PSA dump creates)';
  return null;
}

/** The schemas built here from public source (test/fixtures/real-schemas/README.md). */
export const BUILT_SCHEMAS_DIR = resolve(repoRoot, 'test/fixtures/real-schemas');

/**
 * The plain SQL of a pg_dump file: psql meta-commands (\restrict) are dropped, and so are the rows a
 * dump copies in (COPY ... FROM stdin up to its \. line, a module's dictionary values): the audit
 * is measured on the schema, as the schemas without rows are.
 */
function plainSql(dump: string): string {
  const kept: string[] = [];
  let copying = false;
  for (const line of dump.split('\n')) {
    if (copying) {
      if (line === '\\.') copying = false;
      continue;
    }
    if (/^COPY .* FROM stdin;$/.test(line)) {
      copying = true;
      continue;
    }
    if (!line.startsWith('\\')) kept.push(line);
  }
  return kept.join('\n');
}

/**
 * A fresh database with one real schema, loaded as plainSql reads it, by psql, one statement at a
 * time, as an installer loads it. Sent as one query, a dump is one transaction holding a lock on
 * every relation it creates until its end: a few thousand for Alga's, and a few such loads at once
 * in the parallel suite ran the server out of lock slots (max_locks_per_transaction).
 */
export async function loadRealSchema(file: string, dir = realSchemasDir(), also: readonly string[] = []): Promise<TestDatabase> {
  const db = await createTestDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'real-schema-'));
  try {
    // In order, as an installer adds a module's tables to the core's.
    for (const name of [file, ...also]) {
      const sqlFile = join(folder, name);
      writeFileSync(sqlFile, plainSql(readFileSync(join(dir, name), 'utf8')));
      await run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', sqlFile, db.url], { maxBuffer: 16 * 1024 * 1024 });
    }
  } catch (error) {
    await db.drop();
    throw error;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return db;
}

export interface RealScore {
  picksRight: number;
  picksTotal: number;
  answersRight: number;
  answersTotal: number;
  wrongPicks: string[];
  /** Wrong picks the report marks "exists": the worst outcome, a confident wrong answer. */
  wrongExists: string[];
  /** Concepts the report leaves "unsure" with the expected table as its candidate: honest, not relied on. */
  unsureOnRightTable: string[];
  wrongAnswers: string[];
  contradictions: string[];
}

function sameFilter(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
}

export function scoreRealSchema(report: AuditReport, expected: RealSchemaExpectation): RealScore {
  const wrongPicks: string[] = [];
  const wrongExists: string[] = [];
  const unsureOnRightTable: string[] = [];
  let picksRight = 0;
  const pickEntries = Object.entries(expected.picks);
  for (const [concept, want] of pickEntries) {
    const finding = report.concepts.find((c) => c.id === concept);
    if (!finding || !want) throw new Error(`report has no concept ${concept}`);
    // A pick is what the report relies on: the concept found on a table, not only in part.
    const picked = finding.status === 'exists' && finding.chosenTable ? finding.chosenTable : null;
    const right =
      want.tables === null
        ? picked === null
        : picked !== null && want.tables.includes(picked) && (want.where === undefined || sameFilter(finding.rowFilter, want.where));
    if (right) picksRight += 1;
    else {
      const got = picked
        ? `${picked}${finding.rowFilter ? ` where ${JSON.stringify(finding.rowFilter)}` : ''}`
        : `nothing (${finding.status}${finding.chosenTable ? `, ${finding.chosenTable}` : ''})`;
      const wanted = want.tables ? `${want.tables.join(' or ')}${want.where ? ` where ${JSON.stringify(want.where)}` : ''}` : 'nothing';
      wrongPicks.push(`${concept}: picked ${got}, expected ${wanted} (${want.readme})`);
      if (picked !== null) wrongExists.push(`${concept}: ${got} marked exists, expected ${wanted}`);
      if (finding.status === 'unsure' && finding.chosenTable && want.tables?.includes(finding.chosenTable))
        unsureOnRightTable.push(concept);
    }
  }
  const wrongAnswers: string[] = [];
  let answersRight = 0;
  const answerEntries = Object.entries(expected.answers);
  for (const [id, want] of answerEntries) {
    const found = report.answers.find((a) => a.id === id);
    if (!found) throw new Error(`report has no answer ${id}`);
    if (want.statuses.includes(found.status)) answersRight += 1;
    else wrongAnswers.push(`${id}: ${found.status}, expected ${want.statuses.join(' or ')} (${want.readme})`);
  }
  return {
    picksRight,
    picksTotal: pickEntries.length,
    answersRight,
    answersTotal: answerEntries.length,
    wrongPicks,
    wrongExists,
    unsureOnRightTable,
    wrongAnswers,
    contradictions: contradictions(report),
  };
}

/**
 * Answers that cannot all be true on any host: sign-in that exists in section A but is missing in
 * the backend, a client who signs online with no page to sign on, one sign-in showing some records
 * and not others without the evidence saying why, a public page for records clients cannot view.
 */
export function contradictions(report: AuditReport): string[] {
  const status = (id: string): Status | undefined => report.answers.find((a) => a.id === id)?.status;
  const found: string[] = [];
  if (status('A1') !== status('D1')) found.push(`A1 (client login) is ${status('A1')} but D1 (client authentication) is ${status('D1')}`);
  if (status('A4a') === 'exists' && status('A1') !== 'exists')
    found.push(`A4a (password login) exists but A1 (client login) is ${status('A1')}`);
  if (status('B4') === 'exists' && status('C1') === 'missing' && status('C2') === 'missing')
    found.push('B4 says clients sign online, but C1/C2 say there is no page to open a proposal or quotation by link');
  for (const [page, view] of [
    ['C1', 'B1'],
    ['C2', 'B2'],
    ['C3', 'B3'],
  ] as const) {
    const viewAnswer = report.answers.find((a) => a.id === view);
    if (status(page) !== 'exists' || !viewAnswer) continue;
    if (viewAnswer.status === 'missing') found.push(`${page} serves a public page, but ${view} says the host keeps no such records`);
    else if (viewAnswer.status === 'partial' && !viewAnswer.evidence.some((e) => e.kind === 'absence' && e.detail.includes(`(${page})`)))
      found.push(`${page} opens records by link, but ${view} says clients cannot view them without saying why`);
  }
  const views = ['B1', 'B2', 'B3'].map((id) => report.answers.find((a) => a.id === id)).filter((a) => a !== undefined);
  const exists = views.filter((a) => a.status === 'exists');
  for (const partial of views.filter((a) => a.status === 'partial')) {
    if (exists.length === 0) continue;
    const why = partial.evidence.some((e) => e.kind === 'absence' && /unlike|while|but /.test(e.detail));
    if (!why)
      found.push(`${partial.id} is partial while ${exists.map((a) => a.id).join(', ')} exist(s), with no evidence saying why they differ`);
  }
  return found;
}
