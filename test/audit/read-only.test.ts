// Covers the audit's read-only guarantee: it succeeds as a PostgreSQL role that may only connect
// and select, it reports that its transaction never got a transaction id (wrote nothing), and the
// schema and every table's rows are byte-for-byte the same after the audit as before. It runs on a
// real Dolibarr database (crm-schemas/dolibarr.sql with rows seeded as Dolibarr writes them,
// test/dolibarr/dolibarr-host.ts), skipped, saying why, where that schema cannot be loaded.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runAudit } from '../../audit/run-audit.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import type { TestDatabase } from '../support/database.ts';
import { runSql } from '../support/host-fixtures.ts';

/** A checksum of the schema (columns, constraints, indexes) and of every table's contents. */
async function fingerprint(url: string): Promise<{ schema: string; rows: Record<string, string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const schema = await client.query<{ md5: string }>(`
      select md5(string_agg(line, E'\\n' order by line)) as md5 from (
        select format('col %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) as line
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
        union all
        select format('con %s %s', con.conname, pg_get_constraintdef(con.oid)) from pg_constraint con
        join pg_namespace n on n.oid = con.connamespace where n.nspname = 'public'
        union all
        select format('idx %s', indexdef) from pg_indexes where schemaname = 'public'
      ) lines`);
    const tables = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
    const rows: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const result = await client.query<{ n: string; md5: string }>(
        `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as md5 from "${name}" t`,
      );
      rows[name] = `${result.rows[0]?.n}:${result.rows[0]?.md5}`;
    }
    return { schema: schema.rows[0]?.md5 ?? '', rows };
  } finally {
    await client.end();
  }
}

describe('audit: read-only', function () {
  this.timeout(300_000);
  const reason = unavailable();
  let host: DolibarrHost | undefined;
  let db: TestDatabase;

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
    db = host.database;
  });
  after(async () => host?.close());

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('leaves the schema and every row unchanged, and its transaction wrote nothing', async () => {
    const before = await fingerprint(db.url);
    const report = await runAudit({ databaseUrl: db.url });
    const after = await fingerprint(db.url);
    expect(report.database.readOnlyTransaction).to.equal(true);
    expect(report.database.wroteNothing).to.equal(true);
    expect(after).to.deep.equal(before);
    expect(Object.keys(before.rows).length).to.be.greaterThan(20);
  });

  it('succeeds as a role that can only connect and select', async function () {
    // Needs real PostgreSQL: embedded PGlite serves every connection from its single superuser
    // session, so a restricted role cannot be created or logged in as.
    if (db.mode !== 'external') this.skip();
    const role = `audit_reader_${randomBytes(4).toString('hex')}`;
    const database = new URL(db.url).pathname.slice(1);
    await runSql(
      db.url,
      `
      create role ${role} login;
      revoke all on database ${database} from ${role};
      grant connect on database ${database} to ${role};
      grant usage on schema public to ${role};
      grant select on all tables in schema public to ${role};`,
    );
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = '';
      // The role really is read-only: a write is refused outright.
      const probe = new pg.Client({ connectionString: url.toString() });
      await probe.connect();
      const write = await probe.query(`update llx_societe set nom = nom`).then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      await probe.end();
      expect(write).to.equal('42501');

      const report = await runAudit({ databaseUrl: url.toString() });
      expect(report.database.user).to.equal(role);
      expect(report.database.wroteNothing).to.equal(true);
      expect(report.concepts.find((c) => c.id === 'clientCredentials')?.chosenTable).to.equal('public.llx_societe_account');
    } finally {
      await runSql(db.url, `drop owned by ${role}`);
      const server = new URL(db.url);
      server.pathname = '/postgres';
      await runSql(server.toString(), `drop role if exists ${role}`);
    }
  });
});
