// The activity log page (GET /settings/client-portal/activity): newest first, 25 a page with
// Previous/Next and "Page n of m", filters by client and by event type that carry over to the page
// links, who/client/event/IP/device for each entry (a contact's name, or the typed email for an
// unknown one), only this workspace's entries, and a clear 400 for a bad query, never a 500.
import { expect } from 'chai';
import type supertest from 'supertest';
import { type HostClient, type HostStaffUser, type HostWorkspace, insertActivity, insertClientUser } from '../../../core/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { ADMIN_PATH, createTestHost, type TestHost } from '../../../../test/support/test-host.ts';

const ACTIVITY = `${ADMIN_PATH}/activity`;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const rowsOf = (html: string) => (html.match(/<tr>\s*<td><time/g) ?? []).length;

describe('admin activity log', () => {
  let database: TestDatabase;
  let host: TestHost;
  let acme: HostWorkspace;
  let admin: HostStaffUser;
  let agent: supertest.Agent;
  let northwind: HostClient;
  let globex: HostClient;
  let rivalClient: HostClient;

  before(async () => {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme', 'rival', 'fresh', 'busy'] });
    acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
    const rival = await host.createWorkspace({ slug: 'rival', name: 'Rival Agency' });
    admin = await host.createStaff(acme, 'admin');
    northwind = await host.createClient(acme, 'Northwind Traders');
    globex = await host.createClient(acme, 'Globex');
    rivalClient = await host.createClient(rival, 'Rival Client');
    const nina = await host.createContact(northwind, { name: 'Nina North', email: 'nina@northwind.test' });
    const greta = await host.createContact(globex, { name: 'Greta Globe', email: 'greta@globex.test' });
    const ninaUser = await insertClientUser(host.db, {
      workspaceId: acme.id,
      clientId: northwind.id,
      contactId: nina.id,
      email: nina.email,
      status: 'active',
    });
    const gretaUser = await insertClientUser(host.db, {
      workspaceId: acme.id,
      clientId: globex.id,
      contactId: greta.id,
      email: greta.email,
      status: 'active',
    });

    // 40 sign-ins by Nina, 14 by Greta, 2 failures for an unknown email: 56 entries, 3 pages.
    for (let i = 0; i < 40; i++) {
      await insertActivity(host.db, {
        workspaceId: acme.id,
        event: 'sign_in.succeeded',
        clientUserId: ninaUser.id,
        clientId: northwind.id,
        email: nina.email,
        ip: '203.0.113.7',
        userAgent: FIREFOX,
      });
    }
    for (let i = 0; i < 14; i++) {
      await insertActivity(host.db, {
        workspaceId: acme.id,
        event: 'password.changed',
        clientUserId: gretaUser.id,
        clientId: globex.id,
        email: greta.email,
        ip: '198.51.100.4',
        userAgent: SAFARI_IPHONE,
      });
    }
    for (let i = 0; i < 2; i++) {
      await insertActivity(host.db, {
        workspaceId: acme.id,
        event: 'sign_in.failed',
        email: 'stranger@nowhere.test',
        ip: '192.0.2.99',
        userAgent: null,
      });
    }
    await insertActivity(host.db, { workspaceId: rival.id, event: 'sign_in.succeeded', email: 'rita@rival.test', ip: '192.0.2.1' });
    agent = await host.staffAgent(admin);
  });

  after(async () => {
    await host?.close();
    await database?.drop();
  });

  it('shows the newest 25 entries with who, client, event, IP and device', async () => {
    const res = await agent.get(ACTIVITY).expect(200);
    expect(rowsOf(res.text)).to.equal(25);
    expect(res.text).to.contain('Page 1 of 3');
    expect(res.text).to.contain('56 events');
    // Newest first: the two failures were logged last.
    const first = res.text.indexOf('<tbody>');
    const row = res.text.slice(first, res.text.indexOf('</tr>', first));
    expect(row).to.contain('Unknown person');
    expect(row).to.contain('stranger@nowhere.test');
    expect(row).to.contain('Sign-in failed');
    expect(row).to.contain('192.0.2.99');
    expect(row).to.contain('Unknown device');
    expect(row).to.match(/<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M<\/time>/);
    expect(res.text).to.contain('Greta Globe');
    expect(res.text).to.contain('Globex');
    expect(res.text).to.contain('Changed password');
    expect(res.text).to.contain('Safari on iOS');
    expect(res.text).not.to.contain('rita@rival.test');
    for (const header of ['Time (UTC)', 'Who', 'Client', 'Event', 'IP address', 'Device'])
      expect(res.text).to.contain(`<th scope="col">${header}</th>`);
  });

  it('pages through with Previous and Next', async () => {
    const first = await agent.get(ACTIVITY).expect(200);
    expect(first.text).to.contain(`href="${ACTIVITY}?page=2" rel="next"`);
    expect(first.text).not.to.contain('rel="prev"');

    const second = await agent.get(`${ACTIVITY}?page=2`).expect(200);
    expect(second.text).to.contain('Page 2 of 3');
    expect(second.text).to.contain(`href="${ACTIVITY}" rel="prev"`);
    expect(second.text).to.contain(`href="${ACTIVITY}?page=3" rel="next"`);
    expect(rowsOf(second.text)).to.equal(25);

    const last = await agent.get(`${ACTIVITY}?page=3`).expect(200);
    expect(rowsOf(last.text)).to.equal(6);
    expect(last.text).to.contain('Page 3 of 3');
    expect(last.text).not.to.contain('rel="next"');
    expect(last.text).to.contain('Nina North');
    expect(last.text).to.contain('Firefox on Linux');
    expect(last.text).to.contain('aria-label="Pages of the activity log"');
  });

  it('filters by client, and the page links keep the filter', async () => {
    const res = await agent.get(`${ACTIVITY}?client=${northwind.id}`).expect(200);
    expect(res.text).to.contain('40 events');
    expect(res.text).to.contain('Page 1 of 2');
    expect(res.text).not.to.contain('Greta Globe');
    expect(res.text).to.contain(`href="${ACTIVITY}?client=${northwind.id}&amp;page=2" rel="next"`);
    expect(res.text).to.match(new RegExp(`<option value="${northwind.id}" selected>Northwind Traders</option>`));
  });

  it('filters by event type', async () => {
    const res = await agent.get(`${ACTIVITY}?event=password.changed`).expect(200);
    expect(res.text).to.contain('14 events');
    expect(rowsOf(res.text)).to.equal(14);
    expect(res.text).not.to.contain('Nina North');
    expect(res.text).to.contain('<option value="password.changed" selected>Changed password</option>');

    const both = await agent.get(`${ACTIVITY}?client=${northwind.id}&event=password.changed`).expect(200);
    expect(both.text).to.contain('Nothing matches these filters.');
    expect(both.text).to.contain('Page 1 of 1');
  });

  it('empty filter values mean no filter', async () => {
    const res = await agent.get(`${ACTIVITY}?client=&event=`).expect(200);
    expect(res.text).to.contain('56 events');
  });

  it('a bad page number → 400 with a clear message', async () => {
    for (const page of ['0', '-1', 'abc', '1.5', '9999999']) {
      const res = await agent.get(`${ACTIVITY}?page=${page}`).expect(400);
      expect(res.text).to.contain('The page number must be a whole number from 1 up');
    }
    const past = await agent.get(`${ACTIVITY}?page=4`).expect(400);
    expect(past.text).to.contain('There is no page 4: with these filters the log has 3 pages.');
    await agent.get(`${ACTIVITY}?page=1&page=2`).expect(400);
  });

  it('an unknown event type → 400', async () => {
    const res = await agent.get(`${ACTIVITY}?event=${encodeURIComponent('<b>nope</b>')}`).expect(400);
    expect(res.text).to.contain('Choose an event type from the list.');
    expect(res.text).not.to.contain('<b>nope</b>');
  });

  it("another workspace's client → 404", async () => {
    await agent.get(`${ACTIVITY}?client=${rivalClient.id}`).expect(404);
  });

  it('stops counting at 10,000 events and says so, still paging through the newest', async () => {
    const busy = await host.createWorkspace({ slug: 'busy', name: 'Busy Agency' });
    const busyAdmin = await host.createStaff(busy, 'admin', 'Bea Busy');
    await host.db.raw(
      `insert into client_activity_logs (workspace_id, event, email, details, ip, created_at)
       select ?, 'sign_in.failed', 'n' || i || '@busy.test', '{}', '192.0.2.5', now() - make_interval(secs => i)
       from generate_series(1, 10001) as i`,
      [busy.id],
    );
    const busyAgent = await host.staffAgent(busyAdmin);
    const first = await busyAgent.get(ACTIVITY).expect(200);
    expect(first.text).to.contain('More than 10,000 events: these pages show the newest 10,000.');
    expect(first.text).to.contain('Page 1 of 400');
    expect(first.text).to.contain('n1@busy.test');
    const last = await busyAgent.get(`${ACTIVITY}?page=400`).expect(200);
    expect(last.text).to.contain('n10000@busy.test');
    expect(last.text).not.to.contain('n10001@busy.test');
    await busyAgent.get(`${ACTIVITY}?page=401`).expect(400);
  });

  it('shows an empty log plainly', async () => {
    const fresh = await host.createWorkspace({ slug: 'fresh', name: 'Fresh Agency' });
    const freshAdmin = await host.createStaff(fresh, 'admin', 'Fay Fresh');
    const res = await (await host.staffAgent(freshAdmin)).get(ACTIVITY).expect(200);
    expect(res.text).to.contain('No client activity yet.');
    expect(res.text).to.contain('Page 1 of 1');
  });
});
