// What a client contact may see and act on in Dolibarr, in one place. Every query of the binding
// that reads a company's records for the portal starts from a scope here, so each of Dolibarr's
// rules is written once and no feature can forget it (docs/host-visibility.md lists them, each
// with its test).
//
// Where Dolibarr decides each rule:
// - the company: a third party in activity that is a customer or prospect (db.ts,
//   clientCompanyIds), and the contact one of its own (llx_socpeople.fk_soc);
// - proposals and invoices: the company's (fk_soc), as Dolibarr's WebPortal lists them for a
//   third party's account; drafts are the agency's work in progress and never shown;
// - projects: Project::getProjectsAuthorizedForUser (htdocs/projet/class/project.class.php),
//   mode 0: a project is seen when it is public (public = 1) or the person is one of its contacts
//   (llx_element_contact); for a client's contact, an external contact of the project
//   (llx_c_type_contact element 'project', source 'external'). A draft (fk_statut 0) is still the
//   agency's;
// - tasks: Dolibarr decides what a person sees of a project's tasks by the project alone: the
//   project's Tasks tab lists every task of it (htdocs/projet/tasks.php, getTasksArray with no user
//   filter: "We need all tasks"), the task list every task of the projects
//   getProjectsAuthorizedForUser returns (htdocs/projet/tasks/list.php, `p.rowid IN (…)`; "mine" is
//   a filter the reader chooses), and a task card asks the project (restrictedProjectArea). Who is
//   assigned to a task (llx_element_contact, element 'project_task') never hides it. So a task is
//   seen when its project is and its status is one Dolibarr shows; the project page's list, its
//   progress, the Tasks page's lists and counts and marking done all read that one rule;
// - tickets: the company's (llx_ticket.fk_soc), as Dolibarr's public ticket pages and WebPortal's
//   ticket list show a third party's tickets.
// - orders: the company's (llx_commande.fk_soc) past draft, as WebPortal's order list of a third
//   party's account (htdocs/webportal/controllers/orderlist.controller.class.php) lists them:
//   validated, shipment in progress, closed (delivered) and cancelled; a draft (fk_statut 0) is the
//   agency's. Their shipments (llx_expedition) are the company's validated or closed ones that
//   carry the order's lines (llx_expeditiondet.fk_element) or are linked to it (llx_element_element).
// - recurring invoices: the company's templates (llx_facture_rec.fk_soc) that Dolibarr will still
//   generate an invoice from, as FactureRec::createRecurringInvoices picks them
//   (htdocs/compta/facture/class/facture-rec.class.php): a frequency (frequency > 0; without one
//   the row is a mere template), not suspended (suspended 0), and not past its last generation
//   (nb_gen_max 0 or unset, or nb_gen_done < nb_gen_max: isMaxNbGenReached). One with no next date
//   (date_when null, as the card's frequency setting leaves it) is due now: Dolibarr's
//   createRecurringInvoices picks it at its next run (date_when is null or past).
// - contracts: the company's validated contracts (llx_contrat.statut 1; a draft, 0, is the agency's
//   work in progress, and a closed one, 2, is no longer shown, as the brief of the section asks);
//   the time used against one: its company's interventions linked to it (llx_fichinter.fk_contrat,
//   the contract and never a line) past draft (fk_statut 1 validated, 2 billed, 3 closed), their
//   lines' durations, each counted once against the contract's hours.
// - devices: a unit of a product numbered by serial (llx_product.tobatch 2, Product::$status_batch;
//   1 is a lot or batch of many units, not one device) whose serial (llx_product_lot) went out on
//   a shipment past draft (llx_expedition.fk_statut >= 1) of this company, as Dolibarr's lot card
//   lists a serial's shipments (htdocs/product/stock/stats/expedition.php,
//   Productlot::loadStatsExpedition: llx_expeditiondet_batch.batch → llx_expeditiondet →
//   llx_expedition.fk_soc). A serial shipped to several companies over time is the one's it was
//   shipped to last (validation date, then rowid): a unit sent back and out again belongs to its
//   last customer, and the one before no longer sees it. The contact does not narrow it, as for
//   the company's shipments and orders.
import type { Knex } from 'knex';
import { clientCompanyIds, type Db } from './db.ts';

