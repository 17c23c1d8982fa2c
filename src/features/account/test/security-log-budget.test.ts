import { countQueries, type QueryCounter } from '../../../../test/support/query-counter.ts';
import { budgetCheck, WOKEN_BY_COMMIT } from '../../../../test/support/budgets.ts';
import { signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

/** Statements of background workers that may overlap a measured request; the log's own reads are counted. */
const LEAVE_OUT = new RegExp(`${WOKEN_BY_COMMIT.source}|^insert into client_activity_logs`, 'i');

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

  const expectBudget = budgetCheck(() => counter, LEAVE_OUT);

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
