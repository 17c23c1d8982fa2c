// Covers DevicesPort on Alga PSA's real schema, as Alga's own client portal lists a client's
// devices (packages/client-portal/src/actions/client-portal-actions/client-assets.ts,
// listClientAssets and getClientAssetById): the list equals Alga's own query on the same rows, for
// every filter its page offers (all, active, inactive, a type, a search of name, asset tag and
// serial number); never another client's or another tenant's asset. A ticket opened about an
// asset is linked as Alga's createClientTicket links it (asset_associations, entity_type
// 'ticket', relationship_type 'affected', created_by the client's login), in the ticket's
// transaction; the tickets about an asset are read through the tickets port, so a contact in a
// visibility group sees only those on its boards.
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { DevicesPort } from '../../src/features/devices/port.ts';
import type { TicketsPort, TicketSummary } from '../../src/features/tickets/port.ts';
import { useAlgaHost } from './alga-host.ts';

type Row = Record<string, unknown>;

/** listClientAssets' query (client-assets.ts), transcribed: sort_by 'name', every row of the client. */
function algaListClientAssets(
  db: Knex,
  tenant: string,
  clientId: string,
  params: { asset_type?: string; status?: 'active' | 'inactive'; search?: string },
) {
  const q = db('assets').where({ tenant }).where({ client_id: clientId });
  if (params.asset_type) q.where('asset_type', params.asset_type);
  if (params.status === 'active') q.whereNot('status', 'inactive');
  if (params.status === 'inactive') q.where('status', 'inactive');
  if (params.search) {
    const term = `%${params.search.trim().toLowerCase()}%`;
    q.where((b) => {
      b.whereRaw('LOWER(name) LIKE ?', [term])
        .orWhereRaw('LOWER(asset_tag) LIKE ?', [term])
        .orWhereRaw('LOWER(serial_number) LIKE ?', [term]);
    });
  }
  return q.orderBy('name', 'asc').limit(100).offset(0);
}

