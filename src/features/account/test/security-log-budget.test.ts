// SQL round trips of the sign-in and security log: the session with its client user, the contact,
// and one page of the log, the same with 200 more entries (the page reads fifty from its index, and
// nothing per row). The company's log for its client admin costs the same. The agency's page of one
// person's log: the CRM's session and staff user and the header, the client user, their contact
// and one page of the log (the workspace's settings come from the cache), also the same with 200
// more entries.
import { expect } from 'chai';
import { countQueries, describeQueries, type QueryCounter } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

/** Statements of background workers that may overlap a measured request; the log's own reads are counted. */
const isRequestQuery = (sql: string) =>
  !/portal_mail_outbox|portal_notification_dispatch|^insert into client_activity_logs|^(BEGIN|COMMIT|ROLLBACK);?$/i.test(sql.trim());

/** The CRM's session and staff user, the header's two unread counts, the client user, their contact, the page. */
const STAFF_BUDGET = 7;

describe('query budgets: sign-in and security log', function () {
  let h: PortalHarness;
  let counter: QueryCounter;

  before(async function () {
    h = await startPortalHarness();
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await h?.close();
  });

  async function expectBudget(what: string, budget: number, action: () => Promise<unknown>) {
    const counted = await counter.measure(action);
    const own = { ...counted, sql: counted.sql.filter(isRequestQuery) };
    own.count = own.sql.length;
    expect(own.count, describeQueries(what, own)).to.equal(budget);
    expectEachNamesItsWorkspace(own.sql, what);
  }

  it('reads the same number of statements with 200 more entries, own, company and the agency’s page', async function () {
    const db = h.crm.db;
    const workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    const olivia = await db('client_users')
      .where({ workspace_id: workspaceId, email: 'olivia@northwind.test' })
      .first('id', 'client_id', 'email');
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === olivia.email)!;
    const agent = await signedInAgent(h.agent(), 'demo', login);
    const staff = await signedInStaffAgent(h, 'demo');
    const staffPage = `/settings/client-portal/clients/${olivia.id}/security-log`;
    await agent.get('/portal/demo/account/security-log').expect(200);
    await staff.get(staffPage).expect(200);
    await expectBudget('GET account/security-log', 3, () => agent.get('/portal/demo/account/security-log').expect(200));
    await expectBudget('GET account/security-log/company', 3, () => agent.get('/portal/demo/account/security-log/company').expect(200));
    await expectBudget('GET staff clients/:id/security-log', STAFF_BUDGET, () => staff.get(staffPage).expect(200));
    await db('client_activity_logs').insert(
      Array.from({ length: 200 }, (_, i) => ({
        workspace_id: workspaceId,
        client_user_id: olivia.id,
        client_id: olivia.client_id,
        email: olivia.email,
        event: i % 2 ? 'sign_in.succeeded' : 'passkey.added',
        details: JSON.stringify({ method: 'password' }),
        ip: '198.51.100.4',
        user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      })),
    );
    await expectBudget('GET account/security-log (200 more)', 3, () => agent.get('/portal/demo/account/security-log').expect(200));
    await expectBudget('GET account/security-log/company (200 more)', 3, () =>
      agent.get('/portal/demo/account/security-log/company').expect(200),
    );
    await expectBudget('GET staff clients/:id/security-log (200 more)', STAFF_BUDGET, () => staff.get(staffPage).expect(200));
  });
});
