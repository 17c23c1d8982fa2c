// Service requests beside Dolibarr: the agency's request types and each client's requests, kept in
// the portal's own tables (portal_dolibarr_request_types, portal_dolibarr_requests), and what a
// request becomes in Dolibarr: a draft proposal written as Propal::create writes it (ref '(PROVn)',
// fk_statut 0, the client's contact linked as add_contact($contactid, 'CUSTOMER', 'external') does)
// or a ticket (tickets.ts's insertTicket). Every query scoped by entity, and by company for a
// client's requests; the host record is read live with each request, by rowid.
import type { Db } from './db.ts';
import { clientCompanyIds } from './db.ts';

export interface RequestTypeRow {
  id: string;
  name: string;
  description: string;
  fields: unknown;
  becomes: 'proposal' | 'ticket';
  ticket_type: string | null;
}

const TYPE_COLUMNS = ['id', 'name', 'description', 'fields', 'becomes', 'ticket_type'] as const;

/** The entity's active request types, in the agency's order; ticket types only where `tickets`. */
export async function listRequestTypes(db: Db, args: { entity: number; tickets: boolean }): Promise<RequestTypeRow[]> {
  const query = db('portal_dolibarr_request_types').where({ entity: args.entity, active: true });
  if (!args.tickets) query.where('becomes', 'proposal');
  return query
    .orderBy('position')
    .orderBy('id')
    .select<RequestTypeRow[]>(db.raw('id::text as id'), ...TYPE_COLUMNS.slice(1));
}

/** Every request type of the entity, active or not, in the agency's order (its settings page). */
export async function listAllRequestTypes(db: Db, args: { entity: number }): Promise<Array<RequestTypeRow & { active: boolean }>> {
  return db('portal_dolibarr_request_types')
    .where({ entity: args.entity })
    .orderBy('position')
    .orderBy('id')
    .select(db.raw('id::text as id'), ...TYPE_COLUMNS.slice(1), 'active');
}

/** Adds or replaces a request type of the entity (the agency's settings); answers its id, null when it is not the entity's. */
export async function saveRequestType(
  db: Db,
  args: {
    entity: number;
    id?: string;
    name: string;
    description: string;
    fields: unknown;
    becomes: 'proposal' | 'ticket';
    ticketType: string | null;
    position: number;
    active: boolean;
  },
): Promise<string | null> {
  const values = {
    name: args.name,
    description: args.description,
    fields: JSON.stringify(args.fields),
    becomes: args.becomes,
    ticket_type: args.becomes === 'ticket' ? args.ticketType : null,
    position: args.position,
    active: args.active,
  };
  if (args.id) {
    const changed = await db('portal_dolibarr_request_types').where({ entity: args.entity, id: args.id }).update(values);
    return changed > 0 ? args.id : null;
  }
  const [row] = await db('portal_dolibarr_request_types')
    .insert({ entity: args.entity, ...values })
    .returning<Array<{ id: string }>>(db.raw('id::text as id'));
  return row!.id;
}

export interface RequestRow {
  id: string;
  type_id: string;
  fk_soc: number;
  fk_socpeople: number | null;
  title: string;
  kind: 'general' | 'quote';
  fields: unknown;
  answers: unknown;
  element: 'propal' | 'ticket';
  fk_element: number;
  created_at: Date;
  /** The host record, read live: its ref, status and last change (null when Dolibarr deleted it). */
  host_ref: string | null;
  host_status: number | null;
  host_changed: Date | null;
}

/** A request with its host record's ref, status and last change, by rowid in llx_propal or llx_ticket. */
function scopedRequests(db: Db, entity: number) {
  return db('portal_dolibarr_requests as r')
    .leftJoin('llx_propal as p', function joinProposal() {
      this.on('p.rowid', '=', 'r.fk_element').andOn('p.entity', '=', 'r.entity').andOnVal('r.element', '=', 'propal');
    })
    .where('r.entity', entity)
    .whereIn('r.fk_soc', clientCompanyIds(db, entity));
}

