// Dolibarr and the devices section, on Dolibarr's real schema. Dolibarr 23's Asset module
// (llx_asset, in dolibarr-more-modules.sql) keeps the agency's own fixed assets for its accounts
// (acquisition value, depreciation, disposal), and no column names a third party the asset belongs
// to: the binding never reads it, and the first test fails the day the schema gains such a column,
// so the question is asked again. A client's device in Dolibarr is a serial number shipped to them:
// a unit of a product numbered by serial (llx_product.tobatch 2) whose lot (llx_product_lot) went
// out on a shipment past draft to the company (llx_expedition, llx_expeditiondet_batch), as
// Dolibarr's lot card lists it (product/stock/stats/expedition.php). Covered here: the port only
// where the Lot/Serial module is on; a serial listed for its company's contact and not found for
// another company or entity; a lot (tobatch 1), a draft or cancelled shipment list nothing; a serial
// shipped again belongs to its last company; search, filters, pages; a destroyed unit out of
// service; a ticket about a device linked in llx_element_element in the ticket's transaction and
// listed under it; another company's device refused with nothing written; the claims on the schema.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { DOLIBARR_DEVICE_CLAIMS } from '../../plugins/dolibarr/claims.ts';
import { dolibarrDevicesModule } from '../../plugins/dolibarr/devices.ts';
import { dolibarrStandalone } from '../../plugins/dolibarr/standalone.ts';
import { deviceNote } from '../../plugins/dolibarr/tickets.ts';
import { findClaimProblems } from '../../src/portal.ts';
import type { DevicesPort } from '../../src/features/devices/port.ts';
import type { TicketsPort, TicketSummary } from '../../src/features/tickets/port.ts';
import { enableProductBatch, insertLot, insertProduct, shipSerials } from './devices-setup.ts';
import { type DolibarrHost, insertTicketInstallRows, knowledgeModuleUnavailable, startDolibarrHost } from './dolibarr-host.ts';

const reason = knowledgeModuleUnavailable();