export interface CompanyScope {
  entity: number;
  companyId: number;
}

/**
 * A page of a company's list of records by status (proposals, orders): the statuses asked for (all
 * it sees without), the search, the keyset to continue from (the record's date and rowid), its size.
 */
export interface CompanyListPage extends CompanyScope {
  statuses?: number[];
  /** An ILIKE pattern (the portal's containsPattern) the ref or the customer's reference matches. */
  matching?: string;
  /** With matching: a record whose total_ttc, in cents, is within these matches too. */
  amount?: { fromCents: number; toCents: number };
  before?: { date: string; rowid: number } | null;
  limit: number;
}

export interface ContactScope extends CompanyScope {
  contactId: number;
}

/** A proposal's and an invoice's draft status (llx_propal and llx_facture fk_statut 0). */
export const PROPAL_DRAFT = 0;
export const INVOICE_DRAFT = 0;
/**
 * The invoice types a client is billed with: 0 standard, 1 replacement, 3 deposit, 5 situation.
 * Credit notes (2) are money the agency owes, not a bill to pay.
 */
export const LISTED_TYPES = [0, 1, 3, 5] as const;

/**
 * The company of the scope as a client (db.ts, clientCompanyIds), a subquery for whereExists: checked
 * once per statement, where a join on the records' fk_soc could loop over every client company.
 */
function companyIsAClient(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return clientCompanyIds(db, scope.entity).where('rowid', scope.companyId);
}

/**
 * The company's rows of a table of records (aliased `alias`, with entity and fk_soc) while the
 * company is a client: what each list of its records narrows further.
 */
function clientCompanyRows(db: Db, table: string, alias: string, scope: CompanyScope): Knex.QueryBuilder {
  return db(`${table} as ${alias}`)
    .where({ [`${alias}.entity`]: scope.entity, [`${alias}.fk_soc`]: scope.companyId })
    .whereIn(`${alias}.fk_soc`, clientCompanyIds(db, scope.entity));
}

/** The company's proposals (llx_propal aliased p) its contacts see: past draft. */
export function proposalsSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return clientCompanyRows(db, 'llx_propal', 'p', scope).whereNot('p.fk_statut', PROPAL_DRAFT);
}

/** The company's invoices (llx_facture aliased f) its contacts see: past draft, of the billed types. */
export function invoicesSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return clientCompanyRows(db, 'llx_facture', 'f', scope).whereNot('f.fk_statut', INVOICE_DRAFT).whereIn('f.type', LISTED_TYPES);
}

/**
 * The company's invoices among candidates (`from`, whose column `rowid` names an invoice), as
 * llx_facture rows aliased f: the same rule as invoicesSeenBy, each candidate read by primary key.
 * OFFSET 0 keeps it one lookup per candidate: without it PostgreSQL may read the company's
 * invoices. That the company is a client is checked once: as a join on f.fk_soc it could become an
 * outer loop over every client company, each reading the candidates again.
 */
export function invoicesSeenAmong(db: Db, scope: CompanyScope, candidates: { from: Knex.QueryBuilder; rowid: string }): Knex.QueryBuilder {
  return candidates.from
    .joinRaw(
      `cross join lateral (select * from llx_facture f
                            where f.rowid = ${candidates.rowid} and f.entity = ? and f.fk_soc = ? and f.fk_statut <> ?
                              and f.type in (${LISTED_TYPES.join(', ')}) offset 0) as f`,
      [scope.entity, scope.companyId, INVOICE_DRAFT],
    )
    .whereExists(companyIsAClient(db, scope));
}

/** The company's tickets (llx_ticket aliased t). */
export function ticketsSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return db('llx_ticket as t').where({ 't.entity': scope.entity, 't.fk_soc': scope.companyId }).whereExists(companyIsAClient(db, scope));
}

/**
 * The company's tickets among candidates (`from`, whose column `rowid` names a ticket), as
 * llx_ticket rows aliased t: the same rule as ticketsSeenBy, each candidate read by primary key.
 * OFFSET 0 keeps it one lookup per candidate: without it PostgreSQL may read the company's tickets.
 */
