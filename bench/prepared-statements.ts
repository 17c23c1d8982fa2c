// What named prepared statements save the database: boots the reference CRM with the portal on
// real PostgreSQL (DATABASE_URL, a server to create a scratch database on), records the queries of
// one dashboard request (or BENCH_PAGE's), then runs them on one connection many times unnamed and named, and prints
// the PostgreSQL backend's CPU time (from /proc, so other load on the machine does not count) per
// request either way. Not a test; see src/core/db/prepared-statements.ts.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/prepared-statements.ts
//   BENCH_SIZE=full ...           on the benchmark's full-size data (default: its 1,000 rows)
//   BENCH_PAGE=/portal/demo/invoices ...   another page's queries (default: the dashboard's)
import { processCpuMs } from './proc-stats.ts';
import { inlineLimits } from '../src/core/db/prepared-statements.ts';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { seedScaleData, SCALE_SIZES } from './scale-data.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const PAGE = process.env.BENCH_PAGE ?? '/portal/demo/';
if (!process.env.DATABASE_URL)
  throw new Error('Set DATABASE_URL to a PostgreSQL server (the embedded database has no backend process to measure).');
const database = await createTestDatabase();
// Unnamed in the app, so the recorded texts are run both ways below on a connection of our own.
const crm = await bootReferenceCrm({
  databaseUrl: database.url,
  port: 0,
  sessionSecret: 'prepared-statements-'.padEnd(48, 'p'),
  flagsFile: flagsFileFor(['demo']),
  preparedStatements: false,
  quiet: true,
});
// The texts as the app sends them with prepared statements on: limits written in.
inlineLimits(crm.db);
try {
  await seedScaleData(crm.db, 'demo', SCALE_SIZES[(process.env.BENCH_SIZE ?? 'small') as keyof typeof SCALE_SIZES]);
  const client = crm.clientLogins.find((login) => login.workspaceSlug === 'demo')!;
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  const page = await fetch(`${crm.url}/portal/demo/sign-in`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const signedIn = await fetch(`${crm.url}/portal/demo/sign-in/password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookieOf(page), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: client.email, password: client.password }).toString(),
  });
  const cookie = cookieOf(signedIn);
  await fetch(`${crm.url}${PAGE}`, { headers: { cookie } });
  const recorded: Array<{ sql: string; bindings?: unknown[] }> = [];
  const record = (query: { sql: string; bindings?: unknown[] }) => recorded.push(query);
  crm.db.on('query', record);
  await fetch(`${crm.url}${PAGE}`, { headers: { cookie } });
  crm.db.off('query', record);

  const knexClient = crm.db.client as unknown as {
    positionBindings(sql: string): string;
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(c: PgConnection): Promise<void>;
  };
  interface PgConnection {
    query(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>;
  }
  const queries = recorded.map((query, index) => ({
    name: `probe_${index}`,
    text: knexClient.positionBindings(query.sql),
    values: query.bindings ?? [],
  }));
  const connection = await knexClient.acquireConnection();
  const {
    rows: [backend],
  } = await connection.query({ text: 'select pg_backend_pid() as pid' });
  const cpuMs = () => processCpuMs(Number(backend!.pid));
  const perDashboard: Record<string, number[]> = { unnamed: [], named: [] };
  for (const named of [false, true, false, true]) {
    const run = (query: (typeof queries)[number]) => connection.query(named ? query : { text: query.text, values: query.values });
    for (let i = 0; i < 10; i += 1) for (const query of queries) await run(query);
    const before = cpuMs();
    for (let i = 0; i < ROUNDS; i += 1) for (const query of queries) await run(query);
    perDashboard[named ? 'named' : 'unnamed']!.push((cpuMs() - before) / ROUNDS);
  }
  await knexClient.releaseConnection(connection);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`${PAGE}: its ${queries.length} knex queries, ${ROUNDS} times each way, twice:`);
  console.log(
    `  PostgreSQL CPU per request, unnamed: ${mean(perDashboard.unnamed!).toFixed(2)} ms (${perDashboard.unnamed!.map((v) => v.toFixed(2)).join(', ')})`,
  );
  console.log(
    `  PostgreSQL CPU per request, named:   ${mean(perDashboard.named!).toFixed(2)} ms (${perDashboard.named!.map((v) => v.toFixed(2)).join(', ')})`,
  );
} finally {
  await crm.close();
  await database.drop();
}
process.exit(0);
