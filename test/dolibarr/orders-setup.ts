// Customer orders and shipments in a seeded Dolibarr database, written as Dolibarr's Commande and
// Expedition classes write them (a validated order's ref, its totals the sum of its lines as
// calcul_price_total rounds them, a shipment's lines naming the order and its lines, the carrier
// in llx_c_shipment_mode with Dolibarr's own tracking address template).
import type { Knex } from 'knex';
import type { DolibarrSeed } from './seed.ts';

interface Line {
  label: string;
  qty: number;
  subprice: number;
  tva: number;
}

const amounts = (line: Line) => {
  const ht = Math.round(line.qty * line.subprice * 100) / 100;
  const tva = Math.round(ht * line.tva) / 100;
  return { total_ht: ht.toFixed(2), total_tva: tva.toFixed(2), total_ttc: (ht + tva).toFixed(2) };
};

const rowid = async (db: Knex, table: string, row: Record<string, unknown>) => {
  const [inserted] = await db(table).insert(row).returning('rowid');
  return Number((inserted as { rowid: number }).rowid);
};

export async function insertOrder(
  db: Knex,
  seed: DolibarrSeed,
  order: { ref: string; fk_soc: number; fk_statut: number; day: string; lines: Line[]; extra?: Record<string, unknown> },
): Promise<{ id: number; lineIds: number[] }> {
  let ht = 0;
  let tva = 0;
  for (const line of order.lines) {
    ht += Number(amounts(line).total_ht);
    tva += Number(amounts(line).total_tva);
  }
  const id = await rowid(db, 'llx_commande', {
    ref: order.ref,
    entity: seed.entity,
    fk_soc: order.fk_soc,
    date_creation: `${order.day} 09:00:00`,
    date_valid: order.fk_statut === 0 ? null : `${order.day} 09:30:00`,
    date_commande: order.day,
    fk_user_author: seed.users.admin,
    fk_user_valid: order.fk_statut === 0 ? null : seed.users.admin,
    fk_statut: order.fk_statut,
    total_ht: ht.toFixed(2),
    total_tva: tva.toFixed(2),
    total_ttc: (ht + tva).toFixed(2),
    note_private: 'Agency note',
    note_public: `Order ${order.ref}`,
    model_pdf: 'eratosthene',
    multicurrency_code: 'EUR',
    multicurrency_tx: 1,
    ...order.extra,
  });
  const lineIds: number[] = [];
  let rang = 1;
  for (const line of order.lines) {
    lineIds.push(
      await rowid(db, 'llx_commandedet', {
        fk_commande: id,
        label: line.label,
        description: `${line.label}, as described`,
        tva_tx: line.tva,
        qty: line.qty,
        subprice: line.subprice,
        ...amounts(line),
        product_type: 0,
        rang: rang++,
        multicurrency_code: 'EUR',
        multicurrency_subprice: line.subprice,
      }),
    );
  }
  return { id, lineIds };
}

/** A carrier as Dolibarr's install data has them (llx_c_shipment_mode), with its tracking template. */
export async function insertCarrier(db: Knex, code: string, label: string, tracking: string | null): Promise<number> {
  return rowid(db, 'llx_c_shipment_mode', { entity: 1, code, libelle: label, tracking, active: 1 });
}

export async function insertShipment(
  db: Knex,
  seed: DolibarrSeed,
  shipment: {
    ref: string;
    fk_soc: number;
    orderId: number;
    fk_statut: number;
    carrier: number | null;
    tracking: string | null;
    sent: string;
    delivered?: string;
    lines: Array<{ lineId: number; qty: number }>;
  },
): Promise<number> {
  const id = await rowid(db, 'llx_expedition', {
    ref: shipment.ref,
    entity: seed.entity,
    fk_soc: shipment.fk_soc,
    date_creation: `${shipment.sent} 08:00:00`,
    date_valid: shipment.fk_statut === 0 ? null : `${shipment.sent} 08:30:00`,
    date_expedition: `${shipment.sent} 10:00:00`,
    date_delivery: shipment.delivered ? `${shipment.delivered} 12:00:00` : null,
    fk_user_author: seed.users.admin,
    fk_shipping_method: shipment.carrier,
    tracking_number: shipment.tracking,
    fk_statut: shipment.fk_statut,
  });
  let rang = 1;
  for (const line of shipment.lines) {
    await db('llx_expeditiondet').insert({
      fk_expedition: id,
      fk_element: shipment.orderId,
      fk_elementdet: line.lineId,
      element_type: 'commande',
      qty: line.qty,
      rang: rang++,
    });
  }
  await db('llx_element_element').insert({ fk_source: shipment.orderId, sourcetype: 'commande', fk_target: id, targettype: 'shipping' });
  return id;
}
