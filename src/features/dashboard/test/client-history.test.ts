// Covers the dashboard of a client with years of history: its statements read the same rows
// whether the client has a handful of past invoices and proposals or 20,000 of each. The dashboard
// is requested while its statements are recorded, each is run again under EXPLAIN ANALYZE, and the
// rows its plans take from the CRM's commercial tables are added up, before and after the history
// is seeded. What is open is read through its status; what counts the whole history stops at the
// summary's count limit, so the growth is bounded by that limit, not by the history. Both views read
// the host: the first has nothing kept, the second follows the host's report of its new records
// (kept-dashboard.ts). (Times are measured by bench/heavy-client.ts, not here.) Runs on both
// databases.
import { expect } from 'chai';
import { SUMMARY_COUNT_LIMIT } from '../../../core/index.ts';
import { demoNorthwind } from '../../../../test/support/demo-records.ts';
import { analyzed, recordedDuring, rowsRead } from '../../../../test/support/plans.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const HISTORY = 20_000;
const TABLES = ['invoices', 'proposals', 'quotations', 'tasks', 'documents'];

describe("a client's history and the dashboard", function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let agent: Awaited<ReturnType<typeof signedInAgent>>;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
  });
  after(async function () {
    await h.close();
  });

  /** Rows the dashboard's statements take from each commercial table, as their plans read them now. */
  async function rowsTheDashboardReads(): Promise<Record<string, number>> {
    const { recorded } = await recordedDuring(() => agent.get('/portal/demo/').expect(200));
    const totals = Object.fromEntries(TABLES.map((table) => [table, 0]));
    for (const statement of recorded.filter((q) => /^\s*(select|with)\b/i.test(q.sql))) {
      const plan = await analyzed(h.crm.sessionPool, statement, { generic: true });
      for (const table of TABLES) totals[table]! += rowsRead(plan, table);
    }
    return totals;
  }

  it('reads what is open and at most the count limit of the past, however long the history', async function () {
    const client = await demoNorthwind(h.crm.db);
    await h.crm
      .db('portal_client_summaries')
      .where({ workspace_id: String(client.workspace_id) })
      .delete();
    const before = await rowsTheDashboardReads();
    await h.crm.db.raw(
      `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date)
       select ?, ?, 'HIST-' || g, (array['paid', 'void'])[1 + g % 2], 'USD', date '2016-01-01' + (g % 3650), date '2016-01-31' + (g % 3650)
         from generate_series(1, ?) g`,
      [client.workspace_id, client.id, HISTORY],
    );
    await h.crm.db.raw(
      `insert into proposals (workspace_id, client_id, number, title, status, currency)
       select ?, ?, 'HISTP-' || g, 'Past work ' || g, (array['accepted', 'declined', 'expired'])[1 + g % 3], 'USD'
         from generate_series(1, ?) g`,
      [client.workspace_id, client.id, HISTORY],
    );
    await h.crm.db.raw('analyze invoices, proposals');
    await h.crm.portal.hostRecordChanged({
      workspaceId: String(client.workspace_id),
      clientId: String(client.id),
      kind: 'document',
      id: 'HIST-1',
    });
    const after = await rowsTheDashboardReads();

    // The count of proposals in all reads at most the limit and one more; nothing else grows. (On
    // the demo's few rows the planner may scan a whole small table, on the larger one it takes the
    // index: SLACK allows for that.)
    const SLACK = 50;
    expect(after.proposals! - before.proposals!, 'more rows read from proposals').to.be.at.most(SUMMARY_COUNT_LIMIT + 1 + SLACK);
    for (const table of ['invoices', 'quotations', 'tasks', 'documents'])
      expect(after[table]! - before[table]!, `more rows read from ${table}`).to.be.at.most(SLACK);

    // And the card says so in words, not with a number it did not count.
    const page = await agent.get('/portal/demo/').expect(200);
    expect(page.text).to.include('More than 1,000 proposals in all');
  });
});
