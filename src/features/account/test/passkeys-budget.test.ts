// SQL round trips of the passkeys page and of a passkey sign-in's options: the page reads the
// session with its client user, the contact, the company's sign-in rule (single sign-on's
// directory, cached) and the person's passkeys; the options of a sign-in read nothing but the
// rate limit and write the session.
import { expect } from 'chai';
import { countQueries, describeQueries, type QueryCounter } from '../../../../test/support/query-counter.ts';
import { budgetCheck, WOKEN_BY_COMMIT } from '../../../../test/support/budgets.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

/** Statements of background workers that may overlap a measured request (see two-factor-budget.test.ts). */
const LEAVE_OUT = new RegExp(`${WOKEN_BY_COMMIT.source}|client_activity_logs`, 'i');
const isRequestQuery = (sql: string) => !LEAVE_OUT.test(sql.trim());

describe('query budgets: passkeys', function () {
  let h: PortalHarness;
  let counter: QueryCounter;
  let agent: ReturnType<PortalHarness['agent']>;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    await agent.get('/portal/demo/account/passkeys').expect(200); // the single sign-on directory, cached from here on
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await h?.close();
  });

  const expectBudget = budgetCheck(() => counter, LEAVE_OUT);

  it('passkeys page: the session with its client user, the contact, the passkeys', async function () {
    await expectBudget('GET account/passkeys', 3, () => agent.get('/portal/demo/account/passkeys').expect(200));
  });

  it("a sign-in's options: the per-address limit and the session written", async function () {
    const visitor = h.agent();
    const page = await visitor.get('/portal/demo/sign-in').expect(200);
    const csrf = csrfFrom(page.text);
    const counted = await counter.measure(() =>
      visitor.post('/portal/demo/sign-in/passkey/options').set('X-CSRF-Token', csrf).type('form').send({ _csrf: csrf }).expect(200),
    );
    const own = counted.sql.filter(isRequestQuery);
    expect(own.length, describeQueries('POST sign-in/passkey/options', { count: own.length, sql: own })).to.be.at.most(3);
    expect(own.some((sql) => /portal_rate_limits/.test(sql))).to.equal(true);
  });
});