describe('dolibarr binding: devices', function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let devices: DevicesPort;
  let tickets: TicketsPort;
  const workspaceId = '1';
  let bakery: string;
  let garage: string;
  let claire: string;
  let paul: string;
  const lots = {} as Record<
    'router' | 'printer' | 'tablet' | 'oldTablet' | 'moved' | 'batch' | 'draft' | 'cancelled' | 'garage' | 'otherEntity',
    number
  >;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    // With the portal's tables, as a running portal has them: the binding keeps its ticket order there.
    host = await startDolibarrHost({ knowledgeModule: true, portalTables: true });
    const { db, seed } = host;
    bakery = String(seed.companies.bakery);
    garage = String(seed.companies.garage);
    claire = String(seed.contacts.claire);
    paul = String(seed.contacts.paul);
    await insertTicketInstallRows(db);
    const router = await insertProduct(db, { ref: 'RTR-AX55', label: 'Office router AX55', tobatch: 2 });
    const printer = await insertProduct(db, { ref: 'PRN-LJ4', label: 'Laser printer LJ4', tobatch: 2 });
    const tablet = await insertProduct(db, { ref: 'TAB-10', label: 'Till tablet', tobatch: 2 });
    const toner = await insertProduct(db, { ref: 'TNR-LJ4', label: 'Toner LJ4', tobatch: 1 });
    const elsewhere = await insertProduct(db, { ref: 'RTR-AX55', label: 'Router of entity 2', tobatch: 2, entity: 2 });
    lots.router = await insertLot(db, { productId: router, batch: 'SN-RTR-0001', barcode: 'AL-000123', eol: '2029-03-31' });
    lots.printer = await insertLot(db, { productId: printer, batch: 'SN-PRN-7781' });
    lots.tablet = await insertLot(db, { productId: tablet, batch: 'SN-TAB-0002', scrapped: '2026-02-01' });
    lots.oldTablet = await insertLot(db, { productId: tablet, batch: 'SN-TAB-0003', scrapped: '2099-01-01' });
    lots.moved = await insertLot(db, { productId: tablet, batch: 'SN-TAB-0004' });
    lots.batch = await insertLot(db, { productId: toner, batch: 'LOT-2026-01' });
    lots.draft = await insertLot(db, { productId: printer, batch: 'SN-PRN-7782' });
    lots.cancelled = await insertLot(db, { productId: printer, batch: 'SN-PRN-7783' });
    lots.garage = await insertLot(db, { productId: router, batch: 'SN-RTR-0009' });
    lots.otherEntity = await insertLot(db, { productId: elsewhere, batch: 'SN-RTR-0001', entity: 2 });
    const ship = (fk_soc: number, fk_statut: number, day: string, serials: Array<[number, string]>, extra = {}) =>
      shipSerials(db, seed, { fk_soc, fk_statut, day, serials: serials.map(([productId, batch]) => ({ productId, batch })), ...extra });
    const { bakery: b, garage: g } = seed.companies;
    await ship(b, 2, '2026-01-10', [[router, 'SN-RTR-0001']], { delivered: '2026-01-12' });
    await ship(b, 1, '2026-01-15', [
      [printer, 'SN-PRN-7781'],
      [tablet, 'SN-TAB-0002'],
      [tablet, 'SN-TAB-0003'],
      [toner, 'LOT-2026-01'],
    ]);
    await ship(b, 0, '2026-01-20', [[printer, 'SN-PRN-7782']]);
    await ship(b, -1, '2026-01-21', [[printer, 'SN-PRN-7783']]);
    // Shipped to the bakery, then (sent back) to the garage: the garage's now.
    await ship(b, 2, '2026-01-05', [[tablet, 'SN-TAB-0004']]);
    await ship(g, 1, '2026-02-03', [[tablet, 'SN-TAB-0004']]);
    await ship(g, 1, '2026-01-11', [[router, 'SN-RTR-0009']]);
    // Later shipments of the bakery's router to the garage that never went out: still the bakery's.
    await ship(g, 0, '2026-03-01', [[router, 'SN-RTR-0001']]);
    await ship(g, -1, '2026-03-02', [[router, 'SN-RTR-0001']]);
    // Another entity's unit, its serial equal to the bakery's router, on that entity's shipment.
    await ship(b, 1, '2026-01-10', [[elsewhere, 'SN-RTR-0001']], { entity: 2 });
    await enableProductBatch(db);
    const adapter = createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, tickets: true, devices: true, knowledgeBase: true });
    devices = adapter.devices!;
    tickets = adapter.tickets!;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('keeps assets with no third party, never read: the port comes from the Lot/Serial module', async function () {
    const columns = (
      await host.db('information_schema.columns').where({ table_schema: 'public', table_name: 'llx_asset' }).select('column_name')
    ).map((row: { column_name: string }) => row.column_name);
    expect(columns, 'the Asset module is loaded').to.include.members(['rowid', 'ref', 'entity', 'label', 'status']);
    expect(columns.filter((column) => /soc|thirdparty|societe|client|customer/.test(column))).to.deep.equal([]);
    const links = await host.db.raw<{ rows: Array<{ table: string }> }>(
      `select conrelid::regclass::text as table from pg_constraint
        where contype = 'f' and conrelid = 'public.llx_asset'::regclass and confrelid = 'public.llx_societe'::regclass`,
    );
    expect(links.rows).to.deep.equal([]);
    expect(DOLIBARR_DEVICE_CLAIMS.map((claim) => claim.table)).to.not.include('llx_asset');
    const without = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, knowledgeBase: true, tickets: true });
    expect(without.devices).to.equal(undefined);
    expect(without.claims.map((claim) => claim.concept)).to.not.include('asset');
  });

  it('tells whether the Lot/Serial module is on, and claims only what the schema has', async function () {
    expect(await dolibarrDevicesModule(host.db, 1)).to.equal(true);
    expect(await dolibarrDevicesModule(host.db, 2)).to.equal(false);
    const adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, tickets: true, devices: true });
    expect(await findClaimProblems(host.db, adapter)).to.deep.equal([]);
    // The standalone server offers devices where the module is on for its entity, and only there.
    const env = { DOLIBARR_WORKSPACE_SLUG: host.seed.workspaceSlug, DOLIBARR_ACTING_USER: String(host.seed.users.admin) };
    expect((await dolibarrStandalone.open(host.db, env)).adapter.devices).to.not.equal(undefined);
    expect((await dolibarrStandalone.open(host.db, { ...env, DOLIBARR_ENTITY: '2' })).adapter.devices).to.equal(undefined);
  });

  const listed = async (filter: Parameters<DevicesPort['list']>[3], company = bakery) =>
    (await devices.list(workspaceId, company, company === bakery ? claire : paul, filter, { limit: 50 })).items.map((d) => d.serialNumber);

  it("lists the serials shipped to the company, by name; not a lot, a draft or cancelled shipment, another's", async function () {
    expect(await listed({ state: 'all' })).to.deep.equal(['SN-PRN-7781', 'SN-RTR-0001', 'SN-TAB-0002', 'SN-TAB-0003']);
    expect(await listed({ state: 'all' }, garage)).to.deep.equal(['SN-RTR-0009', 'SN-TAB-0004']);
    // Another workspace id (entity) has none.
    expect((await devices.list('2', bakery, claire, { state: 'all' }, { limit: 50 })).items).to.deep.equal([]);
  });

  it('finds a device for its company only: another company, entity or lot is not found', async function () {
    const router = await devices.find(workspaceId, bakery, claire, String(lots.router));
    expect(router).to.deep.equal({
      id: String(lots.router),
      name: 'Office router AX55',
      type: 'other',
      status: 'Delivered',
      active: true,
      serialNumber: 'SN-RTR-0001',
      assetTag: 'AL-000123',
      location: null,
      updatedAt: router!.updatedAt,
      purchasedOn: '2026-01-12',
      warrantyEndsOn: '2029-03-31',
    });
    expect(await devices.find(workspaceId, bakery, claire, String(lots.printer))).to.deep.include({
      status: 'Shipped',
      purchasedOn: '2026-01-15',
      warrantyEndsOn: null,
      assetTag: null,
    });
    for (const lot of [lots.garage, lots.moved, lots.otherEntity, lots.batch, lots.draft, lots.cancelled])
      expect(await devices.find(workspaceId, bakery, claire, String(lot)), String(lot)).to.equal(null);
    expect(await devices.find(workspaceId, garage, paul, String(lots.router))).to.equal(null);
    expect(await devices.find('2', bakery, claire, String(lots.otherEntity))).to.equal(null);
    expect(await devices.find(workspaceId, bakery, claire, 'SN-RTR-0001')).to.equal(null);
  });

  it('belongs to the company it was shipped to last', async function () {
    expect(await devices.find(workspaceId, garage, paul, String(lots.moved))).to.deep.include({ serialNumber: 'SN-TAB-0004' });
    expect(await listed({ state: 'all' })).to.not.include('SN-TAB-0004');
    expect(await devices.find(workspaceId, garage, paul, String(lots.router))).to.equal(null);
    expect(await devices.find(workspaceId, bakery, claire, String(lots.router))).to.deep.include({ serialNumber: 'SN-RTR-0001' });
  });

  it('is out of service once its destruction date is reached', async function () {
    expect(await devices.find(workspaceId, bakery, claire, String(lots.tablet))).to.deep.include({ active: false, status: 'Destroyed' });
    expect(await devices.find(workspaceId, bakery, claire, String(lots.oldTablet))).to.deep.include({ active: true, status: 'Shipped' });
    expect(await listed({ state: 'inactive' })).to.deep.equal(['SN-TAB-0002']);
    expect(await listed({ state: 'active' })).to.deep.equal(['SN-PRN-7781', 'SN-RTR-0001', 'SN-TAB-0003']);
  });

  it('searches name, serial number and asset tag in any case, and filters by kind', async function () {
    expect(await listed({ state: 'all', search: 'laser' })).to.deep.equal(['SN-PRN-7781']);
    expect(await listed({ state: 'all', search: 'sn-tab' })).to.deep.equal(['SN-TAB-0002', 'SN-TAB-0003']);
    expect(await listed({ state: 'all', search: 'al-000' })).to.deep.equal(['SN-RTR-0001']);
    expect(await listed({ state: 'all', search: '100%' })).to.deep.equal([]);
    expect(await listed({ state: 'all', type: 'other' })).to.have.length(4);
    expect(await listed({ state: 'all', type: 'printer' })).to.deep.equal([]);
  });

  it('pages by name without overlap', async function () {
    const first = await devices.list(workspaceId, bakery, claire, { state: 'all' }, { limit: 3 });
    const second = await devices.list(workspaceId, bakery, claire, { state: 'all' }, { limit: 3, after: first.next });
    expect([...first.items, ...second.items].map((d) => d.serialNumber)).to.deep.equal(await listed({ state: 'all' }));
    expect(second.next).to.equal(null);
    expect((await devices.list(workspaceId, bakery, claire, { state: 'all' }, { limit: 3, after: 'nonsense' })).items).to.deep.equal([]);
  });

  it('links a ticket opened about a device in llx_element_element, and lists it under the device', async function () {
    const { db } = host;
    const base = { subject: 'Router drops Wi-Fi', description: 'Every evening.', categoryId: null, typeId: null, priorityId: null };
    const created = (await tickets.create(workspaceId, bakery, claire, { ...base, deviceId: String(lots.router) })) as TicketSummary;
    expect(created).to.have.property('id');
    const links = await db('llx_element_element')
      .where({ fk_target: Number(created.id), targettype: 'ticket' })
      .select('fk_source', 'sourcetype');
    expect(links).to.deep.equal([{ fk_source: lots.router, sourcetype: 'productlot' }]);
    // Dolibarr's ticket card shows no lot among its linked objects: staff read the device in its Notes.
    const notes = async (id: string) =>
      (
        await db('llx_ticket')
          .where({ rowid: Number(id) })
          .first('note_private')
      ).note_private;
    expect(await notes(created.id)).to.match(/^About the device .+, serial number \S+\.$/);
    const plain = (await tickets.create(workspaceId, bakery, claire, base)) as TicketSummary;
    expect(await notes(plain.id)).to.equal(null);
    // A link made the other way round (ticket → lot) counts too.
    const other = (await tickets.create(workspaceId, bakery, claire, { ...base, subject: 'Printer jams' })) as TicketSummary;
    await db('llx_element_element').insert({
      fk_source: Number(other.id),
      sourcetype: 'ticket',
      fk_target: lots.printer,
      targettype: 'productlot',
    });
    const about = async (lot: number) =>
      (await tickets.list(workspaceId, bakery, claire, { state: 'all', deviceId: String(lot) }, { limit: 20 })).items.map((t) => t.id);
    expect(await about(lots.router)).to.deep.equal([created.id]);
    expect(await about(lots.printer)).to.deep.equal([other.id]);
    expect(await about(lots.tablet)).to.deep.equal([]);
    expect((await tickets.list(workspaceId, bakery, claire, { state: 'all' }, { limit: 20 })).items.map((t) => t.id)).to.include(plain.id);
  });

  it("names the device in a ticket's note in the language Dolibarr is set up in", function () {
    const router = { product_ref: 'RT-1', product_label: 'Router', batch: 'SN-9' };
    expect(deviceNote('de_DE', router)).to.equal('Betrifft das Gerät Router, Seriennummer SN-9.');
    expect(deviceNote('fr_FR', router)).to.equal('Concerne l’appareil Router, numéro de série SN-9.');
    expect(deviceNote('fr_BE', { ...router, batch: null })).to.equal('Concerne l’appareil Router.');
    expect(deviceNote('es_ES', router)).to.equal('About the device Router, serial number SN-9.');
    expect(deviceNote(null, { ...router, product_label: ' ' })).to.equal('About the device RT-1, serial number SN-9.');
  });

  it("refuses a ticket about another company's device, or one not shipped, and writes nothing", async function () {
    const { db } = host;
    const count = async (table: string) => Number((await db(table).count<{ count: string }[]>('* as count'))[0]!.count);
    const counts = async () => [await count('llx_ticket'), await count('llx_element_element'), await count('llx_actioncomm')];
    const before = await counts();
    const base = { subject: 'Not ours', description: 'Someone else’s router.', categoryId: null, typeId: null, priorityId: null };
    for (const lot of [String(lots.garage), String(lots.moved), String(lots.draft), String(lots.otherEntity), 'x1'])
      expect(await tickets.create(workspaceId, bakery, claire, { ...base, deviceId: lot }), lot).to.equal(null);
    // Without the devices port, no ticket is about a device.
    const without = createDolibarrAdapter(db, { workspaceSlug: host.seed.workspaceSlug, tickets: true }).tickets!;
    expect(await without.create(workspaceId, bakery, claire, { ...base, deviceId: String(lots.router) })).to.equal(null);
    expect(await counts()).to.deep.equal(before);
  });
});
