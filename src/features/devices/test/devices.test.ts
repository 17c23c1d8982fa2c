// The devices section over HTTP against the reference CRM: a client's devices with kind, state,
// serial number, asset tag and location, searched and filtered; a device's page with the tickets
// about it, read through the tickets port; "open a ticket about this device" starts the tickets'
// own form with the device named and, on send, writes the ticket and its link together (PRG); the
// ticket's page, the client's and the staff's, then names and links the device. A German reader
// sees the host's status word in German ("In Wartung"), or not at all where the chip says it.
// Another company's device, a switched-off section and a person without the permission: 404.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('client devices', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const deviceId = async (name: string) => (await h.crm.db('devices').where({ workspace_id: workspaceId, name }).first('id')).id as number;

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_devices: true, show_tickets: true });
  });
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('lists the company’s devices by name with kind, state, asset tag and location; searched and filtered', async function () {
    const page = (await maria.get('/portal/demo/devices').expect(200)).text;
    const names = ['Office printer', 'Old router', 'Reception laptop', 'Web server'];
    const at = names.map((name) => page.indexOf(name));
    expect(
      at.every((i) => i > 0),
      'every device is listed',
    ).to.equal(true);
    expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
    expect(page).to.contain('Asset tag NW-0003').and.contain('First floor').and.contain('Printer').and.contain('Out of service');
    const found = (await maria.get('/portal/demo/devices?q=LT-209').expect(200)).text;
    expect(found).to.contain('Reception laptop').and.not.contain('Web server');
    const servers = (await maria.get('/portal/demo/devices?type=server').expect(200)).text;
    expect(servers).to.contain('Web server').and.not.contain('Reception laptop');
    const retired = (await maria.get('/portal/demo/devices?state=inactive').expect(200)).text;
    expect(retired).to.contain('Old router').and.not.contain('Web server');
    await maria.get('/portal/demo/devices?type=toaster').expect(400);
    await maria.get(`/portal/demo/devices?q=${'x'.repeat(101)}`).expect(400);
    // Another company sees none of them.
    const theirs = (await priya.get('/portal/demo/devices').expect(200)).text;
    expect(theirs).to.not.contain('Web server');
  });

  it('shows a device with the tickets about it; another company gets a 404', async function () {
    const id = await deviceId('Web server');
    const page = (await maria.get(`/portal/demo/devices/${id}`).expect(200)).text;
    expect(page).to.contain('SRV-7731-K').and.contain('Data centre, rack 4');
    expect(page).to.contain('Contact form on the website sends no email');
    expect(page).to.contain(`/portal/demo/tickets/new?device=${id}`);
    await priya.get(`/portal/demo/devices/${id}`).expect(404);
    await priya.get(`/portal/demo/tickets/new?device=${id}`).expect(404);
    await maria.get('/portal/demo/devices/99999999').expect(404);
    await maria.get('/portal/demo/devices/not%20an%20id').expect(404);
    // Without the tickets section, no tickets and no way to open one.
    await setSettings({ show_tickets: false });
    const alone = (await maria.get(`/portal/demo/devices/${id}`).expect(200)).text;
    expect(alone).to.not.contain('Contact form on the website').and.not.contain('tickets/new');
  });

  it('opens a ticket about a device: the ticket and its link together, then the device lists it', async function () {
    const id = await deviceId('Office printer');
    const form = (await maria.get(`/portal/demo/tickets/new?device=${id}`).expect(200)).text;
    expect(form).to.contain('About the device Office printer').and.contain(`name="deviceId" value="${id}"`);
    await maria
      .post('/portal/demo/tickets')
      .type('form')
      .send({ _csrf: csrfFrom(form), subject: '', description: 'Paper jam', deviceId: String(id) })
      .expect(400)
      .expect((res) => expect(res.text).to.contain('About the device Office printer'));
    const created = await maria
      .post('/portal/demo/tickets')
      .type('form')
      .send({ _csrf: csrfFrom(form), subject: 'Printer jams on every page', description: 'Since this morning.', deviceId: String(id) })
      .expect(303);
    const ticketId = Number((created.headers.location as string).split('/').pop());
    const links = await h.crm.db('device_tickets').where({ workspace_id: workspaceId, ticket_id: ticketId });
    expect(links.map((l) => l.device_id)).to.deep.equal([id]);
    const logged = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'ticket.opened' })
      .orderBy('created_at', 'desc')
      .first('details');
    expect(logged.details).to.include({ device: 'Office printer' });
    expect((await maria.get(`/portal/demo/devices/${id}`).expect(200)).text).to.contain('Printer jams on every page');
    // The ticket's own pages name the device and link to it: the client's to its page, the staff's
    // to the client's devices.
    const ticketPage = (await maria.get(created.headers.location as string).expect(200)).text;
    expect(ticketPage).to.contain('About the device:').and.contain(`<a href="/portal/demo/devices/${id}">Office printer</a>`);
    const staff = await signedInStaffAgent(h, 'demo');
    const staffPage = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    const clientId = (await h.crm.db('devices').where({ workspace_id: workspaceId, id }).first('client_id')).client_id;
    expect(staffPage).to.contain(`<a href="/clients/${clientId}/devices#device-${id}">Office printer</a>`);
    expect((await staff.get(`/clients/${clientId}/devices`).expect(200)).text).to.contain(`id="device-${id}"`);
    // Without the devices section the client's ticket page names none.
    await setSettings({ show_devices: false });
    expect((await maria.get(created.headers.location as string).expect(200)).text).to.not.contain('About the device:');
    await setSettings({ show_devices: true });
    // Another device's page does not list it.
    expect((await maria.get(`/portal/demo/devices/${await deviceId('Web server')}`).expect(200)).text).to.not.contain('Printer jams');
    await h.crm.db('tickets').where({ workspace_id: workspaceId, id: ticketId }).delete();
  });

  it('refuses to link another company’s device, writing no ticket', async function () {
    const bluebell = (await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Bluebell Bakery' }).first('id')).id as number;
    const [theirs] = await h.crm
      .db('devices')
      .insert({ workspace_id: workspaceId, client_id: bluebell, name: 'Oven controller', kind: 'other' })
      .returning('id');
    try {
      const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
      const before = await h.crm.db('tickets').where({ workspace_id: workspaceId }).count<{ count: string }[]>('* as count');
      await maria
        .post('/portal/demo/tickets')
        .type('form')
        .send({ _csrf: csrfFrom(form), subject: 'Oven', description: 'Hot', deviceId: String(theirs.id) })
        .expect(404);
      const after = await h.crm.db('tickets').where({ workspace_id: workspaceId }).count<{ count: string }[]>('* as count');
      expect(after[0]!.count).to.equal(before[0]!.count);
    } finally {
      await h.crm.db('devices').where({ workspace_id: workspaceId, id: theirs.id }).delete();
    }
  });

  it('does not exist while the switch is off, nor for a role without the permission', async function () {
    const id = await deviceId('Web server');
    await setSettings({ show_devices: false });
    await maria.get('/portal/demo/devices').expect(404);
    await maria.get(`/portal/demo/devices/${id}`).expect(404);
    await maria.get(`/portal/demo/tickets/new?device=${id}`).expect(404);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.not.contain('/portal/demo/devices"');
    await setSettings({ show_devices: true });
    // Ben has the Billing role, which holds no devices.
    const ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    await ben.get('/portal/demo/devices').expect(404);
    await ben.get(`/portal/demo/devices/${id}`).expect(404);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.contain('/portal/demo/devices"');
  });

  it('reads in German', async function () {
    const page = (await maria.get('/portal/demo/devices').set('Accept-Language', 'de').expect(200)).text;
    expect(page).to.contain('Geräte').and.contain('Drucker');
  });

  it('says the host’s status in German, or not at all where the state chip already says it', async function () {
    // The words a reader sees: no tag, attribute or script.
    const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]*>/g, ' ');
    const english = /\b(maintenance|inactive|active)\b/i;
    const list = text((await maria.get('/portal/demo/devices').set('Accept-Language', 'de').expect(200)).text);
    expect(list).to.contain('Status: In Wartung').and.contain('Außer Betrieb');
    expect(list).to.not.match(english);
    expect(list.match(/Status:/g), 'only the printer’s status says more than its chip').to.have.length(1);
    const printer = text(
      (
        await maria
          .get(`/portal/demo/devices/${await deviceId('Office printer')}`)
          .set('Accept-Language', 'de')
          .expect(200)
      ).text,
    );
    expect(printer)
      .to.match(/Status\s+In Wartung/)
      .and.not.match(english);
    for (const name of ['Web server', 'Old router']) {
      const page = text(
        (
          await maria
            .get(`/portal/demo/devices/${await deviceId(name)}`)
            .set('Accept-Language', 'de')
            .expect(200)
        ).text,
      );
      expect(page, name)
        .to.not.match(english)
        .and.not.match(/\bStatus\b/);
    }
  });
});
