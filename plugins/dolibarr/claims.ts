// Where Dolibarr keeps what this binding reads and writes, checked against the schema before the
// portal starts and read by the audit (audit-manifest.ts). Every column listed is one a query in
// queries/ touches, nothing more, so a claim that fails at start-up points at a query that would
// fail too. Not claimed because not used: llx_societe_account (see CONTEXT.md: the portal keeps
// its own per-person logins) and llx_comment (no way to name a contact as a comment's author).
import type { HostClaim } from '../../src/index.ts';
import { AGENDA_EVENT_COLUMNS, AGENDA_RESOURCE_COLUMNS } from './queries/agenda.ts';
import { BOOKING_EVENT_COLUMNS } from './queries/appointments.ts';
import { COMPANY_COLUMNS } from './queries/companies.ts';
import { NEW_CONTACT_COLUMNS } from './queries/contacts.ts';
import { CLONED_LINE_COLUMNS, CLONED_ORDER_COLUMNS, CLONED_ORDER_EXPRESSION_COLUMNS } from './queries/orders.ts';
import { ECM_INDEX_COLUMNS } from './queries/ticket-files.ts';

/**
 * An agenda event the portal writes on a record (ActionComm::create's columns), with the
 * resources row naming its contact and the event type it is of.
 */
function agendaEventClaims(concept: HostClaim['concept']): HostClaim[] {
  return [
    { concept, table: 'llx_actioncomm', columns: AGENDA_EVENT_COLUMNS },
    { concept, table: 'llx_actioncomm_resources', columns: AGENDA_RESOURCE_COLUMNS },
    { concept, table: 'llx_c_actioncomm', columns: ['id', 'code'] },
  ];
}

