// The clients page (GET /settings/client-portal/clients) and its actions: the host's contacts
// grouped by client with their portal status, the client filter, inviting (one email whose link
// opens the set-password page), sending the invitation again, disabling (which ends every session
// of that client) and re-enabling; ids from another workspace are not found, actions that do not
// fit the status are refused, and notices come only from a fixed list.
import { expect } from 'chai';
import supertest from 'supertest';
import { findClientUserByContact, type HostClient, type HostContact, type HostStaffUser, type HostWorkspace } from '../../../core/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { acceptInvitation, ADMIN_PATH, createTestHost, csrfFrom, linkPath, type TestHost } from '../../../../test/support/test-host.ts';

const CLIENTS = `${ADMIN_PATH}/clients`;

describe('admin client users', () => {
  let database: TestDatabase;
  let host: TestHost;
  let acme: HostWorkspace;
  let admin: HostStaffUser;
  let agent: supertest.Agent;
  let csrf: string;
  let northwind: HostClient;
  let globex: HostClient;
  let nina: HostContact;
  let noah: HostContact;
  let greta: HostContact;
  let otherContact: HostContact;
  let otherClient: HostClient;

  const sessionsOf = async (clientUserId: string) => {
    const rows = await host.db('client_sessions').whereRaw("sess->'portal'->>'clientUserId' = ?", [clientUserId]).select('sid');
    return rows.length;
  };

  before(async () => {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme', 'rival'] });
    acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
    const rival = await host.createWorkspace({ slug: 'rival', name: 'Rival Agency' });
    admin = await host.createStaff(acme, 'admin');
    northwind = await host.createClient(acme, 'Northwind Traders');
    globex = await host.createClient(acme, 'Globex');
    nina = await host.createContact(northwind, { name: 'Nina North', email: 'nina@northwind.test' });
    noah = await host.createContact(northwind, { name: 'Noah North', email: 'noah@northwind.test' });
    greta = await host.createContact(globex, { name: 'Greta Globe', email: 'greta@globex.test' });
    otherClient = await host.createClient(rival, 'Rival Client');
    otherContact = await host.createContact(otherClient, { name: 'Rita Rival', email: 'rita@rival.test' });
    agent = await host.staffAgent(admin);
    csrf = csrfFrom((await agent.get(CLIENTS).expect(200)).text);
  });

  after(async () => {
    await host?.close();
    await database?.drop();
  });

  it('lists the contacts grouped by client, sorted by name, all not invited at first', async () => {
    const res = await agent.get(CLIENTS).expect(200);
    const globexAt = res.text.indexOf('>Globex</h2>');
    const northwindAt = res.text.indexOf('>Northwind Traders</h2>');
    expect(globexAt).to.be.greaterThan(-1);
    expect(northwindAt).to.be.greaterThan(globexAt);
    expect(res.text.indexOf('Nina North')).to.be.lessThan(res.text.indexOf('Noah North'));
    expect(res.text.match(/>Not invited</g)).to.have.length(3);
    expect(res.text).not.to.contain('Rita Rival');
    expect(res.text).to.contain('<th scope="col">Portal access</th>');
  });

  it('filters by client', async () => {
    const res = await agent.get(`${CLIENTS}?client=${globex.id}`).expect(200);
    expect(res.text).to.contain('Greta Globe');
    expect(res.text).not.to.contain('Nina North');
    expect(res.text).to.match(new RegExp(`<option value="${globex.id}" selected>Globex</option>`));
  });

  it("another workspace's client in the filter → 404", async () => {
    await agent.get(`${CLIENTS}?client=${otherClient.id}`).expect(404);
  });

  it('invites a contact: one email whose link opens the set-password page', async () => {
    const res = await agent
      .post(`${CLIENTS}/invite`)
      .type('form')
      .send({ _csrf: csrf, contactId: nina.id, client: northwind.id })
      .expect(303);
    expect(res.headers.location).to.equal(`${CLIENTS}?client=${northwind.id}&notice=invited`);

    const mails = await host.mailTo('nina@northwind.test');
    expect(mails).to.have.length(1);
    expect(mails[0]!.text).to.contain('Ada Admin at Acme Agency invited you');
    const link = linkPath(mails[0]);
    expect(link).to.match(/^\/portal\/acme\/invitation\/[A-Za-z0-9_-]+$/);
    const page = await supertest(host.app).get(link).expect(200);
    expect(page.text).to.contain('Welcome! Set your password');
    expect(page.text).to.contain('nina@northwind.test');

    const list = await agent.get(res.headers.location!).expect(200);
    expect(list.text).to.contain('The invitation is on its way.');
    expect(list.text).to.match(/>Invited<\/span><\/span>\s*<span class="status__detail">Invited [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expect(list.text).to.contain('Resend invitation');
  });

  it('a second identical invitation within a few seconds (a double click) sends nothing and answers as the first', async () => {
    // Both clicks are made here, back to back: the first test's invitation may be older than the
    // few seconds a repeat counts as a double click on a loaded machine.
    await host.db('portal_request_guards').delete();
    const before = (await host.mailTo('nina@northwind.test')).length;
    const first = await agent
      .post(`${CLIENTS}/invite`)
      .type('form')
      .send({ _csrf: csrf, contactId: nina.id, client: northwind.id })
      .expect(303);
    const again = await agent
      .post(`${CLIENTS}/invite`)
      .type('form')
      .send({ _csrf: csrf, contactId: nina.id, client: northwind.id })
      .expect(303);
    expect(first.headers.location).to.equal(`${CLIENTS}?client=${northwind.id}&notice=resent`);
    expect(again.headers.location).to.equal(first.headers.location);
    expect(await host.mailTo('nina@northwind.test')).to.have.length(before + 1);
  });

  it('sends the invitation again to an invited contact', async () => {
    // After the few seconds in which a repeat counts as a double click.
    await host.db('portal_request_guards').delete();
    const before = (await host.mailTo('nina@northwind.test')).length;
    const res = await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: nina.id }).expect(303);
    expect(res.headers.location).to.equal(`${CLIENTS}?notice=resent`);
    expect(await host.mailTo('nina@northwind.test')).to.have.length(before + 1);
    expect((await findClientUserByContact(host.db, acme.id, nina.id))?.status).to.equal('invited');
  });

  it("another workspace's contact → 404, and no email", async () => {
    const sent = (await host.mailSent()).length;
    await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: otherContact.id }).expect(404);
    await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: '999999' }).expect(404);
    expect((await host.mailSent()).length).to.equal(sent);
  });

  it('a missing contact id → 400 with a message', async () => {
    const res = await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf }).expect(400);
    expect(res.text).to.contain('Choose a contact from the list.');
  });

  it('refuses to invite a contact whose email another client user already signs in with', async () => {
    const twin = await host.createContact(globex, { name: 'Nina Twin', email: 'NINA@northwind.test' });
    const res = await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: twin.id }).expect(409);
    expect(res.text).to.contain('Another contact already signs in to the portal with NINA@northwind.test');
    await host
      .db('contacts')
      .where({ id: Number(twin.id) })
      .delete();
  });

  describe('disable and re-enable', () => {
    let client: supertest.Agent;
    let ninaUserId: string;

    before(async () => {
      client = await acceptInvitation(host.app, linkPath((await host.mailTo('nina@northwind.test')).at(-1)));
      ninaUserId = (await findClientUserByContact(host.db, acme.id, nina.id))!.id;
    });

    it('the invited client has signed in and uses the portal', async () => {
      await client.get('/portal/acme/').expect(200);
      expect(await sessionsOf(ninaUserId)).to.equal(1);
      const list = await agent.get(CLIENTS).expect(200);
      expect(list.text).to.match(/>Active<\/span><\/span>\s*<span class="status__detail">Last signed in [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    });

    it('refuses to invite an active client user again', async () => {
      const res = await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: nina.id }).expect(409);
      expect(res.text).to.contain('They already use the portal');
    });

    it('disabling ends their sessions: the next portal request goes to sign-in', async () => {
      const res = await agent.post(`${CLIENTS}/${ninaUserId}/disable`).type('form').send({ _csrf: csrf, client: northwind.id }).expect(303);
      expect(res.headers.location).to.equal(`${CLIENTS}?client=${northwind.id}&notice=disabled`);
      expect(await sessionsOf(ninaUserId)).to.equal(0);
      expect((await findClientUserByContact(host.db, acme.id, nina.id))?.status).to.equal('disabled');

      const next = await client.get('/portal/acme/').expect(303);
      expect(next.headers.location).to.match(/^\/portal\/acme\/sign-in\?next=/);

      const log = await host
        .db('client_activity_logs')
        .where({ workspace_id: acme.id, event: 'client_user.disabled', client_user_id: ninaUserId })
        .select('details');
      expect(log).to.have.length(1);
      expect(log[0].details).to.include({ staffId: admin.id, sessionsEnded: 1 });

      const list = await agent.get(res.headers.location!).expect(200);
      expect(list.text).to.contain('Their portal access is disabled');
      expect(list.text).to.contain('>Disabled</span>');
      expect(list.text).to.contain('Re-enable');
    });

    it('a disabled client user cannot be disabled again or invited', async () => {
      await agent.post(`${CLIENTS}/${ninaUserId}/disable`).type('form').send({ _csrf: csrf }).expect(409);
      const res = await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: nina.id }).expect(409);
      expect(res.text).to.contain('Re-enable it before sending an invitation');
    });

    it('re-enabling someone who had signed in makes them active again', async () => {
      const res = await agent.post(`${CLIENTS}/${ninaUserId}/enable`).type('form').send({ _csrf: csrf }).expect(303);
      expect(res.headers.location).to.equal(`${CLIENTS}?notice=enabled`);
      expect((await findClientUserByContact(host.db, acme.id, nina.id))?.status).to.equal('active');
      const log = await host
        .db('client_activity_logs')
        .where({ workspace_id: acme.id, event: 'client_user.enabled', client_user_id: ninaUserId })
        .count<{ count: number }[]>({ count: '*' });
      expect(Number(log[0]?.count)).to.equal(1);
      await agent.post(`${CLIENTS}/${ninaUserId}/enable`).type('form').send({ _csrf: csrf }).expect(409);
    });

    it('re-enabling someone who never accepted the invitation makes them invited again', async () => {
      await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: noah.id }).expect(303);
      const noahUser = (await findClientUserByContact(host.db, acme.id, noah.id))!;
      await agent.post(`${CLIENTS}/${noahUser.id}/disable`).type('form').send({ _csrf: csrf }).expect(303);
      await agent.post(`${CLIENTS}/${noahUser.id}/enable`).type('form').send({ _csrf: csrf }).expect(303);
      expect((await findClientUserByContact(host.db, acme.id, noah.id))?.status).to.equal('invited');
    });

    it('a disable and re-enable voids the invitation link sent before', async () => {
      await host.db('portal_request_guards').delete();
      await agent.post(`${CLIENTS}/invite`).type('form').send({ _csrf: csrf, contactId: noah.id }).expect(303);
      const link = linkPath((await host.mailTo(noah.email.toLowerCase())).at(-1));
      await supertest(host.app).get(link).expect(200);
      const noahUser = (await findClientUserByContact(host.db, acme.id, noah.id))!;
      await agent.post(`${CLIENTS}/${noahUser.id}/disable`).type('form').send({ _csrf: csrf }).expect(303);
      await agent.post(`${CLIENTS}/${noahUser.id}/enable`).type('form').send({ _csrf: csrf }).expect(303);
      await supertest(host.app).get(link).expect(410);
    });
  });

  it("another workspace's client user → 404 for disable and enable; a malformed id → 404", async () => {
    const rivalWorkspace = (await host.db('workspaces').where({ slug: 'rival' }).first('id')) as { id: number };
    const [row] = await host
      .db('client_users')
      .insert({
        workspace_id: String(rivalWorkspace.id),
        client_id: otherClient.id,
        contact_id: otherContact.id,
        email: 'rita@rival.test',
        status: 'active',
      })
      .returning('id');
    const rivalUserId = (row as { id: string }).id;
    await agent.post(`${CLIENTS}/${rivalUserId}/disable`).type('form').send({ _csrf: csrf }).expect(404);
    await agent.post(`${CLIENTS}/${rivalUserId}/enable`).type('form').send({ _csrf: csrf }).expect(404);
    await agent.post(`${CLIENTS}/not-a-uuid/disable`).type('form').send({ _csrf: csrf }).expect(404);
    const rita = await host.db('client_users').where({ id: rivalUserId }).first('status');
    expect(rita.status).to.equal('active');
  });

  it('shows only known notices and never reflects the query text', async () => {
    const res = await agent.get(`${CLIENTS}?notice=${encodeURIComponent('<script>alert(1)</script>')}`).expect(200);
    expect(res.text).not.to.contain('alert(1)');
    expect(res.text).not.to.contain('class="notice"');
  });

  it('htmx forms target the list and send the CSRF header from <body>', async () => {
    const res = await agent.get(CLIENTS).expect(200);
    expect(res.text).to.contain('hx-target="#client-users" hx-select="#client-users" hx-swap="outerHTML"');
    expect(res.text).to.match(/<body[^>]+hx-headers:inherited="\{&#34;X-CSRF-Token&#34;:&#34;[\w-]+&#34;\}"/);
    // The header alone is enough for an htmx request.
    await agent
      .post(`${CLIENTS}/invite`)
      .set('X-CSRF-Token', csrf)
      .set('HX-Request', 'true')
      .type('form')
      .send({ contactId: greta.id })
      .expect(303);
    expect(await host.mailTo('greta@globex.test')).to.have.length(1);
  });
});