export function ticketsSeenAmong(db: Db, scope: CompanyScope, candidates: { from: Knex.QueryBuilder; rowid: string }): Knex.QueryBuilder {
  return candidates.from
    .joinRaw(
      `cross join lateral (select * from llx_ticket t where t.rowid = ${candidates.rowid} and t.entity = ? and t.fk_soc = ? offset 0) as t`,
      [scope.entity, scope.companyId],
    )
    .whereExists(companyIsAClient(db, scope));
}

/**
 * The company's rows of one of the portal's own tables that keep Dolibarr's records as of the last
 * scan (its order of tickets), for a count that trusts them past the rows it reads live: the scan
 * kept the company's records only, and the company must be a client now. Checked once, as in
 * ticketsSeenAmong.
 */
export function keptRowsSeenBy(db: Db, scope: CompanyScope, kept: Knex.QueryBuilder): Knex.QueryBuilder {
  return kept.whereExists(companyIsAClient(db, scope));
}

const PROJECT_OPEN = 1;
const PROJECT_CLOSED = 2;
/** The statuses a client sees a project in: a draft (0) is still the agency's. */
export const SHOWN_PROJECT_STATUSES = [PROJECT_OPEN, PROJECT_CLOSED];

const TASK_CLOSED = 3;
/**
 * The task statuses a client sees, those Task::$labelStatus names: 0 draft (a task written before
 * Dolibarr set a status on create), 1 validated (to do), 2 in progress (what the task card and
 * addTimeSpent write once progress is above 0), 3 closed; 4 transferred and 9 canceled are not
 * shown.
 */
const SHOWN_TASK_STATUSES = [0, 1, 2, TASK_CLOSED];
/**
 * The task aliased `task` is one Dolibarr shows of its project: whoever sees the project sees it.
 * The one rule of a project's tasks: its page's list, its progress and the Tasks page read it.
 */
export const taskShownSql = (task: string) => `${task}.fk_statut in (${SHOWN_TASK_STATUSES.join(', ')})`;
/** Done on the task aliased t: Dolibarr's own "all tasks done" test is progress >= 100. */
export const TASK_DONE_SQL = `(coalesce(t.progress, 0) >= 100 or t.fk_statut = ${TASK_CLOSED})`;
export { PROJECT_CLOSED, PROJECT_OPEN, TASK_CLOSED };

/**
 * The project aliased `project` is seen by the contact whose id is `contact` (a column, or `?`
 * bound once): public, or the contact linked to it as an external contact. Aliases of its own
 * (pc, ptc), so a caller's `ec` is never shadowed.
 */
export function projectSeenBySql(project: string, contact: string): string {
  return `(${project}.public = 1 or exists (select 1 from llx_element_contact pc
      join llx_c_type_contact ptc on ptc.rowid = pc.fk_c_type_contact
     where pc.element_id = ${project}.rowid and ptc.element = 'project' and ptc.source = 'external'
       and pc.fk_socpeople = ${contact}))`;
}

/** External assignees of the task aliased `task` (llx_c_type_contact element 'project_task'). */
const taskAssignees = (task: string) => `select 1 from llx_element_contact ac
    join llx_c_type_contact atc on atc.rowid = ac.fk_c_type_contact
   where ac.element_id = ${task}.rowid and atc.element = 'project_task' and atc.source = 'external'`;

/** The task aliased `task` is assigned to the contact `contact` (a column, or `?` bound once). */
export const taskAssignedToSql = (task: string, contact: string) => `exists (${taskAssignees(task)} and ac.fk_socpeople = ${contact})`;

/** The contact is one of this company's, and the company a client: another company's contact id sees nothing. */
function ofClientCompany(query: Knex.QueryBuilder, db: Db, scope: ContactScope): Knex.QueryBuilder {
  return query
    .whereExists(companyIsAClient(db, scope))
    .whereExists(
      db('llx_socpeople as c')
        .select(db.raw('1'))
        .where({ 'c.rowid': scope.contactId, 'c.fk_soc': scope.companyId, 'c.entity': scope.entity }),
    );
}

