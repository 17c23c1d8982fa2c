// What a person who knows each real CRM would answer (/work/shared/crm-schemas/README.md, read from
// ../shared/crm-schemas/ at test time), encoded per concept pick and per A–F answer, so the audit
// can be scored on the two real schemas. Each entry cites the README line it comes from
// ("README:NN"); where the README says nothing about a concept or a question it is left out rather
// than guessed. A pick is right when the report says the concept exists on one of the listed tables
// (and, where a row filter is given, with that filter); `null` means the host does not have it, and
// any confident pick for it is wrong. An answer is right when its status is one of those listed.
import type { ConceptId, RowFilter, Status } from '../../audit/report-schema.ts';

interface ExpectedRealPick {
  /** Acceptable tables, schema-qualified; null: the host has no such table. */
  tables: string[] | null;
  /** The row filter the pick must carry (client logins sharing a users table). */
  where?: RowFilter;
  /** Where the README's words are. */
  readme: string;
}

interface ExpectedRealAnswer {
  statuses: Status[];
  readme: string;
}

export interface RealSchemaExpectation {
  name: string;
  file: string;
  /** Loaded after `file`, as a module's installer adds its tables (Dolibarr's Ticket module). */
  also?: string[];
  picks: Partial<Record<ConceptId, ExpectedRealPick>>;
  answers: Record<string, ExpectedRealAnswer>;
}

const ALGA_PSA: RealSchemaExpectation = {
  name: 'alga-psa',
  file: 'alga-psa.sql',
  picks: {
    workspace: { tables: ['public.tenants'], readme: 'README:16 "multi-tenant: every table carries tenant uuid"' },
    company: { tables: ['public.clients'], readme: 'README:17 "Client companies are clients"' },
    contact: { tables: ['public.contacts'], readme: 'README:17 "their people contacts (client_id)"' },
    staffUser: { tables: ['public.users'], readme: 'README:17-18 "Staff and client logins share users"' },
    clientCredentials: {
      tables: ['public.users'],
      where: { user_type: 'client' },
      readme: "README:18-19 \"told apart by user_type ('internal' | 'client')\"",
    },
    accessTokens: {
      tables: ['public.password_reset_tokens', 'public.portal_invitations'],
      readme: 'README:21-22 "portal_invitations, password_reset_tokens"',
    },
    // Alga has no separate proposals: its quotes are what a client receives and accepts.
    proposal: { tables: ['public.quotes'], readme: 'README:23 "Quotes are quotes (+ quote_items, status CHECK list)"' },
    quotation: { tables: ['public.quotes'], readme: 'README:23 "Quotes are quotes"' },
    invoice: { tables: ['public.invoices'], readme: 'README:23 "invoices invoices (amounts in cents, bigint)"' },
    payment: { tables: ['public.invoice_payments'], readme: 'README:24 "payments invoice_payments"' },
    task: { tables: ['public.project_tasks'], readme: 'README:24 "tasks project_tasks (and tickets for support)"' },
    document: { tables: ['public.documents'], readme: 'README:24-25 "documents documents with is_client_visible"' },
    comment: { tables: ['public.comments'], readme: 'README:25 "comments comments (author_type, is_internal)"' },
    activityLog: { tables: ['public.audit_logs'], readme: 'README:26 "the activity log audit_logs"' },
    // The README names no gateway for clients' invoices; tenants.payment_platform_id and
    // apple_iap_subscriptions are Alga's own subscription billing (README:16: tenants are the MSPs).
    paymentGateway: { tables: null, readme: 'README:16-26 name no payment gateway for client invoices' },
    ticket: { tables: ['public.tickets'], readme: 'README:25 "(and tickets for support)"' },
    // The comments are the tickets' conversation (comments.ticket_id); is_internal marks the notes a client never sees.
    ticketMessage: {
      tables: ['public.comments'],
      where: { is_internal: false },
      readme: 'README:26-27 "comments comments (author_type, is_internal)"',
    },
    project: { tables: ['public.projects'], readme: 'README:25 "tasks project_tasks" (project_tasks → project_phases → projects)' },
    projectPhase: {
      tables: ['public.project_phases'],
      readme: 'README:25 "tasks project_tasks", each in a phase (project_tasks.phase_id)',
    },
    // What the client has with the agency (issue 62). The README does not name these; each is read
    // from the dump and from the code of Alga's own screens (the Nine-Minds/alga-psa mirror at HEAD).
    salesOrder: {
      tables: ['public.sales_orders'],
      readme:
        'alga-psa.sql:7638 sales_orders (so_number, client_id, status CHECK draft..fulfilled); packages/inventory/src/actions/fulfillmentActions.ts:190 updates sales_orders.status',
    },
    orderLine: {
      tables: ['public.sales_order_lines'],
      readme:
        'alga-psa.sql:7612 sales_order_lines (so_id, quantity_ordered, unit_price); fulfillmentActions.ts:183 reads the lines of an order',
    },
    // Alga fulfils an order from stock (stock_units allocated to a line, fulfillmentActions.ts:138)
    // and records no shipment: no carrier, no tracking number (the one carrier column is a phone's).
    shipment: {
      tables: null,
      readme: 'fulfillmentActions.ts:138-190 fulfils from stock_units; no table with a carrier or tracking number',
    },
    // A contract is assigned to a client through client_contracts (start and end per client); the
    // contract itself (its lines) is contracts. The billing page starts from client_contracts.
    contract: {
      tables: ['public.client_contracts', 'public.contracts'],
      readme:
        'packages/client-portal/src/actions/client-portal-actions/client-billing-metrics.ts:479 client_contracts as cc, :501 joins contract_lines on cc.contract_id',
    },
    contractLine: {
      tables: ['public.contract_lines'],
      readme: 'client-billing-metrics.ts:348,501 contract_lines as cl (contract_id, contract_line_name, billing_frequency)',
    },
    contractUsage: {
      tables: ['public.bucket_usage'],
      readme: 'client-billing-metrics.ts:344 bucket_usage as bu (period_start, period_end, minutes_used, contract_line_id)',
    },
    timeEntry: {
      tables: ['public.time_entries'],
      readme: 'client-billing-metrics.ts:96 time_entries (work_date, billable_duration, contract_line_id) for hours by service',
    },
    asset: {
      tables: ['public.assets'],
      readme: 'packages/client-portal/src/actions/client-portal-actions/client-assets.ts:113 assets where client_id (asset_type, status)',
    },
    documentVersion: {
      tables: ['public.document_versions'],
      readme: 'alga-psa.sql:3529 document_versions (document_id, version_number, is_active)',
    },
  },
  answers: {
    A1: { statuses: ['exists'], readme: 'README:18-19 client logins in users, user_type = client' },
    A2: { statuses: ['exists'], readme: 'README:18 staff and client logins told apart by user_type' },
    A3: {
      statuses: ['exists'],
      readme: 'README:21-22 "Alga already has a client portal: portal_invitations, ..., contacts.is_client_admin"',
    },
    A4a: { statuses: ['exists'], readme: 'README:19-21 "Passwords are salt:hash PBKDF2-SHA512"' },
    B7: { statuses: ['exists'], readme: 'README:24-25 "documents with is_client_visible" in a CRM with a client portal (README:21)' },
    B8: { statuses: ['exists'], readme: 'README:25 "comments (author_type, is_internal)": clients are authors' },
    C4: { statuses: ['exists', 'partial'], readme: 'README:23 "quotes (status CHECK list)": quotes are accepted or rejected' },
    D1: { statuses: ['exists'], readme: 'README:18-21 client users with PBKDF2 passwords' },
    D2: { statuses: ['exists'], readme: 'README:21-22 portal_invitations, password_reset_tokens' },
    D3: { statuses: ['exists'], readme: 'README:16 "every table carries tenant uuid"' },
    F2: { statuses: ['exists'], readme: 'README:25 "comments (author_type, is_internal)": clients write comments' },
    B9: { statuses: ['exists'], readme: 'README:22-27 a client portal, "tickets for support", comments with is_internal' },
  },
};

