// Whether a database is a Citus cluster: asked once per pool, the first time it matters. The few
// statements that plain PostgreSQL runs in one round trip but Citus cannot (a join between tables
// distributed by different keys) take their two-step form there.
import type { Knex } from 'knex';
import type pg from 'pg';

const answers = new WeakMap<object, Promise<boolean>>();
const QUESTION = "select 1 from pg_extension where extname = 'citus'";

export function isCitus(db: pg.Pool | Knex | Knex.Transaction): Promise<boolean> {
  // A transaction's client inherits its knex's config: one answer for the knex and its transactions.
  const key: object = 'raw' in db ? (db.client as { config: object }).config : db;
  let answer = answers.get(key);
  if (!answer) {
    const rows: Promise<unknown[]> =
      'raw' in db ? db.raw<{ rows: unknown[] }>(QUESTION).then((result) => result.rows) : db.query(QUESTION).then((result) => result.rows);
    answer = rows.then(
      (found) => found.length > 0,
      (err: unknown) => {
        answers.delete(key);
        throw err;
      },
    );
    answers.set(key, answer);
  }
  return answer;
}
