// Covers OrdersPort on Dolibarr's real schema: a contact's company sees its customer orders past
// draft (validated, shipment in progress, closed, cancelled), entity-scoped, never another
// company's or a draft, newest order date first, by status, and found by ref, the customer's
// reference or the total as an amount; an order's page carries its lines and totals, its
// history, the signed proposal it came from and its invoices (llx_element_element), and its
// validated shipments with the carrier and the tracking address Dolibarr builds ({TRACKID});
// the PDF is the one Dolibarr generated (last_main_doc under the data root); "order again" writes
// a draft as Commande::createFromClone does (column by column, its contacts, no linked object),
// in the caller's transaction; a line's discount is read as the order card shows it.
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { OrdersPort } from '../../src/features/orders/port.ts';
import { insertCarrier, insertOrder, insertShipment } from './orders-setup.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();

describe('dolibarr binding: orders', function () {
  let host: DolibarrHost;
  let orders: OrdersPort;
  const ws = '1';
  let bakery: string;
  let claire: string;
  let shipped: number;
  let closed: number;
  let draft: number;
  let garageOrder: number;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    const { db, seed } = host;
    orders = createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, dataRoot: host.dataRoot, actingUserId: seed.users.admin })
      .orders!;
    bakery = String(seed.companies.bakery);
    claire = String(seed.contacts.claire);
    const ups = await insertCarrier(db, 'UPS', 'UPS', 'https://www.ups.com/track?loc=en_US&tracknum={TRACKID}');
    const local = await insertCarrier(db, 'LOCAL', 'Own courier', 'javascript:alert("{TRACKID}")');
    const tiles = { label: 'Floor tiles (m²)', qty: 24, subprice: 42.5, tva: 20 };
    const glue = { label: 'Tile adhesive', qty: 6, subprice: 18, tva: 20 };
    const ship = await insertOrder(db, seed, {
      ref: 'CO2602-0002',
      fk_soc: seed.companies.bakery,
      fk_statut: 2,
      day: '2026-02-10',
      lines: [tiles, glue],
      extra: { ref_client: 'BAK-PO-17', date_livraison: '2026-02-28 00:00:00' },
    });
    shipped = ship.id;
    await insertShipment(db, seed, {
      ref: 'SH2602-0001',
      fk_soc: seed.companies.bakery,
      orderId: shipped,
      fk_statut: 1,
      carrier: ups,
      tracking: '1Z999AA10123456784',
      sent: '2026-02-14',
      lines: [{ lineId: ship.lineIds[0]!, qty: 24 }],
    });
    // A draft shipment is the agency's: not shown.
    await insertShipment(db, seed, {
      ref: '(PROV9)',
      fk_soc: seed.companies.bakery,
      orderId: shipped,
      fk_statut: 0,
      carrier: local,
      tracking: 'X1',
      sent: '2026-02-15',
      lines: [{ lineId: ship.lineIds[1]!, qty: 6 }],
    });
    const close = await insertOrder(db, seed, {
      ref: 'CO2601-0001',
      fk_soc: seed.companies.bakery,
      fk_statut: 3,
      day: '2026-01-20',
      lines: [glue],
      extra: { date_cloture: '2026-01-30 16:00:00', last_main_doc: 'commande/CO2601-0001/CO2601-0001.pdf' },
    });
    closed = close.id;
    await insertShipment(db, seed, {
      ref: 'SH2601-0002',
      fk_soc: seed.companies.bakery,
      orderId: closed,
      fk_statut: 2,
      carrier: local,
      tracking: 'LOC-77',
      sent: '2026-01-25',
      delivered: '2026-01-27',
      lines: [{ lineId: close.lineIds[0]!, qty: 6 }],
    });
    // The signed proposal became this order; its invoice bills it (Dolibarr's linked objects).
    await db('llx_element_element').insert([
      { fk_source: seed.proposals.signed, sourcetype: 'propal', fk_target: closed, targettype: 'commande' },
      { fk_source: closed, sourcetype: 'commande', fk_target: seed.invoices.paid, targettype: 'facture' },
      { fk_source: closed, sourcetype: 'commande', fk_target: seed.invoices.draft, targettype: 'facture' },
    ]);
    mkdirSync(path.join(host.dataRoot, 'commande', 'CO2601-0001'), { recursive: true });
    writeFileSync(path.join(host.dataRoot, 'commande', 'CO2601-0001', 'CO2601-0001.pdf'), '%PDF-1.4 Dolibarr order');
    await insertOrder(db, seed, { ref: 'CO2601-0003', fk_soc: seed.companies.bakery, fk_statut: -1, day: '2026-01-05', lines: [glue] });
    draft = (await insertOrder(db, seed, { ref: '(PROV4)', fk_soc: seed.companies.bakery, fk_statut: 0, day: '2026-02-20', lines: [glue] }))
      .id;
    garageOrder = (
      await insertOrder(db, seed, { ref: 'CO2602-0005', fk_soc: seed.companies.garage, fk_statut: 1, day: '2026-02-11', lines: [tiles] })
    ).id;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("lists the company's orders past draft, newest first, by status, never another company's", async function () {
    const all = await orders.list(ws, bakery, {}, { limit: 10 });
    expect(all.items.map((o) => [o.number, o.state])).to.deep.equal([
      ['CO2602-0002', 'shipping'],
      ['CO2601-0001', 'delivered'],
      ['CO2601-0003', 'cancelled'],
    ]);
    const first = all.items[0]!;
    // 24 × 42.50 + 6 × 18.00 = 1,128.00 net, 225.60 VAT.
    expect(first).to.include({
      reference: 'BAK-PO-17',
      totalCents: 135_360,
      currency: 'EUR',
      orderedOn: '2026-02-10',
      deliveryOn: '2026-02-28',
    });
    const open = await orders.list(ws, bakery, { states: ['confirmed', 'shipping'] }, { limit: 10 });
    expect(open.items.map((o) => o.number)).to.deep.equal(['CO2602-0002']);
    const paged = await orders.list(ws, bakery, {}, { limit: 2 });
    expect(paged.next).to.be.a('string');
    const rest = await orders.list(ws, bakery, {}, { limit: 2, after: paged.next });
    expect(rest.items.map((o) => o.number)).to.deep.equal(['CO2601-0003']);
    expect((await orders.list('2', bakery, {}, { limit: 10 })).items, 'another entity').to.deep.equal([]);
    const garage = await orders.list(ws, String(host.seed.companies.garage), {}, { limit: 10 });
    expect(garage.items.map((o) => o.number)).to.deep.equal(['CO2602-0005']);
  });

  it("finds orders by ref, by the customer's reference and by total", async function () {
    const byRef = await orders.list(ws, bakery, { search: '2601-0001' }, { limit: 10 });
    expect(byRef.items.map((o) => o.number)).to.deep.equal(['CO2601-0001']);
    const byClientRef = await orders.list(ws, bakery, { search: 'bak-po' }, { limit: 10 });
    expect(byClientRef.items.map((o) => o.number)).to.deep.equal(['CO2602-0002']);
    const byAmount = await orders.list(ws, bakery, { search: '1353', amount: { fromCents: 135_300, toCents: 135_399 } }, { limit: 10 });
    expect(byAmount.items.map((o) => o.number)).to.deep.equal(['CO2602-0002']);
  });

  it('reads an order with its lines, history, linked proposal and invoices past draft, and shipments with tracking', async function () {
    const order = (await orders.find(ws, bakery, String(shipped)))!;
    expect(order.lines.map((l) => [l.description, l.quantity, l.totalCents, l.taxRatePercent])).to.deep.equal([
      ['Floor tiles (m²)', 24, 102_000, 20],
      ['Tile adhesive', 6, 10_800, 20],
    ]);
    expect(order).to.include({ subtotalCents: 112_800, taxCents: 22_560, notes: 'Order CO2602-0002' });
    expect(order.history.map((h) => h.state)).to.deep.equal(['confirmed', 'shipping']);
    expect(order.shipments).to.have.length(1);
    expect(order.shipments[0]).to.deep.include({
      number: 'SH2602-0001',
      state: 'sent',
      sentOn: '2026-02-14',
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784',
    });
    expect(order.shipments[0]!.lines).to.deep.equal([{ description: 'Floor tiles (m²)', quantity: 24 }]);
    const done = (await orders.find(ws, bakery, String(closed)))!;
    expect(done.history.map((h) => h.state)).to.deep.equal(['confirmed', 'shipping', 'delivered']);
    expect(done.offer).to.deep.equal({ kind: 'proposal', id: String(host.seed.proposals.signed), number: 'PR2601-0001' });
    expect(
      done.invoices.map((i) => i.id),
      'the draft invoice is the agency’s',
    ).to.deep.equal([String(host.seed.invoices.paid)]);
    // The carrier's template is not a web address: the portal shows the number without a link.
    expect(done.shipments[0]).to.deep.include({ state: 'delivered', deliveredOn: '2026-01-27', trackingUrl: 'javascript:alert("LOC-77")' });
  });

  it("answers null for a draft, another company's order, another entity and a malformed id", async function () {
    expect(await orders.find(ws, bakery, String(draft))).to.equal(null);
    expect(await orders.find(ws, bakery, String(garageOrder))).to.equal(null);
    expect(await orders.find('2', bakery, String(shipped))).to.equal(null);
    expect(await orders.find(ws, bakery, 'x')).to.equal(null);
    expect(await orders.document!(ws, String(host.seed.companies.garage), String(closed))).to.equal(null);
  });

  it('serves the PDF Dolibarr generated for the order, and none where it made none', async function () {
    const doc = (await orders.document!(ws, bakery, String(closed)))!;
    expect(doc).to.include({ name: 'CO2601-0001.pdf', contentType: 'application/pdf' });
    const chunks: Buffer[] = [];
    for await (const chunk of doc.content) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).to.equal('%PDF-1.4 Dolibarr order');
    expect(await orders.document!(ws, bakery, String(shipped))).to.equal(null);
  });

  it('orders again: a draft as createFromClone writes it, in the caller’s transaction, remembered beside the order', async function () {
    const { db, seed } = host;
    // The order's contacts, as its card's Contacts tab adds them (Dolibarr's install data types):
    // the internal follow-up, the customer's contact, and a type since switched off.
    const types = await db('llx_c_type_contact')
      .insert([
        { element: 'commande', source: 'internal', code: 'SALESREPFOLL', libelle: 'Responsable suivi de la commande', active: 1 },
        { element: 'commande', source: 'external', code: 'CUSTOMER', libelle: 'Contact client suivi commande', active: 1 },
        { element: 'commande', source: 'external', code: 'SHIPPING', libelle: 'Contact client livraison commande', active: 0 },
      ])
      .returning('rowid');
    const [salesRep, customer, shipping] = types.map((t: { rowid: number }) => t.rowid) as [number, number, number];
    await db('llx_element_contact').insert([
      {
        datecreate: '2026-02-10 09:00:00',
        statut: 4,
        element_id: shipped,
        fk_c_type_contact: customer,
        fk_socpeople: seed.contacts.claire,
      },
      { datecreate: '2026-02-10 09:00:00', statut: 4, element_id: shipped, fk_c_type_contact: salesRep, fk_socpeople: seed.users.staff },
      {
        datecreate: '2026-02-10 09:00:00',
        statut: 4,
        element_id: shipped,
        fk_c_type_contact: shipping,
        fk_socpeople: seed.contacts.sophie,
      },
    ]);
    await db('llx_commande').where({ rowid: shipped }).update({ ref_ext: 'SHOP-1017', model_pdf: null, location_incoterms: null });
    await db('llx_commandedet').where({ fk_commande: shipped }).update({ ref_ext: 'SHOP-LINE' });

    const rolledBack = await db
      .transaction(async (trx) => {
        await orders.orderAgain(ws, bakery, claire, String(shipped), { trx, ip: '203.0.113.9' });
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    expect(rolledBack).to.equal('rolled back');
    expect(await db('llx_commande').where({ fk_soc: seed.companies.bakery, fk_statut: 0 }).whereNot('rowid', draft)).to.have.length(0);
    expect(await db('portal_dolibarr_reorders')).to.have.length(0);

    const made = (await db.transaction((trx) => orders.orderAgain(ws, bakery, claire, String(shipped), { trx, ip: '203.0.113.9' })))!;
    expect(made.number).to.equal(`(PROV${made.id})`);
    const source = await db('llx_commande').where({ rowid: shipped }).first();
    const row = await db('llx_commande')
      .where({ rowid: Number(made.id) })
      .first();
    // Column by column, what Commande::createFromClone and create() write: the order's own
    // columns kept (the delivery date and ref_ext among them), the rest a new draft's.
    const kept = [
      'entity',
      'fk_soc',
      'fk_projet',
      'source',
      'note_public',
      'fk_cond_reglement',
      'deposit_percent',
      'fk_mode_reglement',
      'fk_account',
      'fk_availability',
      'fk_input_reason',
      'date_livraison',
      'fk_delivery_address',
      'fk_shipping_method',
      'fk_warehouse',
      'remise_absolue',
      'remise_percent',
      'ref_ext',
      'module_source',
      'pos_source',
      'fk_multicurrency',
      'multicurrency_code',
      'multicurrency_tx',
      'total_ht',
      'total_tva',
      'localtax1',
      'localtax2',
      'total_ttc',
      'multicurrency_total_ht',
      'multicurrency_total_tva',
      'multicurrency_total_ttc',
    ];
    for (const column of kept) expect(row[column], column).to.deep.equal(source[column]);
    expect(row.date_livraison).to.deep.equal(new Date('2026-02-28T00:00:00'));
    expect(row.ref_ext).to.equal('SHOP-1017');
    expect(row).to.include({
      fk_statut: 0,
      fk_user_author: seed.users.admin,
      fk_user_valid: null,
      fk_user_modif: null,
      date_valid: null,
      date_cloture: null,
      ref_client: null,
      model_pdf: '',
      location_incoterms: '',
      fk_incoterms: 0,
      import_key: '',
      last_main_doc: null,
      ip: '203.0.113.9',
    });
    expect(row.date_creation).to.be.an.instanceof(Date);
    expect(row.date_creation.getMilliseconds(), 'idate() writes seconds').to.equal(0);
    expect(row.note_private)
      .to.contain('Agency note')
      .and.contain('Asked for again from the client portal by')
      .and.contain('copy of order CO2602-0002');
    const lineColumns = [
      'fk_product',
      'label',
      'description',
      'tva_tx',
      'qty',
      'remise_percent',
      'subprice',
      'total_ht',
      'total_tva',
      'total_ttc',
      'rang',
    ];
    const pick = (line: Record<string, unknown>) => Object.fromEntries(lineColumns.map((c) => [c, line[c]]));
    const sourceLines = await db('llx_commandedet').where({ fk_commande: shipped }).orderBy('rang');
    const lines = await db('llx_commandedet')
      .where({ fk_commande: Number(made.id) })
      .orderBy('rang');
    expect(lines.map(pick)).to.deep.equal(sourceLines.map(pick));
    // "Do not clone ref_ext": each line's is '', as OrderLine::insert writes an empty one.
    expect(lines.map((l) => l.ref_ext)).to.deep.equal(['', '']);
    // copy_linked_contact(): the internal follow-up and the customer's contact, never a type switched off.
    const contacts = await db('llx_element_contact')
      .where({ element_id: Number(made.id) })
      .whereIn('fk_c_type_contact', [salesRep, customer, shipping])
      .orderBy('rowid');
    expect(contacts.map((c) => [c.fk_c_type_contact, c.fk_socpeople, c.statut])).to.deep.equal([
      [salesRep, seed.users.staff, 4],
      [customer, seed.contacts.claire, 4],
    ]);
    expect(contacts[0].datecreate).to.be.an.instanceof(Date);
    // Dolibarr's clone links nothing to the order it copies; the portal remembers the pair itself.
    const links = await db('llx_element_element').where({ fk_target: Number(made.id), targettype: 'commande' });
    expect(links).to.deep.equal([]);
    expect(await db('portal_dolibarr_reorders').select('entity', 'fk_commande', 'fk_source', 'fk_soc', 'fk_socpeople')).to.deep.equal([
      { entity: 1, fk_commande: Number(made.id), fk_source: shipped, fk_soc: seed.companies.bakery, fk_socpeople: seed.contacts.claire },
    ]);
    // The draft is the agency's: not listed for the client; the order names it, under its ref now.
    expect((await orders.list(ws, bakery, {}, { limit: 10 })).items.map((o) => o.number)).to.not.include(made.number);
    expect((await orders.find(ws, bakery, String(shipped)))!.reorders.map((r) => r.number)).to.deep.equal([made.number]);
    await db('llx_commande')
      .where({ rowid: Number(made.id) })
      .update({ ref: 'CO2602-0009' });
    expect((await orders.find(ws, bakery, String(shipped)))!.reorders.map((r) => r.number)).to.deep.equal(['CO2602-0009']);

    // Another company's order, a draft, a contact of another company: nothing written.
    expect(await orders.orderAgain(ws, bakery, claire, String(garageOrder))).to.equal(null);
    expect(await orders.orderAgain(ws, bakery, claire, String(draft))).to.equal(null);
    expect(await orders.orderAgain(ws, bakery, String(seed.contacts.paul), String(shipped))).to.equal(null);
    expect(await db('portal_dolibarr_reorders')).to.have.length(1);
  });

  it("shows each line's discount as the order card's Disc. column does", async function () {
    const { db, seed } = host;
    const { id } = await insertOrder(db, seed, {
      ref: 'CO2602-0011',
      fk_soc: seed.companies.bakery,
      fk_statut: 1,
      day: '2026-02-12',
      lines: [{ label: 'Layout work', qty: 1, subprice: 240, tva: 5.5 }],
    });
    // Commande::addline with a 10 % discount: total_ht is already net of it.
    await db('llx_commandedet')
      .where({ fk_commande: id })
      .update({ remise_percent: 10, total_ht: 216, total_tva: 11.88, total_ttc: 227.88 });
    const order = (await orders.find(ws, bakery, String(id)))!;
    expect(order.lines.map((l) => [l.quantity, l.unitPriceCents, l.discountPercent, l.totalCents])).to.deep.equal([
      [1, 24_000, 10, 21_600],
    ]);
    const plain = (await orders.find(ws, bakery, String(shipped)))!;
    expect(plain.lines.map((l) => l.discountPercent)).to.deep.equal([null, null]);
  });
});
