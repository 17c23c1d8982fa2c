// The files the embedded pass runs (.ci/run): after the PostgreSQL pass has run every test, the
// embedded engine (the demo's WebAssembly PostgreSQL) needs only to answer every statement the
// portal's and the CRM's code sends, once, in a test that checks the answer. So it runs, of the
// files it can run, the fewest by time that between them sent every statement shape the PostgreSQL
// pass saw those files send, and every file that asks which engine it runs on (its tests check
// what the engine itself changes: one shared session, no NOTIFY between instances, no autovacuum).
// A new statement shape picks its file on the next run by itself; nothing here is a list of files
// to keep up.
//
// In rounds: a file may send less on the embedded engine than on PostgreSQL (a test that needs a
// server skips there), so the shapes the embedded runs so far sent (their TEST_STATEMENTS lines)
// are read too, and the next round picks, among the files not yet run, those that sent the shapes
// still missing. An empty answer ends the rounds; what is still missing then, PostgreSQL alone was
// sent (the files sending it skip on the embedded engine, or a timer of theirs did not fire), and
// is listed on stderr.
//
// Reads the lines test/support/root-hooks.ts wrote with TEST_STATEMENTS (the shapes each file
// sent) and TEST_TIMINGS (each file's time); prints the files, one a line, and what they cover on
// stderr. A file that sent no statement of the app's (a presenter, a template, the words) has
// nothing the engine could answer otherwise, and runs on PostgreSQL only.
//
//   npx tsx scripts/embedded-cover.ts POSTGRES_STATEMENTS POSTGRES_TIMINGS [EMBEDDED_STATEMENTS]
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What never runs on the embedded engine, whatever it sends:
 * - the browser tests drive Chromium against pages whose database is behind the app, and the fault
 *   tests start PostgreSQL clusters of their own;
 * - the audit inspects a host CRM's PostgreSQL server (never the demo's embedded one);
 * - the architecture and translation tests check the source and the words, whatever the engine;
 * - the host bindings' tests (the binding files' too) load the host's real schema into a server (on
 *   the embedded engine they only say they skip), and the standalone server runs beside a host's PostgreSQL;
 * - the start-up in production, which runs on a PostgreSQL server, never on the demo's engine.
 */
const POSTGRESQL_ONLY = [
  /\.browser\.test\.ts$/,
  /^test\/faults\//,
  /^test\/reference-crm\/accessibility\.test\.ts$/,
  /^test\/audit\//,
  /^test\/architecture\//,
  /^test\/i18n\//,
  /^test\/alga-psa\//,
  /^test\/dolibarr\//,
  /^test\/file-binding\//,
  /^test\/standalone\//,
  /^test\/startup\/production\.test\.ts$/,
];

/**
 * A test file that asks which engine it runs on (a mode it compares, the engine's one shared
 * session): it checks what the embedded database does differently, or runs otherwise there.
 */
const ASKS_THE_ENGINE = /'embedded'|\.mode [!=]== |\bdatabaseMode\b|\bsharesOneSession\b/;

/** How many of the shapes left unsent are listed. */
const SHAPES_LISTED = 20;

const [statementsFile, timingsFile, embeddedFile] = process.argv.slice(2);
if (!statementsFile || !timingsFile) {
  console.error('usage: tsx scripts/embedded-cover.ts POSTGRES_STATEMENTS POSTGRES_TIMINGS [EMBEDDED_STATEMENTS]');
  process.exit(2);
}

const relative = (file: string) => path.relative(process.cwd(), file);
const linesOf = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);

/** Each file's statement shapes, from a TEST_STATEMENTS file. */
function shapesByFile(file: string): Map<string, Set<string>> {
  const byFile = new Map<string, Set<string>>();
  for (const { file: test, shapes } of linesOf<{ file: string; shapes: string[] }>(file)) {
    const known = byFile.get(relative(test)) ?? new Set<string>();
    for (const shape of shapes) known.add(shape);
    byFile.set(relative(test), known);
  }
  return byFile;
}

