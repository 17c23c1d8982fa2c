// On a Citus coordinator with two workers (the Citus stage, test/citus/run.ts): migrate leaves every
// portal table where src/core/db/distribution.ts places it, every table distributed by workspace in
// one co-location group with its shards on both workers, and a second migrate changes nothing.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../migrations/index.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { distributeOnCitus } from '../../src/core/db/distribute.ts';
import { TABLE_PLACEMENT } from '../../src/core/db/distribution.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('the portal on a Citus cluster', function () {
  let database: TestDatabase;
  let db: Knex;

  before(async function () {
    // Skipped outside the Citus stage (npm run test:citus, test/citus/run.ts): only that stage starts a
    // coordinator and workers and sets CITUS_WORKER_URLS; on plain PostgreSQL there is nothing
    // distributed to check, and test/migrations/distribution-rules.test.ts checks the schema instead.
    if (!process.env.CITUS_WORKER_URLS) this.skip();
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migrateReferenceCrm(db);
    await migratePortal(db);
  });
  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('places every portal table as decided: by workspace, by its own key, or on the coordinator', async function () {
    const rows = (
      await db.raw<{ rows: Array<{ table: string; column: string; colocation: number }> }>(
        `select logicalrelid::regclass::text as "table", column_to_column_name(logicalrelid, partkey) as "column",
                colocationid as colocation
           from pg_dist_partition where partmethod = 'h'`,
      )
    ).rows;
    const placed = new Map(rows.map((row) => [row.table, row]));
    for (const [table, placement] of Object.entries(TABLE_PLACEMENT)) {
      if (placement.kind === 'by-workspace') expect(placed.get(table)?.column, table).to.equal('workspace_id');
      else if (placement.kind === 'by-own-key') expect(placed.get(table)?.column, table).to.equal(placement.column);
      else expect(placed.has(table), table).to.equal(false);
    }
    const groups = new Set(
      Object.entries(TABLE_PLACEMENT)
        .filter(([, placement]) => placement.kind === 'by-workspace')
        .map(([table]) => placed.get(table)!.colocation),
    );
    expect(groups.size, 'co-location groups of the workspace tables').to.equal(1);
  });

  it('spreads the shards of the workspace tables over both workers', async function () {
    const nodes = (
      await db.raw<{ rows: Array<{ port: number }> }>(
        "select distinct nodeport as port from citus_shards where table_name = 'client_users'::regclass",
      )
    ).rows;
    expect(nodes).to.have.length(2);
  });

  it('distributes nothing again on a second migrate', async function () {
    expect(await distributeOnCitus(db)).to.deep.equal({ citus: true, placed: [] });
  });
});
