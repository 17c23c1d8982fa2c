// Reads go to PostgreSQL as named prepared statements (src/core/db/prepared-statements.ts): the same
// text is prepared once per connection and then only executed; so are upserts (INSERT … ON
// CONFLICT, fixed text per call site); other writes and scripts stay unnamed.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import {
  namePoolReads,
  namePreparedStatements,
  PLANNED_FOR_ITS_VALUES,
  preparedStatementsFrom,
  sharesOneSession,
} from '../../src/core/db/prepared-statements.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('named prepared statements', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;

  before(async function () {
    database = await createTestDatabase();
    // One connection, so every query below meets the statements the earlier ones prepared.
    db = createKnex(database.url, 1);
    namePreparedStatements(db);
    await db.schema.createTable('prepared_probe', (t) => {
      t.increments('id');
      t.string('name');
    });
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  const prepared = async () =>
    (await db.raw<{ rows: Array<{ name: string; statement: string }> }>('select name, statement from pg_prepared_statements')).rows;

  it('prepares a read once and reuses it, with other values each time', async function () {
    const before = (await prepared()).length;
    await db('prepared_probe').insert([{ name: 'a' }, { name: 'b' }]);
    const first = await db('prepared_probe').where({ name: 'a' }).first('id', 'name');
    const second = await db('prepared_probe').where({ name: 'b' }).first('id', 'name');
    expect([first?.name, second?.name]).to.deep.equal(['a', 'b']);
    const statements = await prepared();
    const probe = statements.filter((s) => s.statement.includes('prepared_probe'));
    expect(probe, 'one statement for both reads').to.have.length(1);
    expect(probe[0]!.name).to.match(/^portal_[A-Za-z0-9_-]{24}$/);
    // The plain insert ran unnamed: its text varies with the rows given.
    expect(statements.some((s) => /^insert/i.test(s.statement))).to.equal(false);
    expect(statements.length).to.be.greaterThan(before);
  });

  it('leaves unnamed a read planned for its values, so PostgreSQL plans it for them each time', async function () {
    await db('prepared_probe').insert({ name: 'planned' });
    const read = () => db.raw(`${PLANNED_FOR_ITS_VALUES}select name from prepared_probe where name = ?`, ['planned']);
    for (let i = 0; i < 3; i++) expect((await read()).rows).to.deep.equal([{ name: 'planned' }]);
    expect((await prepared()).filter((s) => s.statement.includes('planned for its values'))).to.deep.equal([]);
  });

  it('prepares an upsert once and reuses it', async function () {
    await db.schema.createTable('prepared_counter', (t) => {
      t.string('key').primary();
      t.integer('points').notNullable();
    });
    const bump = (key: string) =>
      db.raw(
        'insert into prepared_counter (key, points) values (?, 1) on conflict (key) do update set points = prepared_counter.points + 1 returning points',
        [key],
      );
    await bump('a');
    await bump('a');
    const { rows } = await bump('b');
    expect(rows).to.deep.equal([{ points: 1 }]);
    expect(await db('prepared_counter').orderBy('key').select('key', 'points')).to.deep.equal([
      { key: 'a', points: 2 },
      { key: 'b', points: 1 },
    ]);
    const upserts = (await prepared()).filter((s) => s.statement.includes('prepared_counter') && /^insert/i.test(s.statement));
    expect(upserts, 'one statement for the three upserts').to.have.length(1);
  });

  it('writes limits into the text, in subqueries too, so that PostgreSQL can keep one generic plan', async function () {
    const inner = db('prepared_probe').select('name').orderBy('id').limit(1);
    const read = () => db('prepared_probe').where('name', 'in', inner).orderBy('id').limit(2).select('name');
    expect(read().toSQL().sql)
      .to.match(/limit 1\)/)
      .and.to.match(/limit 2$/);
    expect(read().toSQL().bindings, 'no limit among the values').to.deep.equal([]);
    for (let run = 0; run < 8; run += 1) expect(await read()).to.deep.equal([{ name: 'a' }]);
    // With a LIMIT sent as a parameter, PostgreSQL plans every run anew once tables are large (its
    // generic plan assumes a tenth of the rows); written in, the generic plan is kept.
    const { rows } = await db.raw<{ rows: Array<{ generic_plans: string }> }>(
      "select generic_plans from pg_prepared_statements where statement like '%prepared_probe%limit 2'",
    );
    expect(rows).to.have.length(1);
    expect(Number(rows[0]!.generic_plans), 'runs on the generic plan').to.be.greaterThan(0);
  });

  it('runs scripts of several statements, and reads inside a transaction, as before', async function () {
    await db.raw('select 1; select 2');
    const inside = (await db.transaction(async (trx) => trx('prepared_probe').where({ name: 'a' }).first('name'))) as
      | { name: string }
      | undefined;
    expect(inside?.name).to.equal('a');
    expect((await prepared()).some((s) => s.statement.includes('select 1;'))).to.equal(false);
  });

  it('names the reads sent through a pg pool too (the session store), promise and callback forms', async function () {
    const pool = createPgPool(database.url, 1);
    namePoolReads(pool);
    try {
      const text = 'select name from prepared_probe where name = $1';
      expect((await pool.query(text, ['a'])).rows).to.deep.equal([{ name: 'a' }]);
      const viaCallback = await new Promise<unknown[]>((resolve, reject) =>
        pool.query(text, ['b'], (err: Error | undefined, res: { rows: unknown[] }) => (err ? reject(err) : resolve(res.rows))),
      );
      expect(viaCallback).to.deep.equal([{ name: 'b' }]);
      await pool.query("update prepared_probe set name = 'c' where name = $1", ['c']);
      // A text of its own: the embedded database's connections share one session, where the knex
      // connection above already prepared the plain form of this read.
      const { rows } = await pool.query<{ name: string; statement: string }>(
        'select name, statement from pg_prepared_statements order by name',
      );
      expect(rows.filter((r) => r.statement === text).map((r) => r.name)).to.have.length(1);
      expect(rows.some((r) => r.statement.startsWith('update'))).to.equal(false);
    } finally {
      await pool.end();
    }
  });

  it('knows the embedded database, whose connections share one session, from a PostgreSQL server', async function () {
    expect(await sharesOneSession(db)).to.equal(database.mode === 'embedded');
  });

  it('is on unless DATABASE_PREPARED_STATEMENTS says off', function () {
    expect(preparedStatementsFrom({})).to.equal(true);
    expect(preparedStatementsFrom({ DATABASE_PREPARED_STATEMENTS: 'on' })).to.equal(true);
    for (const off of ['off', 'OFF', 'false', '0']) expect(preparedStatementsFrom({ DATABASE_PREPARED_STATEMENTS: off })).to.equal(false);
  });
});