/** The company's projects (llx_projet aliased j) the contact sees. */
export function projectsSeenBy(db: Db, scope: ContactScope): Knex.QueryBuilder {
  return ofClientCompany(
    db('llx_projet as j').where({ 'j.entity': scope.entity, 'j.fk_soc': scope.companyId }).whereIn('j.fk_statut', SHOWN_PROJECT_STATUSES),
    db,
    scope,
  ).andWhereRaw(projectSeenBySql('j', '?'), [scope.contactId]);
}

/**
 * The tasks (llx_projet_task aliased t, their project aliased j) the contact sees: every shown task
 * of a project they see, whoever is assigned to it (a colleague, another company's contact, staff).
 */
export function tasksSeenBy(db: Db, scope: ContactScope): Knex.QueryBuilder {
  return ofClientCompany(
    db('llx_projet_task as t')
      .join('llx_projet as j', function joinProject() {
        this.on('j.rowid', '=', 't.fk_projet').andOn('j.entity', '=', 't.entity');
      })
      .where({ 't.entity': scope.entity, 'j.fk_soc': scope.companyId })
      .whereRaw(taskShownSql('t'))
      .whereIn('j.fk_statut', SHOWN_PROJECT_STATUSES),
    db,
    scope,
  ).andWhereRaw(projectSeenBySql('j', '?'), [scope.contactId]);
}

/** The tasks of one project (found through projectsSeenBy) the contact sees, as the project's page lists them. */
export function projectTasksSeenBy(db: Db, scope: ContactScope & { projectId: number }): Knex.QueryBuilder {
  return tasksSeenBy(db, scope).where('t.fk_projet', scope.projectId);
}

/**
 * Files the company's people may all see are only those of public projects: the documents port
 * answers per company, and a private project's files would reach contacts not linked to it.
 */
export function projectSharedWithCompanySql(project: string): string {
  return `(${project}.public = 1 and ${project}.fk_statut in (${SHOWN_PROJECT_STATUSES.join(', ')}))`;
}

/** An order's draft status (llx_commande fk_statut 0, Commande::STATUS_DRAFT). */
const ORDER_DRAFT = 0;

/** The company's orders (llx_commande aliased o) its contacts see: past draft. */
export function ordersSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return clientCompanyRows(db, 'llx_commande', 'o', scope).whereNot('o.fk_statut', ORDER_DRAFT);
}

/**
 * Every client company's orders its contacts see (llx_commande aliased o): past draft, as
 * ordersSeenBy per company; for a read across the entity's companies (the news of shipments).
 */
export function clientOrdersSeen(db: Db, entity: number): Knex.QueryBuilder {
  return db('llx_commande as o')
    .where('o.entity', entity)
    .whereIn('o.fk_soc', clientCompanyIds(db, entity))
    .whereNot('o.fk_statut', ORDER_DRAFT);
}

/** Expedition::STATUS_VALIDATED (sent) and STATUS_CLOSED (delivered); a draft or cancelled shipment is not shown. */
export const SHOWN_SHIPMENT_STATUSES = [1, 2];
/** The company's recurring invoices (llx_facture_rec aliased r) that will still make an invoice. */
export function recurringInvoicesSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return clientCompanyRows(db, 'llx_facture_rec', 'r', scope)
    .where('r.frequency', '>', 0)
    .andWhere((q) => q.where('r.suspended', 0).orWhereNull('r.suspended'))
    .andWhere((q) => q.whereRaw('coalesce(r.nb_gen_max, 0) = 0').orWhereRaw('coalesce(r.nb_gen_done, 0) < r.nb_gen_max'));
}

/** A contract's validated status (llx_contrat.statut: 0 draft, 1 validated, 2 closed). */
const CONTRACT_VALIDATED = 1;
/** An intervention's draft status (llx_fichinter.fk_statut 0): not yet the agency's word. */
const INTERVENTION_DRAFT = 0;

/** The company's contracts (llx_contrat aliased c) its contacts see: validated ones. */
export function contractsSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return db('llx_contrat as c')
    .where({ 'c.entity': scope.entity, 'c.fk_soc': scope.companyId, 'c.statut': CONTRACT_VALIDATED })
    .whereIn('c.fk_soc', clientCompanyIds(db, scope.entity));
}

