// Every client route declares its permission step in its chain (src/core/web/route-steps.ts),
// so the rule a page answers to is read where the route is, not inside its handler; and every
// state-changing one declares its action rule: the permission it needs and whose object it acts on
// (src/core/policies/client-actions.ts).
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

  it('every state-changing route for signed-in clients declares its action and whose object it acts on', () => {
    const changing = h.crm.portal.routes.client.filter((route) => !['GET', 'HEAD', 'OPTIONS'].includes(route.method));
    expect(changing.length).to.be.greaterThan(20);
    expect(changing.filter((route) => !route.actionRule).map((route) => `${route.method} ${route.path}`)).to.deep.equal([]);
    // Deleting an upload is its maker's (or a client admin's), with the upload right.
    expect(changing.find((route) => route.path === '/documents/uploads/:uploadId/delete')?.actionRule).to.deep.equal({
      permission: 'uploads',
      owner: 'own',
    });
  });
});