const shapesOf = shapesByFile(statementsFile);
const msOf = new Map<string, number>();
for (const { file, ms } of linesOf<{ file: string; ms: number }>(timingsFile))
  msOf.set(relative(file), (msOf.get(relative(file)) ?? 0) + ms);
const ran = embeddedFile ? shapesByFile(embeddedFile) : new Map<string, Set<string>>();

const candidates = [...shapesOf.keys()].filter((file) => !POSTGRESQL_ONLY.some((pattern) => pattern.test(file))).sort();
if (candidates.length === 0) {
  console.error(`no file the embedded pass can run sent a statement in ${statementsFile}: was TEST_STATEMENTS set?`);
  process.exit(1);
}
const asksTheEngine = (file: string) => ASKS_THE_ENGINE.test(readFileSync(file, 'utf8'));
const wanted = new Set(candidates.flatMap((file) => [...shapesOf.get(file)!]));
const sentThere = new Set([...ran.values()].flatMap((shapes) => [...shapes]));
const open = candidates.filter((file) => !ran.has(file));
const chosen = new Set(ran.size === 0 ? open.filter(asksTheEngine) : []);
const named = chosen.size;

const covered = new Set([...sentThere, ...[...chosen].flatMap((file) => [...shapesOf.get(file)!])]);
// The greedy cover, by new shapes a second of the file's time: not the fewest seconds for certain
// (that problem is NP-hard), but near them.
const cost = (file: string) => Math.max(msOf.get(file) ?? 60_000, 500);
for (;;) {
  let best: { file: string; gain: number } | null = null;
  for (const file of open) {
    if (chosen.has(file)) continue;
    const fresh = [...shapesOf.get(file)!].filter((shape) => wanted.has(shape) && !covered.has(shape)).length;
    if (fresh === 0) continue;
    const gain = fresh / cost(file);
    if (!best || gain > best.gain) best = { file, gain };
  }
  if (!best) break;
  chosen.add(best.file);
  for (const shape of shapesOf.get(best.file)!) covered.add(shape);
}
// A file picked early whose every shape a later pick (or an earlier round) also sends is left out
// again, slowest first.
for (const file of [...chosen].sort((a, b) => cost(b) - cost(a))) {
  if (ran.size === 0 && asksTheEngine(file)) continue;
  const others = new Set([...sentThere, ...[...chosen].filter((other) => other !== file).flatMap((other) => [...shapesOf.get(other)!])]);
  if ([...shapesOf.get(file)!].every((shape) => !wanted.has(shape) || others.has(shape))) chosen.delete(file);
}

const seconds = (files: Iterable<string>) => ([...files].reduce((sum, file) => sum + (msOf.get(file) ?? 0), 0) / 1000).toFixed(0);
if (ran.size === 0) {
  console.error(
    `embedded pass: ${chosen.size} of ${candidates.length} files (${named} of them ask which engine they run on), ` +
      `sending the ${wanted.size} statement shapes they sent on PostgreSQL; ${seconds(chosen)} s of ${seconds(candidates)} s of file time there`,
  );
} else {
  const missing = [...wanted].filter((shape) => !sentThere.has(shape));
  console.error(
    `embedded pass so far: ${ran.size} files sent ${wanted.size - missing.length} of the ${wanted.size} statement shapes; ` +
      (chosen.size
        ? `${chosen.size} more files send ${missing.filter((shape) => covered.has(shape)).length} of the ${missing.length} missing`
        : `the ${missing.length} missing were sent on PostgreSQL alone (their files skip on the embedded engine, or a timer did not fire):`),
  );
  if (chosen.size === 0) {
    for (const shape of missing.slice(0, SHAPES_LISTED)) console.error(`    ${shape.slice(0, 160)}`);
    if (missing.length > SHAPES_LISTED) console.error(`    … and ${missing.length - SHAPES_LISTED} more`);
  }
}
for (const file of [...chosen].sort()) console.log(file);