/** Every client company's interventions (llx_fichinter aliased f), past draft: for a read across the entity's companies (the news). */
export function clientInterventionsSeen(db: Db, entity: number): Knex.QueryBuilder {
  return db('llx_fichinter as f')
    .where('f.entity', entity)
    .whereIn('f.fk_soc', clientCompanyIds(db, entity))
    .whereNot('f.fk_statut', INTERVENTION_DRAFT);
}

/** The company's interventions (llx_fichinter aliased f) counted against its contracts: past draft. */
export function interventionsSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  return db('llx_fichinter as f')
    .where({ 'f.entity': scope.entity, 'f.fk_soc': scope.companyId })
    .whereNot('f.fk_statut', INTERVENTION_DRAFT);
}

/** llx_product.tobatch (Product::$status_batch): 0 not followed, 1 lot or batch, 2 one serial number per unit. */
const SERIAL_NUMBERED = 2;
/**
 * A shipment that went out: validated (1), closed (2) or in progress (3); a draft (0) sent nothing
 * and a cancelled one (-1) was called back.
 */
const SHIPMENT_SENT_FROM = 1;

/** A shipment's place in time (alias `e`): its validation (Expedition::valid's date_valid), then its rowid. */
const shippedKeySql = (e: string) => `(coalesce(${e}.date_valid, '-infinity'::timestamp), ${e}.rowid)`;

/**
 * The company's devices: serial numbered lots (llx_product_lot aliased l, its product p) that went
 * out on a shipment past draft of this company (aliased s: the company's last shipment of the lot,
 * with rowid, fk_soc, fk_statut, date_valid, date_delivery), and on no later shipment, to anyone.
 * A line's product is llx_expeditiondet.fk_product, which ExpeditionLigne::insert writes and
 * Dolibarr's migration 21.0.0-22.0.0.sql filled in from the order lines. The company's own
 * shipments are found through llx_expedition's fk_soc index; llx_expeditiondet_batch has no index
 * on batch, so the later shipments of those serials are found in one pass over it, hashed on the
 * company's few serials (CTEs s and later), never probed once per serial.
 */
export function devicesSeenBy(db: Db, scope: CompanyScope): Knex.QueryBuilder {
  const received = db('llx_expedition as re')
    .join('llx_expeditiondet as rd', 'rd.fk_expedition', 're.rowid')
    .join('llx_expeditiondet_batch as rb', 'rb.fk_expeditiondet', 'rd.rowid')
    .join('llx_product_lot as rl', function lotOfLine() {
      this.on('rl.fk_product', '=', 'rd.fk_product').andOn('rl.batch', '=', 'rb.batch');
    })
    .join('llx_product as rp', 'rp.rowid', 'rl.fk_product')
    .where({ 're.entity': scope.entity, 're.fk_soc': scope.companyId, 'rl.entity': scope.entity, 'rp.tobatch': SERIAL_NUMBERED })
    .where('re.fk_statut', '>=', SHIPMENT_SENT_FROM)
    .distinctOn('rl.rowid')
    .select(
      'rl.rowid as lot_id',
      'rl.batch as lot_batch',
      'rl.fk_product as lot_product',
      're.rowid',
      're.fk_soc',
      're.fk_statut',
      're.date_valid',
      're.date_delivery',
    )
    .orderByRaw(`rl.rowid, ${shippedKeySql('re')} desc`);
  const later = db({ rs: 's' })
    .join('llx_expeditiondet_batch as ob', 'ob.batch', 'rs.lot_batch')
    .join('llx_expeditiondet as od', 'od.rowid', 'ob.fk_expeditiondet')
    .join('llx_expedition as oe', 'oe.rowid', 'od.fk_expedition')
    .whereRaw('od.fk_product = rs.lot_product')
    .where('oe.entity', scope.entity)
    .where('oe.fk_statut', '>=', SHIPMENT_SENT_FROM)
    .whereRaw(`${shippedKeySql('oe')} > ${shippedKeySql('rs')}`)
    .select('rs.lot_id');
  return db
    .with('s', received)
    .with('later', later)
    .from('s')
    .join('llx_product_lot as l', 'l.rowid', 's.lot_id')
    .join('llx_product as p', 'p.rowid', 'l.fk_product')
    .whereNotIn('s.lot_id', db('later').select('lot_id'))
    .whereExists(companyIsAClient(db, scope));
}
