// The reference CRM's staff dashboard counts the workspace's clients, contacts, open offers, unpaid
// invoices and open tasks in one statement, each up to SUMMARY_COUNT_LIMIT and one more, as the
// portal's dashboard counts: below the limit the real number, past it "More than 1,000", and a
// workspace with an imported heap of unpaid invoices and open tasks costs what one with a few
// does. Rows read are counted from the statement's plan, run again under EXPLAIN ANALYZE.
import { expect } from 'chai';
import { SUMMARY_COUNT_LIMIT } from '../../src/index.ts';
import { type DashboardCounts, dashboardCounts } from '../../plugins/reference-crm/queries/dashboard.ts';
import { analyzed, recordedDuring, rowsRead } from '../support/plans.ts';
import { DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

/** More unpaid invoices and open tasks than the dashboard counts, and years of paid invoices beside them. */
const HEAP = SUMMARY_COUNT_LIMIT + 500;
const PAID = 10 * SUMMARY_COUNT_LIMIT;
const COUNTED = SUMMARY_COUNT_LIMIT + 1;

/** The dashboard's overview as the staff member reads it: label → the figure beside it. */
function overviewOf(html: string): Record<string, string> {
  const figures = [...html.matchAll(/<span class="stat__value">([^<]*)<\/span> <span class="stat__label">([^<]*)<\/span>/g)];
  return Object.fromEntries(figures.map((match) => [match[2]!, textOf(match[1]!).trim()]));
}

describe('reference CRM staff dashboard counts', function () {
  this.timeout(180_000);
  let crm: CrmTestContext;
  let demo: SignedIn;
  let demoId: number;
  let acmeId: number;

  /** Every count of a workspace, counted in full. */
  async function countedInFull(workspaceId: number): Promise<DashboardCounts> {
    const count = async (table: string, where: string) =>
      Number((await crm.db.raw(`select count(*) as n from ${table} where workspace_id = ? and ${where}`, [workspaceId])).rows[0].n);
    return {
      clients: await count('clients', 'true'),
      contacts: await count('contacts', 'true'),
      open_proposals: await count('proposals', "status = 'sent'"),
      open_quotations: await count('quotations', "status = 'sent'"),
      unpaid_invoices: await count('invoices', "status in ('sent', 'overdue')"),
      open_tasks: await count('tasks', "status <> 'done'"),
    };
  }

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
    const workspaces = await crm.db('workspaces').select<Array<{ id: number; slug: string }>>('id', 'slug');
    demoId = workspaces.find((w) => w.slug === 'demo')!.id;
    acmeId = workspaces.find((w) => w.slug === 'acme')!.id;
  });

  after(async function () {
    await crm?.close();
  });

  it('below the limit, the real number of each, in its own workspace', async function () {
    for (const workspaceId of [demoId, acmeId]) {
      const full = await countedInFull(workspaceId);
      expect(Object.values(full).some((n) => n > 0)).to.equal(true);
      expect(await dashboardCounts(crm.db, { workspaceId, countLimit: COUNTED })).to.deep.equal(full);
    }
    const full = await countedInFull(demoId);
    expect(overviewOf((await demo.agent.get('/').expect(200)).text)).to.deep.equal({
      Clients: String(full.clients),
      Contacts: String(full.contacts),
      'Proposals awaiting a decision': String(full.open_proposals),
      'Quotations awaiting a decision': String(full.open_quotations),
      'Unpaid invoices': String(full.unpaid_invoices),
      'Open tasks': String(full.open_tasks),
    });
  });

  describe('with more unpaid invoices and open tasks than it counts', function () {
    /** The seed's own tasks, every workspace's and done ones among them, which a scan of the tasks may pass over. */
    let seedTasks = 0;

    before(async function () {
      const clientId = await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo');
      seedTasks = Number((await crm.db('tasks').count<Array<{ count: string }>>('* as count'))[0]!.count);
      await crm.db.raw(
        `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date, total_cents, paid_cents)
         select ?, ?, 'HEAP-' || g, case when g <= ? then 'sent' else 'paid' end, 'USD',
                date '2020-01-01' + g, date '2020-01-31' + g, 12000, case when g <= ? then 0 else 12000 end
           from generate_series(1, ?) g`,
        [demoId, clientId, HEAP, HEAP, HEAP + PAID],
      );
      await crm.db.raw(
        `insert into tasks (workspace_id, client_id, title, status, due_date)
         select ?, ?, 'Imported task ' || g, 'open', date '2030-01-01' + g from generate_series(1, ?) g`,
        [demoId, clientId, HEAP],
      );
      await crm.db.raw('analyze invoices, tasks');
    });

    it('counts them to the limit and one more, and the page says "More than 1,000"', async function () {
      const counts = await dashboardCounts(crm.db, { workspaceId: demoId, countLimit: COUNTED });
      expect(counts.unpaid_invoices).to.equal(COUNTED);
      expect(counts.open_tasks).to.equal(COUNTED);
      const full = await countedInFull(demoId);
      expect(full.unpaid_invoices).to.be.greaterThan(HEAP);
      expect(counts.clients).to.equal(full.clients);
      const overview = overviewOf((await demo.agent.get('/').expect(200)).text);
      expect(overview['Unpaid invoices']).to.equal('More than 1,000');
      expect(overview['Open tasks']).to.equal('More than 1,000');
      expect(overview.Clients).to.equal(String(full.clients));
      // The heap is the demo workspace's: Acme's counts are still its own, in full.
      expect(await dashboardCounts(crm.db, { workspaceId: acmeId, countLimit: COUNTED })).to.deep.equal(await countedInFull(acmeId));
    });

    it('in one statement, which reads at most the limit and one more of the invoices and the tasks', async function () {
      const { recorded } = await recordedDuring(() => demo.agent.get('/').expect(200));
      const statements = recorded.filter((statement) => statement.sql.includes('unpaid_invoices'));
      expect(statements, `the counts' statement among ${recorded.length}`).to.have.length(1);
      for (const name of ['clients', 'contacts', 'open_proposals', 'open_quotations', 'open_tasks'])
        expect(statements[0]!.sql, name).to.include(name);
      const plan = await analyzed(crm.pool, statements[0]!);
      // The unpaid ones through the partial index of open invoices, none of the paid.
      expect(rowsRead(plan, 'invoices'), 'invoices read').to.be.at.most(COUNTED);
      expect(rowsRead(plan, 'tasks'), 'tasks read').to.be.at.most(COUNTED + seedTasks);
    });
  });
});
