// On a Citus coordinator with two workers (the Citus stage, test/citus/run.ts): migrate leaves every
// portal table where src/core/db/distribution.ts places it and every table of the reference CRM
// where its own plan does (plugins/reference-crm/migrations/distribution.ts), each schema's tables
// distributed by workspace in one co-location group with its shards on both workers, the catalog
// keeping the rules test/migrations/distribution-rules.test.ts checks on plain PostgreSQL (both read
// test/support/distribution-rules.ts), and a second migrate changes nothing.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { CRM_DISTRIBUTION } from '../../plugins/reference-crm/migrations/distribution.ts';
import { distributeOnCitus } from '../../src/core/db/distribute.ts';
import { type DistributionPlan, PORTAL_DISTRIBUTION } from '../../src/core/db/distribution.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { placementViolations, readCatalog } from '../support/distribution-rules.ts';

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

  async function placements(): Promise<Map<string, { column: string | null; colocation: number; kind: 'h' | 'n' }>> {
    const rows = (
      await db.raw<{ rows: Array<{ table: string; column: string | null; colocation: number; kind: 'h' | 'n' }> }>(
        `select logicalrelid::regclass::text as "table", column_to_column_name(logicalrelid, partkey) as "column",
                colocationid as colocation, partmethod as kind
           from pg_dist_partition where partmethod = 'h' or repmodel = 't'`,
      )
    ).rows;
    return new Map(rows.map((row) => [row.table, row]));
  }

  async function expectPlacedAsPlanned(plan: DistributionPlan) {
    const placed = await placements();
    for (const [table, placement] of Object.entries(plan.tables)) {
      if (placement.kind === 'by-workspace') expect(placed.get(table)?.column, table).to.equal('workspace_id');
      else if (placement.kind === 'by-own-key') expect(placed.get(table)?.column, table).to.equal(placement.column);
      else if (placement.kind === 'reference') expect(placed.get(table)?.kind, table).to.equal('n');
      else expect(placed.has(table), table).to.equal(false);
    }
    const groups = new Set(
      Object.entries(plan.tables)
        .filter(([, placement]) => placement.kind === 'by-workspace')
        .map(([table]) => placed.get(table)!.colocation),
    );
    expect(groups.size, 'co-location groups of the workspace tables').to.equal(1);
  }

  it('places every portal table as decided: by workspace, by its own key, or on the coordinator', async function () {
    await expectPlacedAsPlanned(PORTAL_DISTRIBUTION);
  });

  it("places every table of the reference CRM as its plan decides: its workspaces everywhere, a workspace's records by workspace", async function () {
    await expectPlacedAsPlanned(CRM_DISTRIBUTION);
  });

  it("keeps the rules the plain-PostgreSQL test reads, on the cluster's own catalog", async function () {
    const tables = (
      await db.raw<{ rows: Array<{ table: string }> }>('select tablename::text as "table" from pg_tables where schemaname = \'public\'')
    ).rows.map((row) => row.table);
    const catalog = await readCatalog(db, []);
    const portal = tables.filter((table) => table in PORTAL_DISTRIBUTION.tables);
    const crm = tables.filter((table) => !portal.includes(table));
    expect(portal.length + crm.length).to.be.greaterThan(45);
    expect(placementViolations({ ...catalog, tables: portal }, PORTAL_DISTRIBUTION.tables)).to.deep.equal([]);
    expect(placementViolations({ ...catalog, tables: crm }, CRM_DISTRIBUTION.tables)).to.deep.equal([]);
  });

  it('spreads the shards of the workspace tables over both workers', async function () {
    const nodes = (
      await db.raw<{ rows: Array<{ port: number }> }>(
        "select distinct nodeport as port from citus_shards where table_name in ('client_users'::regclass, 'invoices'::regclass)",
      )
    ).rows;
    expect(nodes).to.have.length(2);
  });

  it('distributes nothing again on a second migrate', async function () {
    expect(await distributeOnCitus(db)).to.deep.equal({ citus: true, placed: [] });
    expect(await distributeOnCitus(db, CRM_DISTRIBUTION)).to.deep.equal({ citus: true, placed: [] });
  });
});
