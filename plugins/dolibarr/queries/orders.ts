// What the portal reads and writes of Dolibarr's customer orders (llx_commande, its lines
// llx_commandedet) and their shipments (llx_expedition, llx_expeditiondet, the carrier from
// llx_c_shipment_mode), always from ordersSeenBy (visibility.ts): the company's orders past draft,
// in the entity. Money is read as text.
//   fk_statut (Commande::STATUS_*): -1 cancelled, 0 draft, 1 validated, 2 shipment in progress,
//   3 closed (delivered).
//   Links (llx_element_element): propal → commande for the proposal it came from, commande →
//   facture for its invoices. A draft the client asked for again is the portal's own record
//   (portal_dolibarr_reorders): Dolibarr's clone links nothing.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { type CompanyListPage, INVOICE_DRAFT, LISTED_TYPES, ordersSeenBy, PROPAL_DRAFT, SHOWN_SHIPMENT_STATUSES } from './visibility.ts';

export const ORDER_STATUS = { cancelled: -1, validated: 1, shipping: 2, closed: 3 } as const;

const ORDER_DATE_KEY = "coalesce(o.date_commande, date '0001-01-01')";

export interface OrderRow {
  rowid: number;
  ref: string;
  ref_client: string | null;
  fk_statut: number;
  date_commande: string | null;
  date_livraison: string | null;
  total_ht: string;
  total_tva: string;
  total_ttc: string;
  date_key: string;
}

export interface OrderDetailRow extends OrderRow {
  note_public: string | null;
  date_valid: Date | null;
  date_cloture: Date | null;
  tms: Date | null;
  last_main_doc: string | null;
}

function columns(db: Db) {
  return [
    'o.rowid',
    'o.ref',
    'o.ref_client',
    'o.fk_statut',
    db.raw("to_char(o.date_commande, 'YYYY-MM-DD') as date_commande"),
    db.raw("to_char(o.date_livraison, 'YYYY-MM-DD') as date_livraison"),
    db.raw('coalesce(o.total_ht, 0)::text as total_ht'),
    db.raw('coalesce(o.total_tva, 0)::text as total_tva'),
    db.raw('coalesce(o.total_ttc, 0)::text as total_ttc'),
    db.raw(`to_char(${ORDER_DATE_KEY}, 'YYYY-MM-DD') as date_key`),
  ];
}

export async function listOrders(db: Db, args: CompanyListPage): Promise<OrderRow[]> {
  const query = ordersSeenBy(db, args).select(columns(db));
  if (args.statuses) query.whereIn('o.fk_statut', args.statuses);
  if (args.matching) {
    const { matching, amount } = args;
    query.andWhere((q) => {
      q.whereILike('o.ref', matching).orWhereILike('o.ref_client', matching);
      if (amount) q.orWhereRaw('round(coalesce(o.total_ttc, 0) * 100) between ? and ?', [amount.fromCents, amount.toCents]);
    });
  }
  if (args.before) query.andWhereRaw(`(${ORDER_DATE_KEY}, o.rowid) < (?::date, ?)`, [args.before.date, args.before.rowid]);
  return query.orderByRaw(`${ORDER_DATE_KEY} desc, o.rowid desc`).limit(args.limit + 1) as unknown as Promise<OrderRow[]>;
}

export async function findOrder(db: Db, args: { entity: number; companyId: number; orderId: number }): Promise<OrderDetailRow | null> {
  const row = await ordersSeenBy(db, args)
    .where('o.rowid', args.orderId)
    .first<OrderDetailRow | undefined>([...columns(db), 'o.note_public', 'o.date_valid', 'o.date_cloture', 'o.tms', 'o.last_main_doc']);
  return row ?? null;
}

export interface OrderLineRow {
  rowid: number;
  label: string | null;
  description: string | null;
  product_label: string | null;
  qty: number | null;
  subprice: string;
  tva_tx: string | null;
  remise_percent: number | null;
  total_ht: string;
  total_tva: string;
}

