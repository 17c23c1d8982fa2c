// Every client route declares its permission step in its chain (src/core/policies/route-steps.ts),
// so the rule a page answers to is read where the route is, not inside its handler.
import { expect } from 'chai';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('architecture: permission steps in the route chains', () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness();
  });
  after(() => h.close());

  it('every route for signed-in clients declares one', () => {
    const routes = h.crm.portal.routes.client;
    expect(routes.length).to.be.greaterThan(40);
    expect(routes.filter((route) => !route.permissionStep).map((route) => `${route.method} ${route.path}`)).to.deep.equal([]);
  });
});