export const DOLIBARR_CLAIMS: HostClaim[] = [
  // The workspace: the entity's own name and currency (there is no llx_entity without the
  // multicompany module, so the entity number comes from configuration).
  { concept: 'workspace', table: 'llx_const', columns: ['name', 'entity', 'value'] },
  { concept: 'company', table: 'llx_societe', columns: [...COMPANY_COLUMNS, 'client', 'status'] },
  // The letterhead of the portal's PDFs: the client company's address and VAT number, its country's name.
  { concept: 'company', table: 'llx_societe', columns: ['address', 'zip', 'town', 'fk_pays', 'tva_intra'] },
  // The Company page: the third party's email and phone, written with who changed it (tms by trigger).
  { concept: 'company', table: 'llx_societe', columns: ['email', 'phone', 'fk_user_modif', 'tms'] },
  { concept: 'company', table: 'llx_c_country', columns: ['rowid', 'label', 'code', 'active'] },
  {
    concept: 'contact',
    table: 'llx_socpeople',
    columns: ['rowid', 'entity', 'fk_soc', 'lastname', 'firstname', 'email', 'phone', 'statut'],
  },
  // A contact added as the third party's "New contact" card adds one (queries/contacts.ts
  // insertContact; its country the third party's fk_pays, claimed with the letterhead), with the
  // agency's contact extra fields row where it defined some, and the CONTACT_CREATE agenda event
  // (queries/agenda.ts, claimed with the proposals' events).
  { concept: 'contact', table: 'llx_socpeople', columns: NEW_CONTACT_COLUMNS },
  {
    concept: 'contact',
    table: 'llx_extrafields',
    columns: ['name', 'entity', 'elementtype', 'type', 'fieldrequired', 'fielddefault', 'enabled', 'list', 'perms'],
  },
  { concept: 'contact', table: 'llx_socpeople_extrafields', columns: ['fk_object'] },
  {
    concept: 'staffUser',
    table: 'llx_user',
    columns: [
      'rowid',
      'entity',
      'login',
      'lastname',
      'firstname',
      'email',
      'admin',
      'statut',
      'fk_soc',
      'lang',
      'datestartvalidity',
      'dateendvalidity',
    ],
  },
  // Whether a staff member may read invoices and proposals (queries/staff.ts, as User::loadRights
  // reads the rights given to the user or to one of their groups).
  { concept: 'staffUser', table: 'llx_rights_def', columns: ['id', 'entity', 'module', 'perms', 'subperms'] },
  { concept: 'staffUser', table: 'llx_user_rights', columns: ['entity', 'fk_user', 'fk_id'] },
  { concept: 'staffUser', table: 'llx_usergroup_user', columns: ['entity', 'fk_user', 'fk_usergroup'] },
  { concept: 'staffUser', table: 'llx_usergroup_rights', columns: ['entity', 'fk_usergroup', 'fk_id'] },
  {
    concept: 'proposal',
    table: 'llx_propal',
    columns: [
      'rowid',
      'entity',
      'fk_soc',
      'fk_statut',
      'ref',
      'ref_client',
      'fin_validite',
      'date_valid',
      'date_signature',
      'date_cloture',
      'total_ht',
      'total_tva',
      'total_ttc',
      'note_public',
      'online_sign_ip',
      'online_sign_name',
      'fk_projet',
      'fk_user_valid',
    ],
  },
  {
    concept: 'proposal',
    table: 'llx_propaldet',
    columns: ['rowid', 'fk_propal', 'label', 'description', 'qty', 'subprice', 'tva_tx', 'total_ht', 'rang'],
  },
  {
    concept: 'invoice',
    table: 'llx_facture',
    columns: [
      'rowid',
      'entity',
      'fk_soc',
      'type',
      'fk_statut',
      'paye',
      'ref',
      'datef',
      'date_lim_reglement',
      'total_ht',
      'total_tva',
      'total_ttc',
      'note_public',
      'multicurrency_code',
      'multicurrency_tx',
      'fk_account',
      'fk_mode_reglement',
      'fk_cond_reglement',
      'fk_user_closing',
      'date_closing',
      'ref_client',
      'date_valid',
      'tms',
      'fk_projet',
    ],
  },
  // The agenda event Dolibarr's agenda trigger writes when a proposal is signed or refused or an
  // invoice paid (queries/agenda.ts), where the entity's agenda setup asks for one.
  ...agendaEventClaims('proposal'),
  // An invoice's payment terms, in the wording its PDF prints: by code where Dolibarr translates it.
  { concept: 'invoice', table: 'llx_c_payment_term', columns: ['rowid', 'code', 'libelle', 'libelle_facture'] },
  // Recurring invoice templates: the next invoice each will make (queries/recurring-invoices.ts).
  {
    concept: 'invoice',
    table: 'llx_facture_rec',
    columns: [
      'rowid',
      'entity',
      'fk_soc',
      'titre',
      'total_ttc',
      'frequency',
      'unit_frequency',
      'date_when',
      'suspended',
      'nb_gen_done',
      'nb_gen_max',
    ],
  },
  {
    concept: 'invoice',
    table: 'llx_facturedet',
    columns: ['rowid', 'fk_facture', 'label', 'description', 'qty', 'subprice', 'tva_tx', 'total_ht', 'rang'],
  },
  // Credit notes and deposits already used on an invoice, which lower what remains to pay, listed
  // among its payments with the invoice they came from.
  {
    concept: 'invoice',
    table: 'llx_societe_remise_except',
    columns: ['rowid', 'fk_facture', 'fk_facture_source', 'amount_ttc', 'datec'],
  },
  {
    concept: 'payment',
    table: 'llx_paiement',
    columns: [
      'rowid',
      'entity',
      'ref',
      'ref_ext',
      'datec',
      'datep',
      'amount',
      'multicurrency_amount',
      'fk_paiement',
      'num_paiement',
      'note',
      'ext_payment_id',
      'ext_payment_site',
      'fk_bank',
      'fk_user_creat',
      'pos_change',
    ],
  },
  {
    concept: 'payment',
    table: 'llx_paiement_facture',
    columns: ['rowid', 'fk_paiement', 'fk_facture', 'amount', 'multicurrency_amount', 'multicurrency_code', 'multicurrency_tx'],
  },
  { concept: 'payment', table: 'llx_c_paiement', columns: ['id', 'entity', 'code', 'libelle', 'active'] },
  // A Stripe payment's bank line, where the Stripe module names the account (addPaymentToBank),
  // and the account an invoice is paid into by transfer (the one its PDF prints).
  {
    concept: 'payment',
    table: 'llx_bank_account',
    columns: ['rowid', 'entity', 'currency_code', 'clos', 'bank', 'iban_prefix', 'bic', 'proprio'],
  },
  {
    concept: 'payment',
    table: 'llx_bank',
    columns: [
      'rowid',
      'datec',
      'dateo',
      'datev',
      'label',
      'amount',
      'amount_main_currency',
      'fk_user_author',
      'num_chq',
      'fk_account',
      'fk_type',
      'emetteur',
      'banque',
      'rappro',
      'numero_compte',
      'num_releve',
    ],
  },
  { concept: 'payment', table: 'llx_bank_url', columns: ['rowid', 'fk_bank', 'url_id', 'url', 'label', 'type'] },
  {
    concept: 'document',
    table: 'llx_ecm_files',
    columns: ['rowid', 'entity', 'src_object_type', 'src_object_id', 'share', 'filepath', 'filename', 'date_c', 'fk_user_c'],
  },
  {
    concept: 'task',
    table: 'llx_projet_task',
    columns: ['rowid', 'entity', 'fk_projet', 'ref', 'label', 'description', 'datee', 'fk_statut', 'progress', 'tms'],
  },
  { concept: 'task', table: 'llx_projet', columns: ['rowid', 'entity', 'fk_soc', 'ref', 'title', 'fk_statut'] },
  { concept: 'task', table: 'llx_element_contact', columns: ['element_id', 'fk_c_type_contact', 'fk_socpeople', 'datecreate'] },
  { concept: 'task', table: 'llx_c_type_contact', columns: ['rowid', 'element', 'source'] },
  // Projects: public ones and those the contact is linked to; progress from their tasks.
  {
    concept: 'project',
    table: 'llx_projet',
    columns: ['rowid', 'entity', 'fk_soc', 'ref', 'title', 'description', 'public', 'fk_statut', 'dateo', 'datee'],
  },
  {
    concept: 'project',
    table: 'llx_projet_task',
    columns: [
      'rowid',
      'entity',
      'fk_projet',
      'fk_task_parent',
      'label',
      'dateo',
      'datee',
      'progress',
      'planned_workload',
      'fk_statut',
      'rang',
    ],
  },
  { concept: 'project', table: 'llx_element_contact', columns: ['element_id', 'fk_c_type_contact', 'fk_socpeople'] },
  { concept: 'project', table: 'llx_c_type_contact', columns: ['rowid', 'element', 'source'] },
  // Orders (queries/orders.ts): the company's orders past draft, their lines, and "order again" as
  // Commande::createFromClone writes a draft (the order's own columns and each line's it copies).
  {
    concept: 'salesOrder',
    table: 'llx_commande',
    columns: [
      'rowid',
      'entity',
      'ref',
      'ref_client',
      'fk_statut',
      'date_commande',
      'date_livraison',
      'date_creation',
      'date_valid',
      'date_cloture',
      'tms',
      'note_private',
      'last_main_doc',
      'fk_user_author',
      'ip',
      ...CLONED_ORDER_COLUMNS,
      ...CLONED_ORDER_EXPRESSION_COLUMNS,
    ],
  },
  // The records linked to an order: the proposal it came from, its invoices, its shipments where
  // no shipment line names it, the drafts asked for again (written there too).
  { concept: 'salesOrder', table: 'llx_element_element', columns: ['fk_source', 'sourcetype', 'fk_target', 'targettype'] },
  {
    concept: 'orderLine',
    table: 'llx_commandedet',
    columns: ['rowid', 'fk_commande', ...CLONED_LINE_COLUMNS],
  },
  // The product's label where a line has none.
  { concept: 'orderLine', table: 'llx_product', columns: ['rowid', 'label'] },
  // Shipments of an order (validated or closed), what each carries, and the carrier with its tracking address.
  {
    concept: 'shipment',
    table: 'llx_expedition',
    columns: [
      'rowid',
      'entity',
      'fk_soc',
      'ref',
      'fk_statut',
      'date_creation',
      'date_valid',
      'date_expedition',
      'date_delivery',
      'tracking_number',
      'fk_shipping_method',
    ],
  },
  {
    concept: 'shipment',
    table: 'llx_expeditiondet',
    columns: ['rowid', 'fk_expedition', 'element_type', 'fk_element', 'fk_elementdet', 'fk_product', 'qty', 'rang'],
  },
  { concept: 'shipment', table: 'llx_c_shipment_mode', columns: ['rowid', 'libelle', 'tracking'] },
  // Contracts (queries/contracts.ts): validated ones, their service lines with their term and
  // unit, and the interventions whose lines' time counts against them, with who wrote them up.
  {
    concept: 'contract',
    table: 'llx_contrat',
    columns: ['rowid', 'entity', 'fk_soc', 'statut', 'ref', 'ref_customer', 'note_public', 'date_contrat', 'fin_validite'],
  },
  {
    concept: 'contractLine',
    table: 'llx_contratdet',
    columns: [
      'rowid',
      'fk_contrat',
      'fk_product',
      'label',
      'description',
      'qty',
      'statut',
      'date_ouverture_prevue',
      'date_ouverture',
      'date_fin_validite',
      'date_cloture',
      'fk_unit',
      'rang',
    ],
  },
  { concept: 'contractLine', table: 'llx_product', columns: ['rowid', 'label', 'duration'] },
  { concept: 'contractLine', table: 'llx_c_units', columns: ['rowid', 'label', 'unit_type', 'scale'] },
  {
    concept: 'timeEntry',
    table: 'llx_fichinter',
    // date_valid: the news pass reads the interventions validated since its cursor (allowances).
    columns: ['rowid', 'entity', 'fk_soc', 'fk_contrat', 'fk_statut', 'ref', 'fk_user_author', 'date_valid'],
  },
  { concept: 'timeEntry', table: 'llx_fichinterdet', columns: ['rowid', 'fk_fichinter', 'date', 'duree', 'description'] },
  { concept: 'timeEntry', table: 'llx_user', columns: ['rowid', 'firstname', 'lastname'] },
];

