// Where each of the reference CRM's tables goes on a Citus cluster (src/core/db/distribute.ts runs
// the plan after the CRM's migrations). A workspace's records, with their line items and payments,
// are distributed by workspace_id in one co-location group, so every screen's statements, each
// scoped by workspace, go to one node. They cannot share the portal's co-location group: Citus
// co-locates only distribution columns of one type, and the CRM's workspace ids are integers where
// the portal keeps every host's as text (varchar(64)); the portal reads the CRM through its binding,
// in statements of their own, so nothing joins across the two.
import type { DistributionPlan } from '../../../src/index.ts';

const BY_WORKSPACE = { kind: 'by-workspace' } as const;
const KEEPS_INVOICE_SUMS = {
  kind: 'by-workspace',
  triggers: "its statement triggers add each change to its invoice's sums one workspace at a time, on the co-located invoices shard",
} as const;

export const CRM_DISTRIBUTION: DistributionPlan = {
  anchor: 'clients',
  tables: {
    workspaces: { kind: 'reference', why: 'one small row per agency, named by every workspace table’s foreign key' },
    staff_users: BY_WORKSPACE,
    clients: BY_WORKSPACE,
    contacts: BY_WORKSPACE,
    proposals: BY_WORKSPACE,
    proposal_items: BY_WORKSPACE,
    quotations: BY_WORKSPACE,
    quotation_items: BY_WORKSPACE,
    invoices: BY_WORKSPACE,
    invoice_items: KEEPS_INVOICE_SUMS,
    payments: KEEPS_INVOICE_SUMS,
    tasks: BY_WORKSPACE,
    projects: BY_WORKSPACE,
    project_phases: BY_WORKSPACE,
    documents: BY_WORKSPACE,
    ticket_categories: BY_WORKSPACE,
    ticket_priorities: BY_WORKSPACE,
    tickets: BY_WORKSPACE,
    ticket_messages: BY_WORKSPACE,
    ticket_status_changes: BY_WORKSPACE,
    ticket_files: BY_WORKSPACE,
    kb_categories: BY_WORKSPACE,
    kb_articles: BY_WORKSPACE,
    request_definitions: BY_WORKSPACE,
    service_requests: BY_WORKSPACE,
    service_request_status_changes: BY_WORKSPACE,
    appointment_settings: BY_WORKSPACE,
    appointment_hours: BY_WORKSPACE,
    appointment_services: BY_WORKSPACE,
    appointments: BY_WORKSPACE,
    appointment_offers: BY_WORKSPACE,
    approval_requests: BY_WORKSPACE,
    approval_versions: BY_WORKSPACE,
    approval_decisions: BY_WORKSPACE,
    orders: BY_WORKSPACE,
    order_lines: BY_WORKSPACE,
    shipments: BY_WORKSPACE,
    shipment_lines: BY_WORKSPACE,
    devices: BY_WORKSPACE,
    device_tickets: BY_WORKSPACE,
    contracts: BY_WORKSPACE,
    recurring_invoices: BY_WORKSPACE,
    contract_lines: BY_WORKSPACE,
    time_entries: BY_WORKSPACE,
    crm_sessions: { kind: 'coordinator', why: 'staff sessions, read by their id before the workspace is known' },
    crm_rate_limits: { kind: 'coordinator', why: 'sign-in counters, read by address before the workspace is known' },
    crm_knex_migrations: { kind: 'coordinator', why: 'knex’s record of the CRM’s migrations' },
    crm_knex_migrations_lock: { kind: 'coordinator', why: 'knex’s migration lock' },
  },
};
