// Benchmark: `npx tsx bench/audit-timing.ts [--tables 450] [--runs 3]`
// Builds the generated CRM schema in a throwaway database (a new database on DATABASE_URL's
// server, dropped afterwards, or an in-memory embedded PostgreSQL), then times the audit against
// two baselines: N bare `select 1` round trips (the floor for any per-table approach) and the
// naive approach itself (one information_schema query per table). Target: under 5 s for 450 tables.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/core/db/embedded-postgres.ts';
import { generateLargeSchemaSql } from '../test/fixtures/large-schema/generate-large-schema.ts';
import { readCatalog } from '../audit/catalog/read-catalog.ts';
import { withReadOnlySession } from '../audit/catalog/read-only-session.ts';
import { runAudit } from '../audit/run-audit.ts';
import { upperMedian as median } from './median.ts';

const TARGET_MS = 5000;

async function throwawayDatabase(): Promise<{ url: string; engine: string; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, engine: 'embedded PGlite', drop: () => embedded.stop() };
  }
  const name = `audit_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const [{ version } = { version: '?' }] = (await admin.query<{ version: string }>("select current_setting('server_version') as version"))
    .rows;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: `PostgreSQL ${version}`,
    async drop() {
      const dropper = new pg.Client({ connectionString: server });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tables: { type: 'string', default: '450' }, runs: { type: 'string', default: '3' } } });
  const tables = Number(values.tables);
  const runs = Math.max(1, Number(values.runs));
  const db = await throwawayDatabase();
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const build = await timed(() => client.query(generateLargeSchemaSql({ tables })));

    // Baseline 1: the floor of any approach that asks something per table.
    await client.query('select 1');
    const one = await timed(() => client.query('select 1'));
    const roundTrips = await timed(async () => {
      for (let i = 0; i < tables; i += 1) await client.query('select 1');
    });
    // Baseline 2: the naive audit, one information_schema query per table.
    const names = (await client.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public'")).rows.map(
      (r) => r.name,
    );
    const naive = await timed(async () => {
      for (const name of names) {
        await client.query('select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2', [
          'public',
          name,
        ]);
      }
    });
    await client.end();

    const catalogRuns: number[] = [];
    const auditRuns: number[] = [];
    let queries = 0;
    let found = '';
    for (let i = 0; i < runs; i += 1) {
      catalogRuns.push((await timed(() => withReadOnlySession(db.url, readCatalog))).ms);
      const audit = await timed(() => runAudit({ databaseUrl: db.url }));
      auditRuns.push(audit.ms);
      queries = audit.value.database.queries;
      found = audit.value.concepts
        .filter((c) => c.chosenTable)
        .map((c) => `${c.id}=${c.chosenTable?.replace('public.', '')}`)
        .join(' ');
    }

    const auditMs = median(auditRuns);
    const rows: Array<[string, string]> = [
      ['engine', db.engine],
      ['tables', `${tables} (schema built in ${build.ms.toFixed(0)} ms)`],
      ['baseline: one select 1', `${one.ms.toFixed(2)} ms`],
      [`baseline: ${tables} x select 1`, `${roundTrips.ms.toFixed(0)} ms`],
      [`baseline: ${names.length} x information_schema query`, `${naive.ms.toFixed(0)} ms`],
      ['audit: catalog read (median)', `${median(catalogRuns).toFixed(0)} ms`],
      ['audit: full run (median)', `${auditMs.toFixed(0)} ms over ${runs} run(s), ${queries} queries in all`],
      ['target', `< ${TARGET_MS} ms: ${auditMs < TARGET_MS ? 'met' : 'NOT MET'}`],
      ['picked', found],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    if (auditMs >= TARGET_MS) process.exitCode = 1;
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
