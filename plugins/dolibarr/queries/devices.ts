// What the portal reads of a client company's devices in Dolibarr, always from devicesSeenBy
// (visibility.ts): the serial numbered units (llx_product_lot of a product with tobatch 2) whose
// last shipment past draft went to the company; and the tickets linked to one
// (llx_element_element, 'productlot' → 'ticket', as CommonObject::add_object_linked writes a link
// made on the ticket card, which getElementProperties('productlot') then shows among the ticket's
// linked objects).
//   llx_product_lot: batch (the serial number), barcode (the unit's own barcode), eol_date (End of
//   life), scrapping_date (Destruction date), tms. llx_product: ref, label.
import type { Db } from './db.ts';
import { devicesSeenBy, type CompanyScope } from './visibility.ts';

export interface DeviceRow {
  rowid: number;
  product_ref: string;
  product_label: string | null;
  batch: string | null;
  barcode: string | null;
  scrapped: boolean;
  shipment_status: number;
  /** 'YYYY-MM-DD' of the last shipment's delivery (a closed shipment's date_delivery), else of its validation. */
  received_on: string | null;
  eol_on: string | null;
  tms: Date | null;
}

/** Out of service: Dolibarr's Destruction date (scrapping_date) is set and not in the future. */
const SCRAPPED_SQL = '(l.scrapping_date is not null and l.scrapping_date <= localtimestamp)';
/** Expedition::STATUS_CLOSED: the customer received the parcel. */
const SHIPMENT_CLOSED = 2;
/** The name a device is listed by: the product's label, else its ref (label is NOT NULL, but may be blank). */
const NAME_SQL = "coalesce(nullif(trim(p.label), ''), p.ref)";

function columns(db: Db) {
  return [
    'l.rowid',
    'p.ref as product_ref',
    'p.label as product_label',
    'l.batch',
    'l.barcode',
    db.raw(`${SCRAPPED_SQL} as scrapped`),
    's.fk_statut as shipment_status',
    db.raw(
      `to_char(case when s.fk_statut = ${SHIPMENT_CLOSED} and s.date_delivery is not null then s.date_delivery else s.date_valid end, 'YYYY-MM-DD') as received_on`,
    ),
    db.raw("to_char(l.eol_date, 'YYYY-MM-DD') as eol_on"),
    'l.tms',
  ];
}

export interface DeviceListArgs extends CompanyScope {
  state: 'active' | 'inactive' | 'all';
  /** An ILIKE pattern (the portal's containsPattern) the name, serial number or barcode matches. */
  matching?: string;
  /** The last device of the page before: the list goes on after it by name, then rowid. */
  afterId?: number;
  limit: number;
}

/** A page of the company's devices, by name then rowid. */
export function listDevices(db: Db, args: DeviceListArgs): Promise<DeviceRow[]> {
  const query = devicesSeenBy(db, args).select(columns(db));
  if (args.state === 'active') query.whereRaw(`not ${SCRAPPED_SQL}`);
  if (args.state === 'inactive') query.whereRaw(SCRAPPED_SQL);
  if (args.matching) {
    const pattern = args.matching;
    query.andWhere((q) => q.whereRaw(`${NAME_SQL} ilike ?`, [pattern]).orWhereILike('l.batch', pattern).orWhereILike('l.barcode', pattern));
  }
  if (args.afterId !== undefined)
    query.whereRaw(
      `(${NAME_SQL}, l.rowid) > (select coalesce(nullif(trim(ap.label), ''), ap.ref), al.rowid
          from llx_product_lot al join llx_product ap on ap.rowid = al.fk_product
         where al.rowid = ? and al.entity = ?)`,
      [args.afterId, args.entity],
    );
  return query.orderByRaw(`${NAME_SQL}, l.rowid`).limit(args.limit) as unknown as Promise<DeviceRow[]>;
}

export async function findDevice(db: Db, args: CompanyScope & { lotId: number }): Promise<DeviceRow | null> {
  const row = await devicesSeenBy(db, args).where('l.rowid', args.lotId).first<DeviceRow | undefined>(columns(db));
  return row ?? null;
}

/**
 * The ticket aliased `ticket` is linked to a lot (its rowid bound to both `?`) in
 * llx_element_element: 'productlot' → 'ticket' as the ticket card's "link to" writes it, or the
 * other way round, which CommonObject::fetchObjectLinked reads as well.
 */
export const ticketLinkedToLotSql = (ticket: string) => `exists (select 1 from llx_element_element ee
   where (ee.sourcetype = 'productlot' and ee.fk_source = ? and ee.targettype = 'ticket' and ee.fk_target = ${ticket}.rowid)
      or (ee.sourcetype = 'ticket' and ee.fk_source = ${ticket}.rowid and ee.targettype = 'productlot' and ee.fk_target = ?))`;

/**
 * The link of a new ticket to the device it is about, as CommonObject::add_object_linked writes
 * it from the ticket card (the lot as the source, the ticket as the target). The caller checked,
 * in the same transaction, that the device is the company's.
 */
export async function linkTicketToDevice(trx: Db, args: { lotId: number; ticketId: number }): Promise<void> {
  await trx('llx_element_element').insert({
    fk_source: args.lotId,
    sourcetype: 'productlot',
    fk_target: args.ticketId,
    targettype: 'ticket',
  });
}