// The Ticket module's tables (crm-schemas/dolibarr-ticket.sql), claimed only where the module is on
// (adapter option `tickets`): a ticket of the client's company, the dictionaries its new-ticket form
// offers, and its conversation, which Dolibarr keeps as agenda events on the ticket.
export const DOLIBARR_TICKET_CLAIMS: HostClaim[] = [
  {
    concept: 'ticket',
    table: 'llx_ticket',
    columns: [
      'rowid',
      'entity',
      'ref',
      'track_id',
      'fk_soc',
      'fk_project',
      'fk_contract',
      'origin_email',
      'fk_user_create',
      'fk_user_assign',
      'email_msgid',
      'email_date',
      'subject',
      'message',
      'fk_statut',
      'resolution',
      'progress',
      'timing',
      'type_code',
      'category_code',
      'severity_code',
      'datec',
      'date_read',
      'date_close',
      'notify_tiers_at_create',
      'ip',
      'tms',
      'note_private',
    ],
  },
  { concept: 'ticket', table: 'llx_c_ticket_type', columns: ['rowid', 'entity', 'code', 'label', 'pos', 'active', 'use_default'] },
  {
    concept: 'ticket',
    table: 'llx_c_ticket_category',
    columns: ['rowid', 'entity', 'code', 'label', 'pos', 'active', 'use_default', 'public'],
  },
  { concept: 'ticket', table: 'llx_c_ticket_severity', columns: ['rowid', 'entity', 'code', 'label', 'pos', 'active', 'use_default'] },
  // Who opened it, as the ticket's customer contact (SUPPORTCLI), as Dolibarr's public create page links them.
  {
    concept: 'ticket',
    table: 'llx_element_contact',
    columns: ['rowid', 'element_id', 'fk_c_type_contact', 'fk_socpeople', 'datecreate', 'statut'],
  },
  { concept: 'ticket', table: 'llx_c_type_contact', columns: ['rowid', 'element', 'source', 'code', 'active'] },
  { concept: 'ticketMessage', table: 'llx_actioncomm', columns: AGENDA_EVENT_COLUMNS },

  { concept: 'ticketMessage', table: 'llx_c_actioncomm', columns: ['id', 'code'] },
  // A ticket's files: read from its directory's index, and the client's indexed there as
  // addFileIntoDatabaseIndex() does (queries/ticket-files.ts), where the data root is writable.
  {
    concept: 'ticket',
    table: 'llx_ecm_files',
    columns: ECM_INDEX_COLUMNS,
  },
  // Who wrote a message: a Dolibarr user (the agency, unless a client's external login), or the contact.
  { concept: 'ticketMessage', table: 'llx_user', columns: ['rowid', 'firstname', 'lastname', 'login', 'fk_soc'] },
  { concept: 'ticketMessage', table: 'llx_socpeople', columns: ['rowid', 'entity', 'fk_soc', 'firstname', 'lastname', 'email'] },
];

