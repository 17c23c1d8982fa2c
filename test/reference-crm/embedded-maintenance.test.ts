// The embedded database runs no autovacuum, so the reference CRM vacuums and analyzes it now and
// then: the planner sees the tables as they have grown, not as they were first seeded.
import { expect } from 'chai';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('the embedded database, kept as autovacuum would', function () {
  this.timeout(60_000);
  let database: TestDatabase | undefined;
  let h: PortalHarness | undefined;

  after(async function () {
    await h?.close();
    await database?.drop();
  });

  it('is analyzed now and then, so its statistics follow what the tables hold', async function () {
    database = await createSeededTestDatabase();
    // Skipped on a PostgreSQL server: the server's own autovacuum keeps its statistics, and the CRM
    // maintains only the embedded database, which has none.
    if (database.mode !== 'embedded') this.skip();
    h = await startPortalHarness({ database, boot: { embeddedMaintenanceMs: 200 } });
    const statistics = async () => {
      const { rows } = await h!.crm.db.raw<{ rows: Array<{ reltuples: number }> }>(
        "select reltuples from pg_class where relname = 'client_activity_logs'",
      );
      return Number(rows[0]!.reltuples);
    };
    await h.crm.db.raw(
      `insert into client_activity_logs (workspace_id, event, email) select '1', 'sign_in.failed', 'probe-' || n || '@example.test' from generate_series(1, 500) as n`,
    );
    const rows = Number((await h.crm.db('client_activity_logs').count<{ count: string }[]>({ count: '*' }))[0]!.count);
    const deadline = Date.now() + 20_000;
    while ((await statistics()) < rows && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statistics(), 'rows the planner knows of').to.equal(rows);
  });
});
