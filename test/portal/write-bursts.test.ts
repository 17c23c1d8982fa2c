// Forty identical submissions at once, and one body near the form limit, for each client write
// route of saved payment methods, autopay, passkeys and paying several invoices by one transfer, on real PostgreSQL (the routes as the
// isolation matrix declares them: their URL, a record made ready, their form). Forty at once: no
// 5xx, every answer one the owner may get (what the route answers alone, a 409 or a 429; for a
// removal, 404 once the first has removed it), and no pooled connection left waiting afterwards
// (the locks each takes are taken in one order, so none waits on another for ever). A body near
// the form limit (an extra field the form does not read) gets the route's own answer within
// seconds, never a 5xx; one past it a 413 that says so. The routes' own tests check that forty
// make one effect (autopay.test.ts, passkeys.test.ts, several-transfer.test.ts).
import { expect } from 'chai';
import type { MatrixRoute, MatrixWorld } from '../route-matrix/matrix.ts';
import { routes as paymentMethodRoutes } from '../route-matrix/payment-methods.routes.ts';
import { routes as passkeyRoutes } from '../route-matrix/passkeys.routes.ts';
import { routes as paymentRoutes } from '../route-matrix/payments.routes.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { allowAutopay, mariasCompany } from '../../src/features/invoices/test/autopay-world.ts';

/** The form parser's limit for a client form (workspace-router.ts). */
const FORM_LIMIT_BYTES = 32 * 1024;
const WRITES = [
  ...paymentMethodRoutes,
  ...passkeyRoutes,
  ...paymentRoutes.filter((route) => route.path.startsWith('/invoices/pay/transfer')),
].filter((route) => route.method === 'POST');

describe('bursts and large bodies on the client write routes of saved methods, autopay and passkeys', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let world: MatrixWorld;
  let owner: ReturnType<PortalHarness['agent']>;

  const login = (email: string, slug = 'demo') => {
    const found = h.crm.clientLogins.find((l) => l.workspaceSlug === slug && l.email === email)!;
    return { email: found.email, password: found.password };
  };

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    const maria = await mariasCompany(h);
    await allowAutopay(h, maria.scope.workspaceId);
    world = {
      h,
      owner: login('maria@northwind.test'),
      otherClient: login('priya@bluebell.test'),
      otherWorkspace: login('hana@lumencoffee.test', 'acme'),
    };
    owner = await signedInAgent(h.agent(), 'demo', world.owner);
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
  });

  const formOf = async (route: MatrixRoute) => (route.formFor ? route.formFor(world) : (route.form ?? {}));
  const csrf = async () => csrfFrom((await owner.get('/portal/demo/account').expect(200)).text);
  const pool = () => (h.crm.db.client as { pool: { numPendingAcquires(): number; numPendingCreates(): number } }).pool;

  for (const route of WRITES) {
    it(`POST ${route.path}: forty at once answer without a 5xx and leave no connection waiting`, async function () {
      const url = `/portal/demo${await route.url(world)}`;
      const form = { ...(await formOf(route)), _csrf: await csrf() };
      const answers = await Promise.all(Array.from({ length: 40 }, () => owner.post(url).type('form').send(form)));
      const statuses = answers.map((res) => res.status);
      const alone = route.ownerStatus ?? [303];
      const gone = route.path.endsWith('/remove') ? [404] : [];
      expect(
        statuses.filter((status) => !alone.includes(status) && ![409, 429, ...gone].includes(status)),
        `${route.path}: answers besides ${[...alone, ...gone].join('/')}, 409 and 429`,
      ).to.deep.equal([]);
      expect(statuses.filter((status) => alone.includes(status)).length, `${route.path}: one answered as alone`).to.be.at.least(1);
      expect(pool().numPendingAcquires(), 'connections still waited for').to.equal(0);
    });

    it(`POST ${route.path}: a body near the form limit is answered within seconds, one past it 413`, async function () {
      const url = `/portal/demo${await route.url(world)}`;
      const form = { ...(await formOf(route)), _csrf: await csrf() };
      const started = Date.now();
      const near = await owner
        .post(url)
        .type('form')
        .send({ ...form, note: 'x'.repeat(FORM_LIMIT_BYTES - 1_000) });
      const answeredIn = Date.now() - started;
      expect([...(route.ownerStatus ?? [303]), 400], `${route.path} near the limit`).to.include(near.status);
      expect(answeredIn, 'milliseconds to answer').to.be.below(5_000);
      const past = await owner
        .post(`/portal/demo${await route.url(world)}`)
        .type('form')
        .send({ ...form, note: 'x'.repeat(FORM_LIMIT_BYTES + 1_000) });
      expect(past.status, `${route.path} past the limit`).to.equal(413);
      expect(past.text).to.not.match(/\bat \w+ \(/);
    });
  }
});