/** With the requests option: what a quote request's draft proposal writes (requests.ts, queries/requests.ts). */
export const DOLIBARR_REQUEST_CLAIMS: HostClaim[] = [
  {
    concept: 'proposal',
    table: 'llx_propal',
    columns: [
      'ref',
      'entity',
      'fk_soc',
      'ref_client',
      'ref_ext',
      'datec',
      'datep',
      'fin_validite',
      'fk_user_author',
      'fk_statut',
      'price',
      'total_ht',
      'total_tva',
      'total_ttc',
      'fk_cond_reglement',
      'fk_mode_reglement',
      'note_private',
      'note_public',
      'model_pdf',
      'fk_availability',
      'fk_input_reason',
      'fk_incoterms',
      'location_incoterms',
      'fk_multicurrency',
      'multicurrency_code',
      'multicurrency_tx',
      // When the agency last changed the draft, for the request's page.
      'tms',
    ],
  },
  { concept: 'proposal', table: 'llx_societe', columns: ['cond_reglement', 'mode_reglement'] },
  { concept: 'proposal', table: 'llx_multicurrency', columns: ['rowid', 'code', 'entity'] },
  {
    concept: 'proposal',
    table: 'llx_element_contact',
    columns: ['element_id', 'fk_c_type_contact', 'fk_socpeople', 'datecreate', 'statut'],
  },
  { concept: 'proposal', table: 'llx_c_type_contact', columns: ['rowid', 'element', 'source', 'code', 'active'] },
  // A request's files as documents of its proposal (or ticket), indexed as addFileIntoDatabaseIndex()
  // writes them (ticket-uploads.ts writeRecordFiles) and read back by record and name (queries/request-files.ts).
  {
    concept: 'proposal',
    table: 'llx_ecm_files',
    columns: ECM_INDEX_COLUMNS,
  },
];