/** The order's lines in Dolibarr's order (rang), with the product's label where the line has none. */
export function listOrderLines(db: Db, args: { entity: number; companyId: number; orderId: number }): Promise<OrderLineRow[]> {
  return db('llx_commandedet as d')
    .leftJoin('llx_product as pr', 'pr.rowid', 'd.fk_product')
    .whereIn('d.fk_commande', ordersSeenBy(db, args).where('o.rowid', args.orderId).select('o.rowid'))
    .orderBy([{ column: 'd.rang' }, { column: 'd.rowid' }])
    .select<OrderLineRow[]>([
      'd.rowid',
      'd.label',
      'd.description',
      'pr.label as product_label',
      'd.qty',
      db.raw('coalesce(d.subprice, 0)::text as subprice'),
      db.raw('d.tva_tx::text as tva_tx'),
      'd.remise_percent',
      db.raw('coalesce(d.total_ht, 0)::text as total_ht'),
      db.raw('coalesce(d.total_tva, 0)::text as total_tva'),
    ]);
}

export interface ShipmentRow {
  rowid: number;
  ref: string;
  fk_statut: number;
  date_expedition: string | null;
  date_delivery: string | null;
  tracking_number: string | null;
  carrier: string | null;
  tracking_template: string | null;
  lines: Array<{ label: string | null; description: string | null; product_label: string | null; qty: number | null }>;
}

/**
 * The order's shipments the company sees (validated or closed, of the company, in the entity), with
 * the carrier and its tracking address template (llx_c_shipment_mode.tracking, {TRACKID} in it) and
 * the lines each carries, oldest first.
 */
export function listOrderShipments(db: Db, args: { entity: number; companyId: number; orderId: number }): Promise<ShipmentRow[]> {
  return db('llx_expedition as e')
    .leftJoin('llx_c_shipment_mode as sm', 'sm.rowid', 'e.fk_shipping_method')
    .where({ 'e.entity': args.entity, 'e.fk_soc': args.companyId })
    .whereIn('e.fk_statut', SHOWN_SHIPMENT_STATUSES)
    .whereExists(ordersSeenBy(db, args).where('o.rowid', args.orderId).select(db.raw('1')))
    .andWhere((q) =>
      q
        .whereExists(
          db('llx_expeditiondet as x')
            .select(db.raw('1'))
            .whereRaw('x.fk_expedition = e.rowid')
            .where({ 'x.element_type': 'commande', 'x.fk_element': args.orderId }),
        )
        .orWhereExists(
          db('llx_element_element as ee')
            .select(db.raw('1'))
            .whereRaw('ee.fk_target = e.rowid')
            .where({ 'ee.sourcetype': 'commande', 'ee.fk_source': args.orderId, 'ee.targettype': 'shipping' }),
        ),
    )
    .orderByRaw('coalesce(e.date_expedition, e.date_valid, e.date_creation) asc nulls last, e.rowid asc')
    .select<ShipmentRow[]>([
      'e.rowid',
      'e.ref',
      'e.fk_statut',
      db.raw("to_char(coalesce(e.date_expedition, e.date_valid), 'YYYY-MM-DD') as date_expedition"),
      db.raw("to_char(e.date_delivery, 'YYYY-MM-DD') as date_delivery"),
      'e.tracking_number',
      'sm.libelle as carrier',
      'sm.tracking as tracking_template',
      db.raw(
        `coalesce((select json_agg(json_build_object('label', cd.label, 'description', cd.description, 'product_label', pr.label, 'qty', x.qty)
            order by x.rang, x.rowid)
           from llx_expeditiondet x
           left join llx_commandedet cd on cd.rowid = x.fk_elementdet and cd.fk_commande = ?
           left join llx_product pr on pr.rowid = coalesce(x.fk_product, cd.fk_product)
          where x.fk_expedition = e.rowid), '[]') as lines`,
        [args.orderId],
      ),
    ]);
}

/**
 * The proposal (past draft, the company's) the order came from, its invoices the company sees, and
 * the drafts asked for again from it (still the company's, under the ref Dolibarr gives them now).
 */