describe('alga-psa binding: devices', function () {
  // The portal's tables beside Alga's, as a running portal has them: the binding keeps its ticket order there.
  const started = useAlgaHost({ portalTables: true });
  let devices: DevicesPort;
  let tickets: TicketsPort;
  let tenant: string;
  let bakery: string;
  const ids = {} as Record<'laptop' | 'till' | 'router' | 'scale' | 'garage' | 'other' | 'board', string>;

  before(async function () {
    const { host } = started;
    const { db, seed } = host;
    devices = host.adapter().devices as DevicesPort;
    tickets = host.adapter().tickets as TicketsPort;
    tenant = seed.tenant;
    bakery = seed.clients.bakery;
    const asset = async (t: string, client_id: string, name: string, fields: Row) =>
      String(
        (
          await db('assets')
            .insert({ tenant: t, client_id, name, asset_tag: fields.asset_tag ?? name.slice(0, 6), status: 'active', ...fields })
            .returning('asset_id')
        )[0].asset_id,
      );
    ids.laptop = await asset(tenant, bakery, 'Bakery laptop', { asset_type: 'workstation', serial_number: 'LT-1001', location: 'Shop' });
    ids.till = await asset(tenant, bakery, 'Till printer', { asset_type: 'printer', asset_tag: 'BK-PRN', status: 'maintenance' });
    ids.router = await asset(tenant, bakery, 'Old router', { asset_type: 'network_device', status: 'inactive' });
    ids.scale = await asset(tenant, bakery, 'Scale', { asset_type: 'scale', serial_number: 'SC-77' });
    ids.garage = await asset(tenant, seed.clients.garage, 'Garage server', { asset_type: 'server' });
    ids.other = await asset(seed.otherTenant, seed.clients.otherTenantClient, 'Another tenant laptop', { asset_type: 'workstation' });
    // A board, a status and a priority, so the tenant takes tickets.
    const board = (
      await db('boards').insert({ tenant, board_name: 'Support', is_default: true, display_order: 1 }).returning('board_id')
    )[0].board_id as string;
    ids.board = board;
    await db('statuses').insert({
      tenant,
      board_id: board,
      name: 'New',
      status_type: 'ticket',
      item_type: 'ticket',
      order_number: 1,
      is_closed: false,
      is_default: true,
      created_by: seed.users.admin,
    });
    await db('priorities').insert({ tenant, priority_name: 'Medium', order_number: 1, item_type: 'ticket', created_by: seed.users.admin });
  });

  const listed = async (filter: Parameters<DevicesPort['list']>[3]) =>
    (await devices.list(tenant, bakery, started.host.seed.contacts.claire, filter, { limit: 100 })).items.map((d) => d.id);
  const alga = async (params: Parameters<typeof algaListClientAssets>[3]) =>
    (await algaListClientAssets(started.host.db, tenant, bakery, params)).map((row: Row) => String(row.asset_id));

  it("lists the client's assets as Alga's listClientAssets does, filter by filter", async function () {
    expect(await listed({ state: 'all' })).to.deep.equal(await alga({}));
    expect(await listed({ state: 'all' })).to.have.members([ids.laptop, ids.till, ids.router, ids.scale]);
    expect(await listed({ state: 'active' })).to.deep.equal(await alga({ status: 'active' }));
    expect(await listed({ state: 'inactive' })).to.deep.equal(await alga({ status: 'inactive' }));
    expect(await listed({ state: 'all', type: 'printer' })).to.deep.equal(await alga({ asset_type: 'printer' }));
    for (const search of ['lt-10', 'BK-prn', 'router', 'sc-77'])
      expect(await listed({ state: 'all', search }), search).to.deep.equal(await alga({ search }));
    // Alga counts a type of its own making as 'unknown': the portal's 'other'.
    expect(await listed({ state: 'all', type: 'other' })).to.deep.equal([ids.scale]);
  });

  it('presents an asset with its type, status, serial number, asset tag and location; another client’s is not found', async function () {
    const { claire } = started.host.seed.contacts;
    const laptop = await devices.find(tenant, bakery, claire, ids.laptop);
    expect(laptop).to.deep.include({
      name: 'Bakery laptop',
      type: 'workstation',
      status: 'active',
      active: true,
      serialNumber: 'LT-1001',
      location: 'Shop',
    });
    expect(await devices.find(tenant, bakery, claire, ids.till)).to.deep.include({ status: 'maintenance', active: true, type: 'printer' });
    expect(await devices.find(tenant, bakery, claire, ids.router)).to.deep.include({ active: false });
    expect(await devices.find(tenant, bakery, claire, ids.garage!)).to.equal(null);
    expect(await devices.find(tenant, bakery, claire, ids.other!)).to.equal(null);
    expect(await devices.find(tenant, bakery, claire, 'not-a-uuid')).to.equal(null);
  });

  it('pages by name without overlap', async function () {
    const { claire } = started.host.seed.contacts;
    const first = await devices.list(tenant, bakery, claire, { state: 'all' }, { limit: 2 });
    const second = await devices.list(tenant, bakery, claire, { state: 'all' }, { limit: 2, after: first.next });
    expect([...first.items, ...second.items].map((d) => d.id)).to.deep.equal(await alga({}));
    expect(second.next).to.equal(null);
  });

  it('links a ticket opened about an asset as Alga’s createClientTicket does, and lists it by the asset', async function () {
    const { db, seed } = started.host;
    const { claire, sophie } = seed.contacts;
    const base = { subject: 'Laptop will not start', description: 'Black screen.', categoryId: null, typeId: null, priorityId: null };
    const created = (await tickets.create(tenant, bakery, claire, { ...base, deviceId: ids.laptop })) as TicketSummary;
    expect(created).to.have.property('id');
    const links = await db('asset_associations').where({ tenant, entity_id: created.id });
    expect(links).to.have.length(1);
    expect(links[0]).to.deep.include({
      asset_id: ids.laptop,
      entity_type: 'ticket',
      relationship_type: 'affected',
      created_by: seed.users.claire,
    });
    const about = async (contact: string, asset: string) =>
      (await tickets.list(tenant, bakery, contact, { state: 'all', deviceId: asset }, { limit: 20 })).items.map((t) => t.id);
    expect(await about(claire, ids.laptop!)).to.deep.equal([created.id]);
    expect(await about(claire, ids.till!)).to.deep.equal([]);
    // The ticket names the asset it is about.
    expect((await tickets.find(tenant, bakery, claire, created.id))!.devices).to.deep.equal([{ id: ids.laptop, name: 'Bakery laptop' }]);
    // Another client's asset is refused, and no ticket is written.
    const count = async () => Number((await db('tickets').where({ tenant }).count<{ count: string }[]>('* as count'))[0]!.count);
    const before = await count();
    expect(await tickets.create(tenant, bakery, claire, { ...base, deviceId: ids.garage })).to.equal(null);
    expect(await tickets.create(tenant, bakery, claire, { ...base, deviceId: 'not-a-uuid' })).to.equal(null);
    expect(await count()).to.equal(before);
    // A contact whose visibility group shows no board reads none of its tickets, by the asset too.
    const group = (await db('client_portal_visibility_groups').insert({ tenant, client_id: bakery, name: 'None' }).returning('group_id'))[0]
      .group_id as string;
    await db('contacts').where({ tenant, contact_name_id: sophie }).update({ portal_visibility_group_id: group });
    try {
      expect(await about(sophie, ids.laptop!)).to.deep.equal([]);
    } finally {
      await db('contacts').where({ tenant, contact_name_id: sophie }).update({ portal_visibility_group_id: null });
    }
    expect(await about(sophie, ids.laptop!)).to.deep.equal([created.id]);
  });
});