/**
 * With the knowledgeBase option: the KnowledgeManagement module's validated records in the
 * languages asked for, and their categories (type 13) in Dolibarr's order (queries/knowledge-base.ts).
 */
export const DOLIBARR_KNOWLEDGE_CLAIMS: HostClaim[] = [
  {
    concept: 'kbArticle',
    table: 'llx_knowledgemanagement_knowledgerecord',
    columns: ['rowid', 'entity', 'status', 'lang', 'question', 'answer', 'tms'],
  },
  { concept: 'kbArticle', table: 'llx_categorie', columns: ['rowid', 'entity', 'type', 'label', 'position', 'visible'] },
  { concept: 'kbArticle', table: 'llx_categorie_knowledgemanagement', columns: ['fk_categorie', 'fk_knowledgemanagement'] },
];

/**
 * With a data root the portal may write: the files of approvals the portal keeps, as documents of
 * the client's third party indexed as addFileIntoDatabaseIndex() writes them, and each decision's
 * agenda event on the third party and its contact (approval-files.ts, queries/approval-files.ts).
 */
export const DOLIBARR_APPROVAL_CLAIMS: HostClaim[] = [
  { concept: 'document', table: 'llx_ecm_files', columns: ECM_INDEX_COLUMNS },
  { concept: 'document', table: 'llx_socpeople', columns: ['rowid', 'entity', 'fk_soc'] },
  ...agendaEventClaims('document'),
];