export async function listOrderLinks(
  db: Db,
  args: { entity: number; companyId: number; orderId: number },
): Promise<{
  proposal: { rowid: number; ref: string } | null;
  invoices: Array<{ rowid: number; ref: string }>;
  reorders: Array<{ ref: string; date_creation: Date | null }>;
}> {
  const { entity, companyId, orderId } = args;
  const rows = await db
    .select<Array<{ kind: string; rowid: number; ref: string; at: Date | null }>>(['kind', 'rowid', 'ref', 'at'])
    .from(
      db
        .queryBuilder()
        .unionAll(
          [
            db('llx_element_element as ee')
              .join('llx_propal as p', 'p.rowid', 'ee.fk_source')
              .where({ 'ee.sourcetype': 'propal', 'ee.targettype': 'commande', 'ee.fk_target': orderId })
              .where({ 'p.entity': entity, 'p.fk_soc': companyId })
              .whereNot('p.fk_statut', PROPAL_DRAFT)
              .select([db.raw("'proposal' as kind"), 'p.rowid', 'p.ref', db.raw('null::timestamp as at')]),
            db('llx_element_element as ee')
              .join('llx_facture as f', 'f.rowid', 'ee.fk_target')
              .where({ 'ee.sourcetype': 'commande', 'ee.targettype': 'facture', 'ee.fk_source': orderId })
              .where({ 'f.entity': entity, 'f.fk_soc': companyId })
              .whereNot('f.fk_statut', INVOICE_DRAFT)
              .whereIn('f.type', LISTED_TYPES)
              .select([db.raw("'invoice' as kind"), 'f.rowid', 'f.ref', db.raw('f.datef::timestamp as at')]),
            db('portal_dolibarr_reorders as r')
              .join('llx_commande as d', 'd.rowid', 'r.fk_commande')
              .where({ 'r.entity': entity, 'r.fk_source': orderId })
              .where({ 'd.entity': entity, 'd.fk_soc': companyId })
              .select([db.raw("'reorder' as kind"), 'd.rowid', 'd.ref', 'd.date_creation as at']),
          ],
          true,
        )
        .as('links'),
    )
    .whereExists(ordersSeenBy(db, args).where('o.rowid', orderId).select(db.raw('1')))
    .orderBy([
      { column: 'at', order: 'asc' },
      { column: 'rowid', order: 'asc' },
    ]);
  const proposal = rows.find((row) => row.kind === 'proposal');
  return {
    proposal: proposal ? { rowid: proposal.rowid, ref: proposal.ref } : null,
    invoices: rows.filter((row) => row.kind === 'invoice').map((row) => ({ rowid: row.rowid, ref: row.ref })),
    reorders: rows.filter((row) => row.kind === 'reorder').map((row) => ({ ref: row.ref, date_creation: row.at })),
  };
}

/** The day the first shipment left, for the order's history; null before any did. */
export function firstShipmentDay(shipments: readonly ShipmentRow[]): string | null {
  return shipments.map((s) => s.date_expedition).find((day): day is string => day !== null) ?? null;
}

/**
 * The order's own columns a draft copies as they are, as Commande::createFromClone keeps them (its
 * create() writes them from the fetched order). The totals are what update_price() computes again
 * from the same lines.
 */
export const CLONED_ORDER_COLUMNS = [
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
] as const;

/**
 * Columns create() writes through escape() or a cast, so an empty value reads '' or 0 on the copy:
 * ref_ext kept but an empty one written NULL, model_pdf and location_incoterms '' for none,
 * fk_incoterms (int), import_key trim('').
 */
const CLONED_ORDER_EXPRESSIONS = {
  ref_ext: "nullif(o.ref_ext, '')",
  model_pdf: "coalesce(o.model_pdf, '')",
  location_incoterms: "coalesce(o.location_incoterms, '')",
  fk_incoterms: 'coalesce(o.fk_incoterms, 0)',
  import_key: "''",
} as const;

/** The order's columns a draft writes from CLONED_ORDER_EXPRESSIONS, for the binding's claims. */
export const CLONED_ORDER_EXPRESSION_COLUMNS = Object.keys(CLONED_ORDER_EXPRESSIONS) as Array<keyof typeof CLONED_ORDER_EXPRESSIONS>;

/** The line columns a draft copies, as Commande::createFromClone copies each line (addline with its own amounts). */
export const CLONED_LINE_COLUMNS = [
  'fk_product',
  'label',
  'description',
  'vat_src_code',
  'tva_tx',
  'localtax1_tx',
  'localtax1_type',
  'localtax2_tx',
  'localtax2_type',
  'qty',
  'remise_percent',
  'remise',
  'price',
  'subprice',
  'subprice_ttc',
  'total_ht',
  'total_tva',
  'total_localtax1',
  'total_localtax2',
  'total_ttc',
  'product_type',
  'date_start',
  'date_end',
  'info_bits',
  'buy_price_ht',
  'fk_product_fournisseur_price',
  'special_code',
  'rang',
  'fk_unit',
  'fk_multicurrency',
  'multicurrency_code',
  'multicurrency_subprice',
  'multicurrency_subprice_ttc',
  'multicurrency_total_ht',
  'multicurrency_total_tva',
  'multicurrency_total_ttc',
] as const;

