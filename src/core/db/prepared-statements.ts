// PostgreSQL parses and plans an unnamed statement anew every time it runs. For the portal's short
// reads that is most of the database's work: on the dashboard's ten queries, planning took 3.5 ms
// against 1.5 ms of execution. A named statement is parsed once per connection, and after a few
// runs PostgreSQL keeps a generic plan when it costs no more than a custom one, so a repeated read
// is only executed. Every read a knex instance sends is therefore given a name derived from its
// text (the same text, the same name; pg prepares it once per connection and reuses it).
//
// Only single statements are named (multi-statement scripts cannot be prepared): reads (SELECT /
// WITH) and upserts (INSERT … ON CONFLICT), whose text is fixed per call site and which run on
// every sign-in try and code check (the rate-limit counters: 30 % less time per consume, measured
// in bench/rate-limiter.ts). Other writes stay unnamed: their text varies with the columns given.
// Not for connections through PgBouncer in transaction mode before 1.21, which cannot keep prepared statements (DATABASE_PREPARED_STATEMENTS=off), nor the
// embedded database, whose connections share one session (a name prepared by one would clash in
// another).
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';

const READ = /^\s*(select|with)\s/i;
const UPSERT = /^\s*insert\s[\s\S]*\son\s+conflict\s/i;
/** Distinct statement texts named per process; past it, new texts run unnamed (a bound on what each connection keeps prepared). */
const MAX_NAMED = 2_000;

interface CompiledQuery {
  sql?: string;
  options?: Record<string, unknown>;
}

type QueryRunner = (connection: unknown, query: CompiledQuery) => Promise<unknown>;

/**
 * Put first in a read whose best plan depends on its values (a range of days that may hold a
 * quarter or ten years, a client with ten invoices or 100,000): it runs unnamed, so PostgreSQL
 * plans it for its values every time and never keeps a generic plan made for any.
 */
export const PLANNED_FOR_ITS_VALUES = '/* planned for its values */ ';

/** The name for a statement's text, or undefined when it is not a single read or upsert (or too many were named). */
function statementNamer(): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    if (sql.startsWith(PLANNED_FOR_ITS_VALUES)) return undefined;
    if (!(READ.test(sql) || UPSERT.test(sql)) || sql.includes(';')) return undefined;
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_NAMED) {
      name = `portal_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
}

/**
 * Writes every LIMIT into the statement's text instead of sending it as a parameter. A generic plan
 * for a statement with a parameter as its LIMIT assumes a tenth of the rows: on large tables it
 * costs more than any custom plan, so PostgreSQL never keeps it and plans every run anew (the
 * dashboard's statement, at 1M invoices). Safe to write in: knex's limit() keeps only an integer
 * (parseInt) or nothing. Applies to subqueries too, which compile through the same call.
 */
export function inlineLimits(knex: Knex): void {
  const client = knex.client as unknown as {
    queryCompiler: (builder: { _single: { skipBinding?: Record<string, boolean> } }, ...rest: unknown[]) => unknown;
  };
  const compiler = client.queryCompiler.bind(client);
  client.queryCompiler = (builder, ...rest) => {
    builder._single.skipBinding = { ...builder._single.skipBinding, limit: true };
    return compiler(builder, ...rest);
  };
}

/** Names the reads a knex instance sends, with their limits written in (inlineLimits). */
export function namePreparedStatements(knex: Knex): void {
  inlineLimits(knex);
  const client = knex.client as unknown as { _query: QueryRunner };
  const run = client._query.bind(client);
  const nameOf = statementNamer();
  client._query = (connection, query) => {
    const name = query.sql && !query.options?.name ? nameOf(query.sql) : undefined;
    if (name) query.options = { ...query.options, name };
    return run(connection, query);
  };
}

/** Names the reads sent with `pool.query(text, values)` (the session store's, for one). */
export function namePoolReads(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const nameOf = statementNamer();
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (first: unknown, ...rest: unknown[]) => {
    const values = rest[0];
    const name = typeof first === 'string' && (values === undefined || Array.isArray(values)) ? nameOf(first) : undefined;
    if (!name) return query(first, ...rest);
    return query({ name, text: first, values: (values as unknown[] | undefined) ?? [] }, ...rest.slice(1));
  };
}

/**
 * Whether the server serves every connection from one session, as the embedded database (PGlite)
 * does, however it was reached: a statement one connection prepared would clash in the others.
 */
export async function sharesOneSession(knex: Knex): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: Array<{ version: string }> }>('select version() as version');
  return /PGlite/i.test(rows[0]?.version ?? '');
}

/** DATABASE_PREPARED_STATEMENTS: on unless set to `off` (or `false`, `0`). */
export function preparedStatementsFrom(env: NodeJS.ProcessEnv): boolean {
  const value = env.DATABASE_PREPARED_STATEMENTS?.trim().toLowerCase();
  return !(value === 'off' || value === 'false' || value === '0');
}
