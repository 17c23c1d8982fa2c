// Benchmark: `npx tsx bench/rate-limiter.ts [--runs 2000]` (DATABASE_URL = a PostgreSQL server)
// The portal's PostgreSQL rate limiter against rate-limiter-flexible's RateLimiterPostgres on the
// same table shape, in a throwaway database, both with named (prepared) statements: N sequential consumes of fresh keys, of one key past
// its budget (the attack case), and lockout reads. The baseline is N bare `select 1` round trips.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import knexFactory from 'knex';
import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { namePreparedStatements } from '../src/core/db/prepared-statements.ts';
import { RateLimiter, type LimitRule } from '../src/core/rate-limits/limiter.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2000' } } });
const runs = Number(values.runs);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `limiter_bench_${randomBytes(4).toString('hex')}`;

const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
const db = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 1, max: 1 } });
// As the portal runs it (src/core/db/prepared-statements.ts); rate-limiter-flexible names its own statements.
namePreparedStatements(db);

async function time(label: string, work: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await work(-1 - i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await work(i);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(46)} ${((ms / runs) * 1000).toFixed(0).padStart(6)} µs/op`);
  return ms;
}

try {
  for (const table of ['ours', 'theirs']) {
    await db.schema.createTable(table, (t) => {
      t.string('key', 255).primary();
      t.integer('points').notNullable();
      t.bigInteger('expire');
    });
  }
  const rule: LimitRule = { name: 'bench', points: 5, windowSeconds: 900, blockSeconds: 900 };
  const ours = new RateLimiter(db, Date.now, 'ours');
  const theirs = new RateLimiterPostgres({
    storeClient: db,
    storeType: 'knex',
    tableName: 'theirs',
    tableCreated: true,
    clearExpiredByTimeout: false,
    points: 5,
    duration: 900,
    blockDuration: 900,
  });
  const refused = async (p: Promise<unknown>) => p.catch(() => undefined);

  console.log(
    `rate limiters, ${runs} sequential operations each, one connection, ${(await admin.query("select current_setting('server_version') v")).rows[0].v}`,
  );
  const floor = await time('baseline: select 1', () => db.raw('select 1'));
  const rows: Array<[string, number]> = [];
  rows.push(['consume, new key: ours', await time('consume, new key: ours', (i) => ours.consume(rule, `k${i}`))]);
  rows.push([
    'consume, new key: rate-limiter-flexible',
    await time('consume, new key: rate-limiter-flexible', (i) => refused(theirs.consume(`k${i}`))),
  ]);
  rows.push(['consume, key over budget: ours', await time('consume, key over budget: ours', () => ours.consume(rule, 'attacked'))]);
  rows.push([
    'consume, key over budget: rate-limiter-flexible',
    await time('consume, key over budget: rate-limiter-flexible', () => refused(theirs.consume('attacked'))),
  ]);
  rows.push(['lockout read: ours', await time('lockout read: ours', (i) => ours.check(rule, `k${i}`))]);
  rows.push(['lockout read: rate-limiter-flexible', await time('lockout read: rate-limiter-flexible', (i) => theirs.get(`k${i}`))]);
  console.log('\nratio to the select-1 floor:');
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(50)} ${(ms / floor).toFixed(2)}×`);
} finally {
  await db.destroy();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
