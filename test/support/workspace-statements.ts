// Every statement the portal and the reference CRM send on a workspace table names its workspace
// or says it spans workspaces (the rule of shard-routing.ts), checked on every statement of every
// test, on the embedded database and on PostgreSQL alike: a statement that Citus would send to
// every shard fails on any machine, not only in the Citus stage (test/citus/run.ts).
//
// Whose statement it is: knex builds a statement synchronously where the code calls db('table')
// or db.raw(…), and runs it later, in a promise chain that no longer shows the caller. So each
// builder keeps its caller's stack (captured, not formatted: formatting is paid only for a
// statement that breaks the rule), and a statement counts when the first of its frames in the
// project is the portal's or the CRM's code (src/, plugins/). The tests' own SQL (fixtures,
// assertions reading tables directly, anything under a test/ folder) and the migrations'
// (statements on tables not yet distributed, run once) do not count.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statementsReachingEveryShard } from './shard-routing.ts';

interface Builder {
  [ORIGIN]?: object;
}

interface Violation {
  sql: string;
  /** The caller's frames in the project, innermost first. */
  at: string[];
}

const ORIGIN = Symbol('where the statement was built');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

const require = createRequire(import.meta.url);
const KNEX = path.dirname(require.resolve('knex/package.json'));

let violations: Violation[] = [];
let installed = false;

/** The caller's stack, formatted only if someone reads it. */
function origin(): object {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return holder;
}

/**
 * The frames of a stack in the project (not its dependencies, not this file), as the function and
 * its file relative to the project (`findX (src/…/queries.ts)`). No line: a stack formatted this
 * late gives the lines of the compiled module, not of its source.
 */
function projectFrames(stack: string): string[] {
  return stack
    .split('\n')
    .map((line) => /^at (?:async )?(?:(.+?) \()?(?:file:\/\/)?(\/[^():]+):\d+:\d+\)?$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .filter(([, , file]) => file!.startsWith(ROOT) && !file!.includes('/node_modules/') && file !== THIS_FILE)
    .map(([, name, file]) => `${name ?? '<anonymous>'} (${path.relative(ROOT, file!)})`);
}

/** A frame of the portal's or the CRM's code, not of a test. */
const isAppFrame = (frame: string) => / \((src|plugins)\//.test(frame) && !/\/test\//.test(frame);

/** A frame of a migration, or of the distribution migrate runs after them, or of the helpers they share. */
const isMigrationFrame = (frame: string) => /[(/]migrations\//.test(frame) || frame.endsWith('(src/core/db/distribute.ts)');

/**
 * Whether a statement is the portal's or the CRM's to answer for: the code that built it is theirs
 * (the first frame in the project), and it is not part of a migration (however deep in its helpers).
 */
const builtByTheApp = (frames: string[]) => frames.length > 0 && isAppFrame(frames[0]!) && !frames.some(isMigrationFrame);

/**
 * Another host's binding (plugins/alga-psa, plugins/dolibarr, the standalone server beside them):
 * its `clients` or `invoices` are that host's tables, so only the portal's own tables count there.
 */
const isOtherHostFrame = (frame: string) => / \(plugins\//.test(frame) && !/ \(plugins\/reference-crm\//.test(frame);

// With TEST_STATEMENTS set, the shapes of the app's statements each file sends are kept too
// (root-hooks.ts writes them, scripts/test-statements.ts compares the files): what a test pass
// would no longer run on an engine if a file left it.
const shapesSeen: Set<string> | null = process.env.TEST_STATEMENTS ? new Set() : null;

/**
 * A statement with its values and lists of placeholders (or of rows of them) folded: one shape per
 * way the code asks. A number written in the text and one bound to a placeholder are one shape: the
 * prepared statements (src/core/db/prepared-statements.ts) write a page's limit into the text on a
 * PostgreSQL server and bind it on the embedded database.
 */
const shapeOf = (sql: string) =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\?(?:, ?\?)*/g, '?')
    .replace(/\(\?\)(?:, ?\(\?\))*/g, '(?)');

function keepShape(sql: string, builder: Builder): void {
  const stack = (builder[ORIGIN] as { stack?: string } | undefined)?.stack;
  if (builtByTheApp(stack ? projectFrames(stack) : [])) shapesSeen?.add(shapeOf(sql));
}

/** The shapes of the app's statements sent since the last call (TEST_STATEMENTS set), sorted; empty otherwise. */
export function takeStatementShapes(): string[] {
  const shapes = [...(shapesSeen ?? [])].sort();
  shapesSeen?.clear();
  return shapes;
}

function check(sql: string, builder: Builder): void {
  // Cheap first: most statements name their workspace, and their stack is never formatted.
  if (statementsReachingEveryShard([sql]).length === 0) return;
  const stack = (builder[ORIGIN] as { stack?: string } | undefined)?.stack;
  const frames = stack ? projectFrames(stack) : [];
  if (!builtByTheApp(frames)) return;
  const portalTablesOnly = isOtherHostFrame(frames[0]!);
  if (statementsReachingEveryShard([sql], { portalTablesOnly }).length > 0) violations.push({ sql, at: frames });
}

/** From now on every statement knex runs in this process is checked (once per process). */
export function watchWorkspaceStatements(): void {
  if (installed) return;
  installed = true;
  const load = (file: string) => require(path.join(KNEX, file));
  const Client = load('lib/dialects/postgres/index.js') as { prototype: Record<string, (...args: unknown[]) => Builder> };
  for (const method of ['queryBuilder', 'raw']) {
    const original = Client.prototype[method]!;
    Client.prototype[method] = function (this: unknown, ...args: unknown[]) {
      const builder = original.apply(this, args);
      builder[ORIGIN] = origin();
      return builder;
    };
  }
  // A clone (a page's count beside its rows) was built where its original was.
  const QueryBuilder = load('lib/query/querybuilder.js') as { prototype: { clone(this: Builder): Builder } };
  const clone = QueryBuilder.prototype.clone;
  QueryBuilder.prototype.clone = function (this: Builder) {
    const copy = clone.call(this);
    copy[ORIGIN] = this[ORIGIN];
    return copy;
  };
  const Runner = load('lib/execution/runner.js') as { prototype: { builder: Builder; query(obj: unknown): Promise<unknown> } };
  const query = Runner.prototype.query;
  Runner.prototype.query = function (this: { builder: Builder }, obj: unknown) {
    const sql = typeof obj === 'string' ? obj : (obj as { sql?: unknown } | null)?.sql;
    if (typeof sql === 'string') {
      check(sql, this.builder);
      if (shapesSeen) keepShape(sql, this.builder);
    }
    return query.call(this, obj);
  };
}

/** The statements that broke the rule since the last call, described one per line with where they were built; empty when none did. */
export function takeViolations(): string {
  const found = violations;
  violations = [];
  const seen = new Map<string, Violation>();
  for (const violation of found) seen.set(violation.sql, violation);
  return [...seen.values()]
    .map(
      ({ sql, at }) =>
        `  ${sql.replace(/\s+/g, ' ').slice(0, 300)}\n    built at ${at.filter(isAppFrame).slice(0, 3).join(' < ') || at[0]}`,
    )
    .join('\n');
}