const DOLIBARR: RealSchemaExpectation = {
  name: 'dolibarr',
  file: 'dolibarr.sql',
  picks: {
    // One company per database by default; no entity table in the dump (the multi-company module is separate).
    workspace: {
      tables: null,
      readme: 'README:27-28 "keeps one company per database by default (entity columns for its multi-company module)"',
    },
    company: { tables: ['public.llx_societe'], readme: 'README:28 "Companies are llx_societe"' },
    contact: { tables: ['public.llx_socpeople'], readme: 'README:28-29 "contacts llx_socpeople (fk_soc)"' },
    staffUser: { tables: ['public.llx_user'], readme: 'README:29 "staff llx_user (pass_crypted ...)"' },
    clientCredentials: {
      tables: ['public.llx_societe_account'],
      readme: 'README:29-31 "signs companies in through llx_societe_account (site = \'dolibarr_portal\', ...)"',
    },
    proposal: { tables: ['public.llx_propal'], readme: 'README:31 "Proposals are llx_propal"' },
    // Dolibarr's proposals are its quotes: the same table serves both.
    quotation: { tables: ['public.llx_propal'], readme: 'README:31 "Proposals are llx_propal" (Dolibarr has no other quote table)' },
    invoice: { tables: ['public.llx_facture'], readme: 'README:32-33 "invoices llx_facture"' },
    payment: { tables: ['public.llx_paiement'], readme: 'README:33-34 "payments llx_paiement + llx_paiement_facture"' },
    task: { tables: ['public.llx_projet_task'], readme: 'README:34 "tasks llx_projet_task"' },
    document: { tables: ['public.llx_ecm_files'], readme: 'README:35 "documents llx_ecm_files (src_object_type, src_object_id, share)"' },
    comment: { tables: ['public.llx_comment'], readme: 'README:36 "comments llx_comment"' },
    activityLog: {
      tables: ['public.llx_actioncomm', 'public.llx_events'],
      readme: 'README:36 "events llx_actioncomm, security events llx_events"',
    },
    // Without the Ticket module (dolibarr-ticket.sql) Dolibarr has no ticket tables.
    ticket: { tables: null, readme: 'README:37-38 "Support tickets (the Ticket module, dolibarr-ticket.sql)"' },
    project: { tables: ['public.llx_projet'], readme: 'README:39 "projects are llx_projet (public, fk_soc)"' },
    // Tasks hang off the project directly (llx_projet_task.fk_projet); no table of phases.
    projectPhase: { tables: null, readme: 'README:39-40 "llx_projet ... with tasks llx_projet_task": no phases between them' },
    // What the client has with the agency (issue 62), from the dump and Dolibarr 23's classes (its
    // source is not here: commande/class/commande.class.php, expedition/class/expedition.class.php,
    // contrat/class/contrat.class.php, fichinter/class/fichinter.class.php, as known).
    salesOrder: {
      tables: ['public.llx_commande'],
      readme: 'dolibarr.sql:2942 llx_commande (ref, fk_soc, fk_statut, total_ht): Commande::$table_element',
    },
    orderLine: {
      tables: ['public.llx_commandedet'],
      readme: 'dolibarr.sql:3305 llx_commandedet (fk_commande, qty, subprice): OrderLine::$table_element',
    },
    shipment: {
      tables: ['public.llx_expedition'],
      readme: 'dolibarr.sql:4712 llx_expedition (fk_soc, tracking_number, fk_shipping_method, date_delivery): Expedition::$table_element',
    },
    contract: {
      tables: ['public.llx_contrat'],
      readme: 'dolibarr.sql:3483 llx_contrat (fk_soc, date_contrat, fin_validite): Contrat::$table_element',
    },
    contractLine: {
      tables: ['public.llx_contratdet'],
      readme:
        'dolibarr.sql:3578 llx_contratdet (fk_contrat, fk_product, date_ouverture, date_fin_validite, qty): ContratLigne::$table_element',
    },
    // Dolibarr keeps no allowance used per period: a contract line has a quantity, and the time
    // spent is in interventions and time records.
    contractUsage: { tables: null, readme: 'dolibarr.sql: no table of usage per period beside llx_contratdet' },
    timeEntry: {
      tables: ['public.llx_fichinter', 'public.llx_fichinterdet', 'public.llx_element_time'],
      readme:
        'dolibarr.sql:6134 llx_fichinter (fk_soc, fk_contrat, duree), :6273 llx_fichinterdet (date, duree); llx_element_time (element_duration): time spent',
    },
    // The Asset module is not in dolibarr.sql (dolibarr-more-modules.sql adds llx_asset).
    asset: { tables: null, readme: 'dolibarr-more-modules.sql:1-10 "assets are llx_asset", added by the Asset module only' },
    // ECM keeps one file per path; a new upload replaces it. No versions are recorded.
    documentVersion: { tables: null, readme: 'dolibarr.sql:4047 llx_ecm_files (filepath, filename): no version column or table' },
  },
  answers: {
    A1: { statuses: ['exists'], readme: 'README:29-31 "Its own web portal module signs companies in through llx_societe_account"' },
    A2: { statuses: ['exists'], readme: 'README:29-31 company logins apart from staff llx_user' },
    A3: { statuses: ['exists'], readme: 'README:30 "site = \'dolibarr_portal\'": a portal login table' },
    A4a: { statuses: ['exists'], readme: 'README:31 "one login per company, pass_crypted"' },
    // The same web portal shows proposals and invoices to the signed-in company: one answer for both.
    B1: { statuses: ['exists'], readme: 'README:29-31 the web portal signs companies in; their proposals (README:31) link to llx_societe' },
    B3: { statuses: ['exists'], readme: 'README:29-31 the web portal signs companies in; their invoices (README:32) link to llx_societe' },
    // Online signing of a proposal happens on a page opened by link: a public page cannot be "missing".
    C1: {
      statuses: ['exists', 'partial'],
      readme: 'README:31 "2 signed": proposals are signed (online_sign_ip/online_sign_name on llx_propal)',
    },
    D1: { statuses: ['exists'], readme: 'README:29-31 company logins with pass_crypted' },
    D3: { statuses: ['exists'], readme: 'README:27-28 "entity columns for its multi-company module"' },
  },
};

// Dolibarr with its Ticket module turned on. The messages are llx_actioncomm rows of code TICKET_MSG,
// which only rows can show (the kind is data): they are scored beside a seeded Dolibarr in
// test/dolibarr/audit.test.ts, not on this schema without rows.
const DOLIBARR_TICKETS: RealSchemaExpectation = {
  name: 'dolibarr + Ticket module',
  file: 'dolibarr.sql',
  also: ['dolibarr-ticket.sql'],
  picks: {
    ...DOLIBARR.picks,
    ticket: { tables: ['public.llx_ticket'], readme: 'README:37-38 "Support tickets (the Ticket module ...) are llx_ticket"' },
  },
  answers: DOLIBARR.answers,
};

export const REAL_SCHEMAS: RealSchemaExpectation[] = [ALGA_PSA, DOLIBARR, DOLIBARR_TICKETS];
