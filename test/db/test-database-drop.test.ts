// A test database on a PostgreSQL server (test/support/database.ts) given up at the end of a file
// (release()) is dropped in a process of its own, so the file does not wait for the server's
// checkpoint: the drop still happens when the test process exits the moment release() has
// returned, as a parallel run's worker does after its last file. drop() answers once it is gone.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('test databases on a server', function () {
  this.timeout(60_000);
  let admin: Knex | undefined;

  before(function () {
    // Skipped on the embedded engine: its databases are stopped, not dropped, so there is no drop to wait for.
    if (!process.env.DATABASE_URL) this.skip();
    admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
  });
  after(async function () {
    await admin?.destroy();
  });

  it('are gone after release() even when the process exits at once', async function () {
    // A process that makes a database, drops it and exits without waiting for anything more.
    const script = `
      import { createTestDatabase } from './test/support/database.ts';
      const database = await createTestDatabase();
      console.log(new URL(database.url).pathname.slice(1));
      await database.release();
      process.exit(0);
    `;
    const name = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: ROOT, env: process.env },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      ),
    );
    expect(name).to.match(/^cp_test_[0-9a-f]{12}$/);
    const started = Date.now();
    let left = 1;
    while (left > 0 && Date.now() - started < 30_000) {
      left = Number((await admin!('pg_database').where({ datname: name }).count<{ n: string }[]>({ n: '*' }))[0]!.n);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(left, `${name} still there 30 s after release()`).to.equal(0);
  });

  it('are gone when drop() answers', async function () {
    const { createTestDatabase } = await import('../support/database.ts');
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    await database.drop();
    const left = Number((await admin!('pg_database').where({ datname: name }).count<{ n: string }[]>({ n: '*' }))[0]!.n);
    expect(left).to.equal(0);
  });
});
