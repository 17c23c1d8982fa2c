// The test harness boots the CRM on a copy of the seeded template without reading the demo seed
// through again (test/support/portal-harness.ts): the logins it lists are then the ones the
// template's seed returned. They must be the logins the seed gives for that database, each of them
// signs in, and the seed finds nothing to add to the copy.
import { expect } from 'chai';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { seedPortalDemo } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { csrfFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('the CRM booted on a copy of the seeded database', function () {
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
  });
  after(async function () {
    await h?.close();
  });

  it('lists the logins the seed gives for its database, and the seed adds nothing to it', async function () {
    const counts = async () =>
      Promise.all(
        ['workspaces', 'staff_users', 'clients', 'contacts', 'client_users'].map(async (table) => [
          table,
          await h.crm.db(table).count({ n: '*' }),
        ]),
      );
    const before = await counts();
    const staff = await seedReferenceCrm(h.crm.db);
    const clients = await seedPortalDemo(h.crm.db, staff.clients);
    expect(h.crm.staffLogins).to.deep.equal(staff);
    expect(h.crm.clientLogins).to.deep.equal(clients);
    expect(h.crm.clientLogins).to.have.length.greaterThan(1);
    expect(await counts(), 'rows per table after seeding again').to.deep.equal(before);
  });

  it('signs in every staff and client login it lists', async function () {
    for (const staff of h.crm.staffLogins.staff) {
      const agent = h.agent();
      const page = await agent.get('/signin').expect(200);
      const res = await agent
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password });
      expect([res.status, res.headers.location], staff.email).to.deep.equal([303, '/']);
    }
    for (const login of h.crm.clientLogins) {
      const res = await postPasswordSignIn(h.agent(), login.workspaceSlug, login);
      expect(res.status, `${login.email} in ${login.workspaceSlug}`).to.equal(303);
    }
  });
});