/**
 * "Order again" as Dolibarr's Commande::createFromClone and create() write a draft: a new
 * llx_commande row with ref '(PROV)' renamed '(PROV<rowid>)', status draft (0), the same company
 * and entity, today as its date, date_creation now (to the second, as idate() writes it),
 * fk_user_author the portal's configured user (or null), the customer's reference cleared
 * (MAIN_KEEP_REF_CUSTOMER_ON_CLONING off), the
 * delivery date and the rest of the order's own columns kept, and the private note saying who
 * asked; its lines copied with their amounts, each line's ref_ext '' ("Do not clone ref_ext");
 * the order's contacts copied as copy_linked_contact() adds them (internal, then external, the
 * company being the same: llx_element_contact, status 4, the types of orders still active).
 * Dolibarr links no object to the copy (llx_element_element), so neither does the portal: the
 * pair is its own row (portal_dolibarr_reorders). Null when the order is not the company's past
 * draft. In the caller's transaction.
 */
export async function insertOrderDraftCopy(
  trx: Knex.Transaction,
  args: {
    entity: number;
    companyId: number;
    orderId: number;
    contactId: number;
    userId: number | null;
    note: string;
    ip: string | null;
  },
): Promise<{ rowid: number; ref: string } | null> {
  const source = await ordersSeenBy(trx, args).where('o.rowid', args.orderId).forUpdate().first('o.rowid', 'o.note_private');
  if (!source) return null;
  const notePrivate = [String(source.note_private ?? '').trim(), args.note].filter(Boolean).join('\n');
  const expressions = Object.entries(CLONED_ORDER_EXPRESSIONS);
  const { rows } = await trx.raw<{ rows: Array<{ rowid: number }> }>(
    `insert into llx_commande (ref, entity, ${CLONED_ORDER_COLUMNS.join(', ')}, ${expressions.map(([c]) => c).join(', ')},
                               ref_client, date_creation, date_commande, fk_user_author, fk_statut, note_private, ip)
     select '(PROV)', entity, ${CLONED_ORDER_COLUMNS.map((c) => `o.${c}`).join(', ')}, ${expressions.map(([, e]) => e).join(', ')},
            null, date_trunc('second', now()), current_date, ?, 0, ?, ?
       from llx_commande o where o.rowid = ? and o.entity = ? and o.fk_soc = ?
     returning rowid`,
    [args.userId, notePrivate, args.ip, source.rowid, args.entity, args.companyId],
  );
  const rowid = rows[0]?.rowid;
  if (rowid === undefined) return null;
  const ref = `(PROV${rowid})`;
  await trx('llx_commande').where({ rowid, entity: args.entity }).update({ ref });
  await trx.raw(
    `insert into llx_commandedet (fk_commande, ${CLONED_LINE_COLUMNS.join(', ')}, ref_ext)
     select ?, ${CLONED_LINE_COLUMNS.map((c) => `d.${c}`).join(', ')}, '' from llx_commandedet d where d.fk_commande = ? order by d.rang, d.rowid`,
    [rowid, source.rowid],
  );
  // copy_linked_contact(): liste_contact() of the order (types of element 'commande', active), each
  // added once per contact and type, internal ones first, then external, by the person's last name.
  await trx.raw(
    `insert into llx_element_contact (element_id, fk_socpeople, datecreate, statut, fk_c_type_contact)
     select ?, ec.fk_socpeople, date_trunc('second', localtimestamp), 4, ec.fk_c_type_contact
       from llx_element_contact ec
       join llx_c_type_contact tc on tc.rowid = ec.fk_c_type_contact and tc.element = 'commande' and tc.active = 1
       left join llx_user u on tc.source = 'internal' and u.rowid = ec.fk_socpeople
       left join llx_socpeople p on tc.source = 'external' and p.rowid = ec.fk_socpeople
      where ec.element_id = ? and tc.source in ('internal', 'external')
      order by tc.source desc, coalesce(u.lastname, p.lastname), ec.rowid
     on conflict (element_id, fk_c_type_contact, fk_socpeople) do nothing`,
    [rowid, source.rowid],
  );
  await trx('portal_dolibarr_reorders').insert({
    entity: args.entity,
    fk_commande: rowid,
    fk_source: source.rowid,
    fk_soc: args.companyId,
    fk_socpeople: args.contactId,
  });
  return { rowid, ref };
}