/**
 * With the appointments option: BookCal's validated calendars and their owner, and a booking as
 * ActionComm::create writes an event of the calendar with its owner and contact (queries/appointments.ts).
 */
export const DOLIBARR_APPOINTMENT_CLAIMS: HostClaim[] = [
  {
    concept: 'availability',
    table: 'llx_bookcal_calendar',
    columns: ['rowid', 'entity', 'ref', 'label', 'status', 'visibility', 'fk_user_creat'],
  },
  { concept: 'availability', table: 'llx_user', columns: ['rowid', 'statut', 'fk_soc'] },
  { concept: 'booking', table: 'llx_actioncomm', columns: BOOKING_EVENT_COLUMNS },
  { concept: 'booking', table: 'llx_actioncomm_resources', columns: AGENDA_RESOURCE_COLUMNS },
  { concept: 'booking', table: 'llx_c_actioncomm', columns: ['id', 'code'] },
  // A booking Dolibarr's page took is the company's through its contact; a cancelled one goes as
  // ActionComm::delete removes an event.
  { concept: 'booking', table: 'llx_socpeople', columns: ['rowid', 'fk_soc'] },
  { concept: 'booking', table: 'llx_categorie_actioncomm', columns: ['fk_actioncomm'] },
  { concept: 'booking', table: 'llx_actioncomm_reminder', columns: ['fk_actioncomm'] },
  { concept: 'booking', table: 'llx_actioncomm_extrafields', columns: ['fk_object'] },
];

/**
 * With the devices option (the Lot/Serial module on): the serial numbered units shipped to a
 * client company (queries/devices.ts, devicesSeenBy in visibility.ts), and a ticket's link to one
 * (llx_element_element, 'productlot' → 'ticket'). llx_asset (the agency's own fixed assets, no
 * third party) is not read.
 */
export const DOLIBARR_DEVICE_CLAIMS: HostClaim[] = [
  {
    concept: 'asset',
    table: 'llx_product_lot',
    columns: ['rowid', 'entity', 'fk_product', 'batch', 'barcode', 'eol_date', 'scrapping_date', 'tms'],
  },
  { concept: 'asset', table: 'llx_product', columns: ['rowid', 'ref', 'label', 'tobatch'] },
  { concept: 'asset', table: 'llx_expedition', columns: ['rowid', 'entity', 'fk_soc', 'fk_statut', 'date_valid', 'date_delivery'] },
  { concept: 'asset', table: 'llx_expeditiondet', columns: ['rowid', 'fk_expedition', 'fk_product'] },
  { concept: 'asset', table: 'llx_expeditiondet_batch', columns: ['fk_expeditiondet', 'batch'] },
  { concept: 'asset', table: 'llx_element_element', columns: ['fk_source', 'sourcetype', 'fk_target', 'targettype'] },
];
