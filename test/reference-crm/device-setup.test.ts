// The reference CRM's devices form over HTTP: staff add a device to a client (name, kind, status,
// serial number and the rest), change it, make it inactive rather than delete it, and move it to
// another client of theirs; the client sees in the portal what staff entered. Refused forms say why
// (400) and write nothing; a form without the CSRF token is refused (403); another workspace's
// device or client is not found, nor can a device be given to one.
import { expect } from 'chai';
import { csrfFrom, signedInDemoClient, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { textOf } from './support.ts';

type Agent = Awaited<ReturnType<typeof signedInStaffAgent>>;

describe('reference CRM: devices staff enter', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let staff: Agent;
  let workspaceId: number;
  let northwind: number;
  let bluebell: number;

  const post = async (page: string, action: string, form: Record<string, string>) => {
    const csrf = csrfFrom((await staff.get(page).expect(200)).text);
    return staff
      .post(action)
      .type('form')
      .send({ _csrf: csrf, ...form });
  };
  const devices = () => h.crm.db('devices').where({ workspace_id: workspaceId }).orderBy('id');
  const client = (name: string) => h.crm.db('clients').where({ workspace_id: workspaceId, name }).first('id');

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    northwind = (await client('Northwind Traders')).id;
    bluebell = (await h.crm.db('clients').where({ workspace_id: workspaceId }).whereNot({ id: northwind }).orderBy('id').first('id')).id;
    staff = await signedInStaffAgent(h, 'demo');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_devices: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });
  after(async function () {
    await h?.close();
  });

  it('adds a device to a client, and the client sees it in the portal as staff entered it', async function () {
    const list = (await staff.get(`/clients/${northwind}/devices`).expect(200)).text;
    expect(list).to.contain(`href="/clients/${northwind}/devices/new"`);
    const added = await post(`/clients/${northwind}/devices/new`, `/clients/${northwind}/devices`, {
      clientId: String(northwind),
      name: 'Design studio iMac',
      kind: 'workstation',
      status: 'active',
      serialNumber: 'C02XK1ABCD12',
      assetTag: 'NW-0100',
      location: 'Studio, 3rd floor',
      purchasedOn: '2026-02-01',
      warrantyEndsOn: '2029-02-01',
    });
    expect(added.status, added.text).to.equal(303);
    const row = (await devices()).find((d) => d.name === 'Design studio iMac');
    expect(added.headers.location).to.equal(`/clients/${northwind}/devices#device-${row.id}`);
    expect(row).to.include({
      client_id: northwind,
      kind: 'workstation',
      status: 'active',
      serial_number: 'C02XK1ABCD12',
      asset_tag: 'NW-0100',
    });
    expect(textOf((await staff.get(`/clients/${northwind}/devices`).expect(200)).text)).to.contain(
      'Design studio iMac Workstation Active C02XK1ABCD12 NW-0100 Studio, 3rd floor 2029-02-01',
    );

    const maria = await signedInDemoClient(h, 'maria@northwind.test');
    const portal = textOf((await maria.get('/portal/demo/devices').expect(200)).text);
    expect(portal).to.contain('Design studio iMac');
    const page = textOf((await maria.get(`/portal/demo/devices/${row.id}`).expect(200)).text);
    expect(page).to.contain('C02XK1ABCD12').and.contain('NW-0100').and.contain('Studio, 3rd floor');
  });

  it('changes a device, makes it inactive and moves it to another client', async function () {
    const row = (await devices()).find((d) => d.name === 'Design studio iMac');
    const form = (await staff.get(`/devices/${row.id}`).expect(200)).text;
    expect(form).to.contain('value="C02XK1ABCD12"').and.contain('value="2029-02-01"');
    const saved = await post(`/devices/${row.id}`, `/devices/${row.id}`, {
      clientId: String(northwind),
      name: 'Design studio iMac (old)',
      kind: 'workstation',
      status: 'inactive',
      serialNumber: 'C02XK1ABCD12',
    });
    expect(saved.status, saved.text).to.equal(303);
    expect(await h.crm.db('devices').where({ workspace_id: workspaceId, id: row.id }).first()).to.include({
      name: 'Design studio iMac (old)',
      status: 'inactive',
      asset_tag: null,
      warranty_ends_on: null,
    });
    const moved = await post(`/devices/${row.id}`, `/devices/${row.id}`, {
      clientId: String(bluebell),
      name: 'Design studio iMac (old)',
      kind: 'workstation',
      status: 'inactive',
    });
    expect(moved.headers.location).to.equal(`/clients/${bluebell}/devices#device-${row.id}`);
    const maria = await signedInDemoClient(h, 'maria@northwind.test');
    await maria.get(`/portal/demo/devices/${row.id}`).expect(404);
  });

  it('refuses a device without a name, of an unknown kind or a warranty ending before its purchase, and says why', async function () {
    const before = await devices();
    const refused = await post(`/clients/${northwind}/devices/new`, `/clients/${northwind}/devices`, {
      clientId: String(northwind),
      name: '',
      kind: 'toaster',
      status: 'active',
      purchasedOn: '2026-02-31',
    });
    expect(refused.status).to.equal(400);
    const text = textOf(refused.text);
    expect(text).to.contain('Enter the device’s name').and.contain('Choose the kind of device from the list.');
    expect(text).to.contain('Enter the purchase date as a real date');
    const backwards = await post(`/clients/${northwind}/devices/new`, `/clients/${northwind}/devices`, {
      clientId: String(northwind),
      name: 'Printer',
      kind: 'printer',
      status: 'active',
      purchasedOn: '2026-02-01',
      warrantyEndsOn: '2025-02-01',
    });
    expect(backwards.status).to.equal(400);
    expect(textOf(backwards.text)).to.contain('The warranty cannot end before the device was bought.');
    expect(await devices()).to.deep.equal(before);
  });

  it('refuses a form without the CSRF token, and keeps to the workspace', async function () {
    const [mine] = await devices();
    await staff
      .post(`/devices/${mine.id}`)
      .type('form')
      .send({ name: 'Hijacked', clientId: String(northwind), kind: 'other', status: 'active' })
      .expect(403);
    const acme = (await h.crm.db('workspaces').where({ slug: 'acme' }).first('id')).id;
    const acmeClient = (await h.crm.db('clients').where({ workspace_id: acme }).first('id')).id;
    await staff.get(`/clients/${acmeClient}/devices/new`).expect(404);
    const given = await post(`/devices/${mine.id}`, `/devices/${mine.id}`, {
      clientId: String(acmeClient),
      name: mine.name,
      kind: mine.kind,
      status: mine.status,
    });
    expect(given.status).to.equal(400);
    expect(textOf(given.text)).to.contain('Choose the client whose device it is.');
    expect((await h.crm.db('devices').where({ workspace_id: workspaceId, id: mine.id }).first('client_id')).client_id).to.equal(
      mine.client_id,
    );
  });
});
