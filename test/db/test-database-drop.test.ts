// Test databases on a PostgreSQL server (test/support/database.ts). Within a mocha run, one given up
// is left to the run's teardown, which drops all of the run's databases and no other run's: each
// DROP DATABASE ends with a checkpoint of the whole server. Outside a run (a bench, a script), one
// given up at the end of a file (release()) is dropped in a process of its own, so the file does
// not wait for the checkpoint: the drop still happens when the process exits the moment release()
// has returned. drop() then answers once it is gone; destroy() does, within a run too.
//
// The databases are made on a private cluster of this file's own. A DROP DATABASE waits for a
// checkpoint of its whole server and for every backend on it to close its files; on the shared
// server, beside the suite's other files, that wait had no bound (one CI run timed out here after
// 180 s), and what is tested is where the drop runs, not how busy the server is.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { missingBinaries, startPrivateCluster, type PrivateCluster } from '../faults/support/cluster.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('test databases on a server', function () {
  this.timeout(180_000);
  let admin: Knex | undefined;
  let cluster: PrivateCluster | undefined;
  let sharedServer: string | undefined;

  before(async function () {
    // Skipped on the embedded engine: its databases are stopped, not dropped, so there is no drop to wait for.
    if (!process.env.DATABASE_URL) this.skip();
    const missing = missingBinaries();
    if (missing) throw new Error(`these tests need a private PostgreSQL cluster: ${missing}`);
    cluster = await startPrivateCluster();
    sharedServer = process.env.DATABASE_URL;
    process.env.DATABASE_URL = cluster.url();
    admin = knexFactory({ client: 'pg', connection: cluster.url(), pool: { min: 0, max: 1 } });
  });
  after(async function () {
    await admin?.destroy();
    if (sharedServer) process.env.DATABASE_URL = sharedServer;
    cluster?.destroy();
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
        // Outside a mocha run: no TEST_RUN.
        { cwd: ROOT, env: { ...process.env, TEST_RUN: '' } },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      ),
    );
    expect(name).to.match(/^cp_test_[0-9a-f]{12}$/);
    expect(await goneWhenItsDropEnds(name), `${name} still there when the process dropping it had ended`).to.equal(true);
  });

  it('are gone when drop() answers, outside a run', async function () {
    const { createTestDatabase } = await import('../support/database.ts');
    const database = await inRun('', createTestDatabase);
    const name = nameOf(database);
    expect(name).to.match(/^cp_test_[0-9a-f]{12}$/);
    await database.drop();
    expect(await exists(name)).to.equal(false);
  });

  it("are left to the run's teardown within a run, which drops the run's and no other's; destroy() drops one at once", async function () {
    const { createTestDatabase, dropDatabasesOfRun } = await import('../support/database.ts');
    // Two runs' ids that no process holds (a run is named by its main process's id).
    const run = `9${Date.now()}`;
    const other = `8${Date.now()}`;
    const ours = await inRun(run, createTestDatabase);
    const theirs = await inRun(other, createTestDatabase);
    try {
      expect(nameOf(ours)).to.match(new RegExp(`^cp_test_${run}_[0-9a-f]{12}$`));
      await ours.drop();
      await ours.release!();
      expect(await exists(nameOf(ours)), 'given up within the run').to.equal(true);
      await inRun(run, dropDatabasesOfRun);
      expect(await exists(nameOf(ours)), "after the run's teardown").to.equal(false);
      expect(await exists(nameOf(theirs)), "another run's").to.equal(true);
      await theirs.destroy();
      expect(await exists(nameOf(theirs)), 'once destroy() answers, within a run').to.equal(false);
    } finally {
      await admin!.raw(`drop database if exists ${nameOf(ours)} with (force)`);
      await admin!.raw(`drop database if exists ${nameOf(theirs)} with (force)`);
    }
  });

  /** Runs `work` as a process of the run `run` would ('': outside any run). */
  async function inRun<T>(run: string, work: () => Promise<T>): Promise<T> {
    const was = process.env.TEST_RUN;
    process.env.TEST_RUN = run;
    try {
      return await work();
    } finally {
      if (was === undefined) delete process.env.TEST_RUN;
      else process.env.TEST_RUN = was;
    }
  }

  const nameOf = (database: { url: string }) => new URL(database.url).pathname.slice(1);

  /**
   * Whether it is gone once the detached psql dropping it has ended. Waits for that process, not for
   * a time: a drop's checkpoint writes out what every other file on the server wrote since the last
   * one, which on a loaded machine takes as long as it takes.
   */
  async function goneWhenItsDropEnds(name: string): Promise<boolean> {
    for (;;) {
      if (!(await exists(name))) return true;
      if (!(await dropRunning(name))) return !(await exists(name));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Whether a psql process naming the database (its DROP DATABASE) still runs. */
  function dropRunning(name: string): Promise<boolean> {
    return new Promise((resolve) => execFile('pgrep', ['-f', `psql .*${name}`], (error) => resolve(!error)));
  }

  async function exists(name: string): Promise<boolean> {
    return Number((await admin!('pg_database').where({ datname: name }).count<{ n: string }[]>({ n: '*' }))[0]!.n) > 0;
  }
});
