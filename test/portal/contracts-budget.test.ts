// Round trips per request for the contracts pages (the list, a contract, a line's periods with the
// entries behind one and those entries as CSV, and the dashboard with its hours left): counted as knex query events on the app's connection, first with the demo's
// support contract, then with thirty more contracts of three lines each, two hundred more time
// entries and twenty asks for more hours on the contract shown (one waiting). The count must not
// grow with the data, and stays under a budget.
import { expect } from 'chai';
import { ensureSeedContract } from '../../plugins/reference-crm/queries/contracts.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { forgetKeptDashboards } from '../support/kept-dashboards.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('contracts query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let contractUrl: string;
  let lineUrl: string;
  let trips: RoundTripCounter;
  // The session, its person and the workspace come from caches once warm. A list or a contract is
  // its contracts, their lines and today's usage of their allowances; a line's page adds the line
  // (scoped through its contract) and its sums per period, then the line again and its entries.
  // A contract's page reads its asks for more hours beside it, in one statement.
  const budgets = (): Record<string, number> => ({
    // As after a change: what is kept, the reads kept, the unread messages (the host's one statement
    // is read together, on the pool, which this count does not see), and its hours left: the list's three.
    '/portal/demo/': 6,
    '/portal/demo/contracts': 3,
    [contractUrl]: 4,
    [lineUrl]: 7,
    // The line's page without the page: the same reads, as a file.
    [`${lineUrl}/entries.csv`]: 7,
  });

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    const db = h.crm.db;
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_contracts: true, show_time_entries_to_clients: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const contract = await db('contracts').where({ workspace_id: workspace.id, number: 'CT-2026-001' }).first('id');
    const line = await db('contract_lines')
      .where({ workspace_id: workspace.id, contract_id: contract.id, name: 'Support hours' })
      .first('id');
    contractUrl = `/portal/demo/contracts/${contract.id}`;
    lineUrl = `${contractUrl}/lines/${line.id}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h.close();
  });

  /** A page's round trips; the dashboard's kept reads forgotten after the warm-up, so it reads them again. */
  const roundTrips = (url: string) => trips.get(agent, url, url === '/portal/demo/' ? () => forgetKeptDashboards(h.crm.db) : undefined);

  it('stays within budget, and does not grow with the number of contracts, lines and entries', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const contact = await db('contacts').where({ workspace_id: workspace.id, email: 'maria@northwind.test' }).first('client_id');
    const today = new Date().toISOString().slice(0, 10);
    for (let i = 0; i < 30; i++)
      await ensureSeedContract(db, workspace.id, {
        clientId: contact.client_id,
        number: `CT-BUDGET-${i}`,
        name: `Budget contract ${i}`,
        description: '',
        status: i % 5 === 0 ? 'ended' : 'active',
        startsOn: '2025-01-01',
        endsOn: null,
        lines: [
          { name: 'Hours', allowance: 20, entries: [{ day: today, amount: 1.5, description: 'Work' }] },
          { name: 'Visits', allowance: 4, measure: 'units', unitName: 'visits', period: 'quarter' },
          { name: 'Licence', quantity: 3 },
        ],
      });
    const line = Number(lineUrl.split('/').pop());
    await db('time_entries').insert(
      Array.from({ length: 200 }, (_, i) => ({
        workspace_id: workspace.id,
        contract_line_id: line,
        work_date: new Date(Date.parse(`${today}T00:00:00Z`) - (i % 60) * 86_400_000).toISOString().slice(0, 10),
        amount: 0.25,
        description: `Budget entry ${i}`,
      })),
    );
    const contractId = contractUrl.split('/').pop()!;
    await db('portal_contract_hour_requests').insert(
      Array.from({ length: 20 }, (_, i) => ({
        workspace_id: String(workspace.id),
        client_id: String(contact.client_id),
        contract_id: contractId,
        line_id: String(line),
        hours: 1 + i,
        scope: 'from_now_on',
        state: i === 0 ? 'pending' : 'answered',
        answer: i === 0 ? null : 'agreed',
        answer_note: i === 0 ? null : `Answer ${i}`,
      })),
    );
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
