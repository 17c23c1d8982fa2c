// A host whose adapter has no contacts.updateEmail (the test host): the sign-in email page says the
// agency must change it, and a posted change is refused (409) with the same reason; nothing changes.
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { acceptInvitation, ADMIN_PATH, createTestHost, csrfFrom, linkPath, type TestHost } from '../../../../test/support/test-host.ts';

describe('changing the sign-in email on a host that does not allow it', function () {
  let database: TestDatabase;
  let host: TestHost;

  before(async function () {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme'] });
  });
  after(async function () {
    await host?.close();
    await database?.drop();
  });

  it('explains that the agency changes it, and refuses a posted change', async function () {
    expect(host.portal.routes.client.some((r) => r.path === '/account/email')).to.equal(true);
    const acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
    const admin = await host.createStaff(acme, 'admin');
    const client = await host.createClient(acme, 'Northwind Traders');
    const nina = await host.createContact(client, { name: 'Nina North', email: 'nina@northwind.test' });
    const staff = await host.staffAgent(admin);
    const clients = await staff.get(`${ADMIN_PATH}/clients`).expect(200);
    await staff
      .post(`${ADMIN_PATH}/clients/invite`)
      .type('form')
      .send({ _csrf: csrfFrom(clients.text), contactId: nina.id })
      .expect(303);
    const agent = await acceptInvitation(host.app, linkPath((await host.mailTo('nina@northwind.test'))[0]), 'a long enough password');

    const page = await agent.get('/portal/acme/account/email').expect(200);
    expect(page.text).to.contain('it is kept in your agency');
    expect(page.text).to.not.contain('name="email"');
    const refused = await agent
      .post('/portal/acme/account/email')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: 'nina.new@example.test', currentPassword: 'a long enough password' });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('it is kept in your agency');
    expect(
      await host
        .db('client_users')
        .where({ email: 'nina.new@example.test' })
        .count({ n: '*' })
        .then((r) => Number(r[0]!.n)),
    ).to.equal(0);
  });
});
