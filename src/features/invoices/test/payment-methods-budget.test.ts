// SQL round trips of the payment methods page and its forms, flat as a company's methods grow:
// the page reads the payment settings, the methods (one statement, at most 50), the autopay
// enrolment and the host's upcoming invoices (InvoicesPort.upcoming: the reference CRM's
// recurring_invoices, one statement, at most three rows); making a method the default locks, reads and writes in one transaction.
import { expect } from 'chai';
import { allowAutopay, mariasCompany } from './autopay-world.ts';
import { randomUUID } from 'node:crypto';
import { countQueries, describeQueries, type QueryCounter } from '../../../../test/support/query-counter.ts';
import { budgetCheck, WOKEN_BY_COMMIT } from '../../../../test/support/budgets.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

/** The outbox and notification workers run on their own timers; their statements are not the request's. */
const LEAVE_OUT = WOKEN_BY_COMMIT;
const isRequestQuery = (sql: string) => !LEAVE_OUT.test(sql.trim());

describe('query budgets: payment methods and autopay', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let counter: QueryCounter;
  let agent: ReturnType<PortalHarness['agent']>;
  let scope: { workspaceId: string; clientId: string };

  async function addMethods(count: number) {
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      await h.crm.db('client_payment_methods').insert({
        workspace_id: scope.workspaceId,
        id,
        client_id: scope.clientId,
        provider: 'demo',
        customer_id: 'demo_cus_budget',
        provider_method_id: `demo_pm_${id}:card`,
        kind: 'card',
        brand: 'visa',
        last4: String(1000 + i),
      });
    }
  }

  before(async function () {
    h = await startPortalHarness();
    const maria = await mariasCompany(h);
    scope = maria.scope;
    await allowAutopay(h, scope.workspaceId);
    agent = await signedInAgent(h.agent(), 'demo', maria.login);
    await addMethods(1);
    await agent.get('/portal/demo/payment-methods').expect(200);
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await h?.close();
  });

  const expectBudget = budgetCheck(() => counter, LEAVE_OUT);

  // 6: the five the page always read, and the sixth, the host's recurring invoices for "Coming next".
  it('the page: the session with its client user, the contact, the payment settings, the methods, autopay, the upcoming invoices; the same with 30 methods', async function () {
    await expectBudget('GET payment-methods', 6, () => agent.get('/portal/demo/payment-methods').expect(200));
    await addMethods(29);
    await expectBudget('GET payment-methods (30 methods)', 6, () => agent.get('/portal/demo/payment-methods').expect(200));
  });

  it('making a method the default: the session, the contact, the payment settings, then a lock, the method, two writes and the activity', async function () {
    const page = await agent.get('/portal/demo/payment-methods').expect(200);
    const method = await h.crm
      .db('client_payment_methods')
      .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, is_default: false })
      .first('id');
    const counted = await counter.measure(() =>
      agent
        .post(`/portal/demo/payment-methods/${method.id}/default`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(303),
    );
    const own = counted.sql.filter(isRequestQuery);
    expect(own.length, describeQueries('POST default', { ...counted, sql: own, count: own.length })).to.equal(8);
  });
});