/** Ticket columns are read in a subquery: llx_ticket exists only with the Ticket module. */
function columns(db: Db, tickets: boolean) {
  const ticket = (column: string) =>
    tickets
      ? db.raw(`(select ${column} from llx_ticket t where t.rowid = r.fk_element and t.entity = r.entity and r.element = 'ticket')`)
      : db.raw('null');
  return [
    db.raw('r.id::text as id'),
    db.raw('r.type_id::text as type_id'),
    'r.fk_soc',
    'r.fk_socpeople',
    'r.title',
    'r.kind',
    'r.fields',
    'r.answers',
    'r.element',
    'r.fk_element',
    'r.created_at',
    db.raw(`coalesce(p.ref, ${ticket('t.ref').toQuery()}) as host_ref`),
    db.raw(`coalesce(p.fk_statut, ${ticket('t.fk_statut').toQuery()}) as host_status`),
    db.raw(`coalesce(p.tms, ${ticket('greatest(t.tms, t.datec)').toQuery()})::timestamptz as host_changed`),
  ];
}

/** A company's requests, newest first (by id), a keyset page; `search` in the portal's ref or the title. */
export async function listRequests(
  db: Db,
  args: { entity: number; companyId: number; tickets: boolean; search: string | null; afterId: string | null; limit: number },
): Promise<RequestRow[]> {
  const query = scopedRequests(db, args.entity).where('r.fk_soc', args.companyId);
  if (args.afterId) query.where('r.id', '<', args.afterId);
  if (args.search) {
    const pattern = `%${args.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const digits = /^(?:req-?)?0*(\d{1,15})$/i.exec(args.search.trim());
    query.where((q) => {
      q.whereILike('r.title', pattern);
      if (digits) q.orWhere('r.id', digits[1]!);
    });
  }
  return query.orderBy('r.id', 'desc').limit(args.limit).select<RequestRow[]>(columns(db, args.tickets));
}

export async function findRequest(
  db: Db,
  args: { entity: number; companyId: number; id: string; tickets: boolean },
): Promise<RequestRow | null> {
  const row = await scopedRequests(db, args.entity)
    .where({ 'r.fk_soc': args.companyId, 'r.id': args.id })
    .first<RequestRow | undefined>(columns(db, args.tickets));
  return row ?? null;
}

/** The request a proposal of the company answers (the draft it became, now past draft). */
export async function findRequestOfProposal(
  db: Db,
  args: { entity: number; companyId: number; proposalId: number; tickets: boolean },
): Promise<RequestRow | null> {
  const row = await scopedRequests(db, args.entity)
    .where({ 'r.fk_soc': args.companyId, 'r.element': 'propal', 'r.fk_element': args.proposalId })
    .first<RequestRow | undefined>(columns(db, args.tickets));
  return row ?? null;
}

/** The next request's id, taken before its host record is written (which names it). */
export async function nextRequestId(trx: Db): Promise<string> {
  const result = await trx.raw("select nextval(pg_get_serial_sequence('portal_dolibarr_requests', 'id'))::text as id");
  return (result.rows as Array<{ id: string }>)[0]!.id;
}

export async function insertRequest(
  trx: Db,
  args: {
    id: string;
    entity: number;
    typeId: string;
    companyId: number;
    contactId: number;
    title: string;
    kind: 'general' | 'quote';
    fields: unknown;
    answers: unknown;
    element: 'propal' | 'ticket';
    elementId: number;
  },
): Promise<void> {
  await trx('portal_dolibarr_requests').insert({
    id: args.id,
    entity: args.entity,
    type_id: args.typeId,
    fk_soc: args.companyId,
    fk_socpeople: args.contactId,
    title: args.title,
    kind: args.kind,
    fields: JSON.stringify(args.fields),
    answers: JSON.stringify(args.answers),
    element: args.element,
    fk_element: args.elementId,
  });
}

/**
 * The newest public message of the agency on each of some tickets (TICKET_MSG by an internal user):
 * each request's answer, in one read for a page of requests.
 */
export async function latestAgencyAnswers(
  db: Db,
  args: { entity: number; ticketIds: number[] },
): Promise<Map<number, { note: string | null; datec: Date }>> {
  if (args.ticketIds.length === 0) return new Map();
  const rows = await db('llx_actioncomm as a')
    .join('llx_user as u', 'u.rowid', 'a.fk_user_author')
    .where({ 'a.entity': args.entity, 'a.elementtype': 'ticket' })
    .whereIn('a.fk_element', args.ticketIds)
    .whereIn('a.code', ['TICKET_MSG', 'TICKET_MSG_SENTBYMAIL'])
    .whereNull('u.fk_soc')
    .distinctOn('a.fk_element')
    .orderBy([{ column: 'a.fk_element' }, { column: 'a.id', order: 'desc' }])
    .select<Array<{ fk_element: number; note: string | null; datec: Date }>>(
      'a.fk_element',
      'a.note',
      db.raw('a.datec::timestamptz as datec'),
    );
  return new Map(rows.map((row) => [row.fk_element, { note: row.note, datec: row.datec }]));
}

/** MultiCurrency::getIdFromCode: the entity's llx_multicurrency row of the code, 0 when there is none. */
async function multicurrencyId(trx: Db, args: { entity: number; code: string }): Promise<number> {
  const row = await trx('llx_multicurrency').where({ code: args.code, entity: args.entity }).first<{ rowid: number } | undefined>('rowid');
  return row?.rowid ?? 0;
}

/** The company's payment terms and mode, which propal/card.php preselects for a new proposal. */
async function companyTerms(trx: Db, args: { entity: number; companyId: number }) {
  return trx('llx_societe')
    .where({ entity: args.entity, rowid: args.companyId })
    .first<{ cond_reglement: number | null; mode_reglement: number | null } | undefined>('cond_reglement', 'mode_reglement');
}

/**
 * Propal::create's insert of a draft (fk_statut 0, totals 0, no lines): ref '(PROV)' and, once the
 * row has its id, '(PROV<id>)'; datep today and fin_validite datep + the validity days; the author
 * the acting user; ref_client what the client quotes; note_public the answers. What the insert
 * writes as '' or 0 from a property the card leaves empty is '' or 0 here too, never NULL
 * (ref_ext, note_private, model_pdf, location_incoterms; fk_availability, fk_input_reason,
 * fk_incoterms), and fk_multicurrency is MultiCurrency::getIdFromCode's for the currency, 0 when
 * the entity has no such row (the module off). Then
 * add_contact($contactid, 'CUSTOMER', 'external'): the element_contact row (statut 4), where the
 * install data has that contact type.
 */
export async function insertDraftProposal(
  trx: Db,
  args: {
    entity: number;
    companyId: number;
    contactId: number;
    userId: number | null;
    refClient: string;
    notePublic: string;
    validityDays: number;
    modelPdf: string | null;
    currency: string | null;
  },
): Promise<{ rowid: number; ref: string }> {
  const terms = await companyTerms(trx, args);
  const multicurrency = args.currency ? await multicurrencyId(trx, { entity: args.entity, code: args.currency }) : 0;
  const [row] = await trx('llx_propal')
    .insert({
      ref: '(PROV)',
      entity: args.entity,
      fk_soc: args.companyId,
      ref_client: args.refClient.slice(0, 255),
      ref_ext: '',
      datec: trx.fn.now(),
      datep: trx.raw('current_date'),
      fin_validite: trx.raw(`current_date + (? || ' days')::interval`, [String(args.validityDays)]),
      fk_user_author: args.userId,
      fk_statut: 0,
      price: 0,
      total_ht: 0,
      total_tva: 0,
      total_ttc: 0,
      fk_cond_reglement: terms?.cond_reglement ?? null,
      fk_mode_reglement: terms?.mode_reglement ?? null,
      note_private: '',
      note_public: args.notePublic,
      model_pdf: args.modelPdf ?? '',
      fk_availability: 0,
      fk_input_reason: 0,
      fk_incoterms: 0,
      location_incoterms: '',
      fk_multicurrency: multicurrency,
      multicurrency_code: args.currency,
      multicurrency_tx: 1,
    })
    .returning<Array<{ rowid: number }>>('rowid');
  if (!row) throw new Error('dolibarr: insert into llx_propal returned no row');
  const ref = `(PROV${row.rowid})`;
  await trx('llx_propal').where({ rowid: row.rowid }).update({ ref });
  const type = await trx('llx_c_type_contact')
    .where({ element: 'propal', source: 'external', code: 'CUSTOMER', active: 1 })
    .orderBy('rowid')
    .first<{ rowid: number } | undefined>('rowid');
  if (type) {
    await trx('llx_element_contact').insert({
      element_id: row.rowid,
      fk_socpeople: args.contactId,
      datecreate: trx.fn.now(),
      statut: 4,
      fk_c_type_contact: type.rowid,
    });
  }
  return { rowid: row.rowid, ref };
}
