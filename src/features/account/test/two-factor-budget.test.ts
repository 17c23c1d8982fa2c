// SQL round trips of the two-factor and sign-in-email pages, and what two-factor costs the rest of
// the portal: nothing while the workspace does not require it, one indexed look-up per request
// while it does.
import { expect } from 'chai';
import { countQueries, describeQueries, type QueryCounter } from '../../../../test/support/query-counter.ts';
import { budgetCheck, WOKEN_BY_COMMIT } from '../../../../test/support/budgets.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

/**
 * The outbox worker and the staff-notification dispatcher run on their own (the set-up started in
 * `before` is an activity they pick up) and may overlap a measured request; their statements, and
 * the transactions around them, are not the request's. These GET pages open no transaction and
 * write no activity.
 */
const LEAVE_OUT = new RegExp(`${WOKEN_BY_COMMIT.source}|client_activity_logs`, 'i');
const isRequestQuery = (sql: string) => !LEAVE_OUT.test(sql.trim());

describe('query budgets: two-factor and sign-in email pages', function () {
  let h: PortalHarness;
  let counter: QueryCounter;
  let login: { email: string; password: string };
  let agent: ReturnType<PortalHarness['agent']>;

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    await agent.get('/portal/demo/account/two-factor/setup').expect(200); // creates the secret being set up
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await h?.close();
  });

  const expectBudget = budgetCheck(() => counter, LEAVE_OUT);

  it('two-factor page: the session with its client user, the contact, the authenticator', async function () {
    // The session with its client user, the contact (2) + the two-factor row (1); whether a password is set is read from the loaded user.
    await expectBudget('GET account/two-factor', 3, () => agent.get('/portal/demo/account/two-factor').expect(200));
  });

  it('set-up page: the session with its client user, the contact, the authenticator being set up', async function () {
    await expectBudget('GET account/two-factor/setup', 3, () => agent.get('/portal/demo/account/two-factor/setup').expect(200));
  });

  it('sign-in email page: the session with its client user, the contact', async function () {
    await expectBudget('GET account/email', 2, () => agent.get('/portal/demo/account/email').expect(200));
  });

  it('while the workspace requires two-factor: one more look-up per page (the dashboard as example)', async function () {
    const free = await counter.measure(() => agent.get('/portal/demo/').expect(200));
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspace.id, require_two_factor: true })
      .onConflict('workspace_id')
      .merge(['require_two_factor']);
    await h.crm.portal.workspaceChanged(workspace.id);
    try {
      await agent.get('/portal/demo/account/two-factor/setup').expect(200); // reloads the cached settings
      const page = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
      void csrfFrom(page.text);
      const gated = await counter.measure(() => agent.get('/portal/demo/').expect(303));
      // Gated before any page query: the session with its client user, the contact, the two-factor look-up.
      const own = gated.sql.filter(isRequestQuery);
      expect(own.length, describeQueries('GET / while required', { count: own.length, sql: own })).to.equal(3);
      expect(own.at(-1)).to.match(/from "client_two_factor"/);
      expect(free.count).to.be.greaterThan(own.length);
    } finally {
      await h.crm.db('workspace_client_portal_settings').where({ workspace_id: workspace.id }).update({ require_two_factor: false });
      await h.crm.portal.workspaceChanged(workspace.id);
    }
  });
});
