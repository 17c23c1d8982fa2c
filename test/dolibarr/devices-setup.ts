// Serial numbered products, their lots and the shipments that carried them, in a seeded Dolibarr
// database, written as Dolibarr writes them: Product::create (tobatch = Product::$status_batch),
// Productlot::create (entity, fk_product, batch, dates), and a shipment as Expedition::create
// writes it from an order with the Lot/Serial module on (ExpeditionLigne::insert with the line's
// fk_product, ExpeditionLineBatch::create with the serial), validated by Expedition::valid.
import type { Knex } from 'knex';
import { insertOrder } from './orders-setup.ts';
import type { DolibarrSeed } from './seed.ts';

const rowid = async (db: Knex, table: string, row: Record<string, unknown>) => {
  const [inserted] = await db(table).insert(row).returning('rowid');
  return Number((inserted as { rowid: number }).rowid);
};

/** tobatch: 0 not followed, 1 lot/batch, 2 serial number per unit. */
export function insertProduct(db: Knex, product: { ref: string; label: string; tobatch: 0 | 1 | 2; entity?: number }): Promise<number> {
  return rowid(db, 'llx_product', {
    ref: product.ref,
    label: product.label,
    entity: product.entity ?? 1,
    tobatch: product.tobatch,
    fk_product_type: 0,
    tosell: 1,
    tobuy: 1,
    datec: '2026-01-05 09:00:00',
  });
}

export function insertLot(
  db: Knex,
  lot: { productId: number; batch: string; entity?: number; barcode?: string; eol?: string; scrapped?: string },
): Promise<number> {
  return rowid(db, 'llx_product_lot', {
    entity: lot.entity ?? 1,
    fk_product: lot.productId,
    batch: lot.batch,
    barcode: lot.barcode ?? null,
    eol_date: lot.eol ? `${lot.eol} 00:00:00` : null,
    manufacturing_date: '2025-11-20 00:00:00',
    scrapping_date: lot.scrapped ? `${lot.scrapped} 00:00:00` : null,
    datec: '2026-01-06 09:00:00',
  });
}

let shipments = 0;

/**
 * An order of the company for the serials' products and its shipment carrying each serial, in
 * status fk_statut (0 draft, 1 validated, 2 closed, -1 cancelled), validated on `day`.
 */
export async function shipSerials(
  db: Knex,
  seed: DolibarrSeed,
  shipment: {
    fk_soc: number;
    fk_statut: number;
    day: string;
    delivered?: string;
    serials: Array<{ productId: number; batch: string }>;
    entity?: number;
  },
): Promise<number> {
  shipments += 1;
  const entity = shipment.entity ?? seed.entity;
  const order = await insertOrder(db, seed, {
    ref: `CO2601-${String(900 + shipments).padStart(4, '0')}`,
    fk_soc: shipment.fk_soc,
    fk_statut: 2,
    day: shipment.day,
    lines: shipment.serials.map((serial) => ({ label: `Unit ${serial.batch}`, qty: 1, subprice: 100, tva: 20 })),
    extra: { entity },
  });
  const id = await rowid(db, 'llx_expedition', {
    ref: shipment.fk_statut === 0 ? `(PROV${shipments})` : `SH2601-${String(900 + shipments).padStart(4, '0')}`,
    entity,
    fk_soc: shipment.fk_soc,
    date_creation: `${shipment.day} 08:00:00`,
    date_valid: shipment.fk_statut === 0 ? null : `${shipment.day} 08:30:00`,
    date_expedition: `${shipment.day} 10:00:00`,
    date_delivery: shipment.delivered ? `${shipment.delivered} 12:00:00` : null,
    fk_user_author: seed.users.admin,
    fk_statut: shipment.fk_statut,
  });
  let rang = 0;
  for (const serial of shipment.serials) {
    const lineId = await rowid(db, 'llx_expeditiondet', {
      fk_expedition: id,
      fk_element: order.id,
      fk_elementdet: order.lineIds[rang],
      element_type: 'commande',
      fk_product: serial.productId,
      qty: 1,
      rang: ++rang,
    });
    await db('llx_expeditiondet_batch').insert({ fk_expeditiondet: lineId, batch: serial.batch, qty: 1, fk_origin_stock: 0 });
  }
  await db('llx_element_element').insert({ fk_source: order.id, sourcetype: 'commande', fk_target: id, targettype: 'shipping' });
  return id;
}

/** The Lot/Serial module switched on for the entity, as its activation leaves llx_const. */
export async function enableProductBatch(db: Knex, entity = 1): Promise<void> {
  await db('llx_const').insert({ name: 'MAIN_MODULE_PRODUCTBATCH', entity, value: '1', type: 'chaine', visible: 0 });
}
