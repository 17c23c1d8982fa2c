// How each of the portal's tables is placed when the database is a Citus cluster: distributed by
// workspace (co-located, so a client page's queries all route to one node), distributed by its own
// key (rows every query reads by that key alone), or kept on the coordinator (queues claimed
// across workspaces with FOR UPDATE SKIP LOCKED, which Citus runs only on single-shard queries,
// sessions, and bookkeeping). Every portal table has exactly one
// entry: test/migrations/distribution-rules.test.ts reads the catalog after migrate, fails on a
// table without a decision, and checks the rules a decision brings (a table distributed by
// workspace carries workspace_id in its primary key, in every unique constraint and in every
// foreign key to another such table).

/**
 * How a statement that must span workspaces (a background job over all of them) says so: its SQL
 * starts with this comment, so the checks that every other statement names its workspace
 * (test/support/shard-routing.ts, the Citus stage) pass it by. On Citus it runs on every shard.
 */
export const ACROSS_WORKSPACES = 'across workspaces';

export type TablePlacement =
  | {
      kind: 'by-workspace';
      /**
       * Why the table's triggers are safe on a shard, where it has any: Citus distributes a table with
       * triggers only when told so (citus.enable_unsafe_triggers), and a trigger there may reach only
       * co-located shards of one workspace.
       */
      triggers?: string;
    }
  | { kind: 'by-own-key'; column: string; why: string }
  | { kind: 'reference'; why: string }
  | { kind: 'coordinator'; why: string };

/**
 * A schema's placements: the portal's below, a host's own (the reference CRM's,
 * plugins/reference-crm/migrations/distribution.ts). Tables distributed by workspace are co-located
 * with `anchor`.
 */
export interface DistributionPlan {
  tables: Readonly<Record<string, TablePlacement>>;
  anchor: string;
}

const BY_WORKSPACE: TablePlacement = { kind: 'by-workspace' };

export const TABLE_PLACEMENT: Readonly<Record<string, TablePlacement>> = {
  workspace_client_portal_settings: BY_WORKSPACE,
  client_users: BY_WORKSPACE,
  client_roles: BY_WORKSPACE,
  portal_client_access: BY_WORKSPACE,
  client_two_factor: BY_WORKSPACE,
  client_recovery_codes: BY_WORKSPACE,
  client_passkeys: BY_WORKSPACE,
  client_confirmation_codes: BY_WORKSPACE,
  client_login_codes: BY_WORKSPACE,
  client_user_tokens: BY_WORKSPACE,
  client_activity_logs: BY_WORKSPACE,
  client_comments: BY_WORKSPACE,
  client_payments: BY_WORKSPACE,
  client_payment_callbacks: BY_WORKSPACE,
  client_unapplied_payments: BY_WORKSPACE,
  client_payment_methods: BY_WORKSPACE,
  client_payment_setups: BY_WORKSPACE,
  client_autopay: BY_WORKSPACE,
  client_autopay_charges: BY_WORKSPACE,
  client_autopay_notices: BY_WORKSPACE,
  portal_staff_preferences: BY_WORKSPACE,
  client_uploads: BY_WORKSPACE,
  portal_client_preferences: BY_WORKSPACE,
  portal_conversations: BY_WORKSPACE,
  portal_messages: BY_WORKSPACE,
  portal_message_attachments: BY_WORKSPACE,
  portal_files: BY_WORKSPACE,
  portal_file_chunks: BY_WORKSPACE,
  portal_live_events: BY_WORKSPACE,
  portal_notification_reads: BY_WORKSPACE,
  portal_notification_item_reads: BY_WORKSPACE,
  portal_offer_decisions: BY_WORKSPACE,
  portal_offer_reminders: BY_WORKSPACE,
  portal_payment_settings: BY_WORKSPACE,
  portal_public_links: BY_WORKSPACE,
  portal_public_link_accesses: BY_WORKSPACE,
  portal_read_markers: BY_WORKSPACE,
  portal_data_exports: BY_WORKSPACE,
  portal_erasure_requests: BY_WORKSPACE,
  portal_client_notifications: BY_WORKSPACE,
  portal_host_news: BY_WORKSPACE,
  portal_client_summary_generations: BY_WORKSPACE,
  portal_client_summaries: BY_WORKSPACE,
  portal_push_keys: BY_WORKSPACE,
  portal_push_subscriptions: BY_WORKSPACE,
  portal_colleague_requests: BY_WORKSPACE,
  portal_contract_hour_requests: BY_WORKSPACE,
  portal_custom_domains: BY_WORKSPACE,
  portal_custom_domain_hosts: {
    kind: 'by-own-key',
    column: 'hostname',
    why: 'a host name is claimed once across every workspace and read by the Host header alone, before any workspace is known',
  },
  portal_ticket_attachments: BY_WORKSPACE,
  portal_ticket_ratings: BY_WORKSPACE,
  portal_knowledge_votes: BY_WORKSPACE,
  portal_approval_decisions: BY_WORKSPACE,
  portal_kept_approvals: BY_WORKSPACE,
  portal_kept_approval_versions: BY_WORKSPACE,
  portal_request_attachments: BY_WORKSPACE,
  portal_request_pending_files: BY_WORKSPACE,
  portal_sso_providers: BY_WORKSPACE,
  portal_sso_bindings: BY_WORKSPACE,
  portal_sso_identities: BY_WORKSPACE,
  portal_sso_saml_settings: BY_WORKSPACE,
  portal_sso_saml_keys: BY_WORKSPACE,
  portal_sso_saml_requests: BY_WORKSPACE,
  portal_sso_saml_assertions: BY_WORKSPACE,
  portal_scim_tokens: BY_WORKSPACE,
  portal_scim_token_reveals: BY_WORKSPACE,
  portal_scim_companies: BY_WORKSPACE,
  portal_scim_people: BY_WORKSPACE,
  portal_scim_groups: BY_WORKSPACE,
  portal_scim_group_members: BY_WORKSPACE,
  portal_scim_group_roles: BY_WORKSPACE,
  client_sessions: {
    kind: 'coordinator',
    why: 'read by its id on every page, but also by client user (the account page, the cap at sign-in): whole on the coordinator both are one index read, spread by id the second would visit every shard',
  },
  portal_rate_limits: {
    kind: 'by-own-key',
    column: 'key',
    why: 'a limit is consumed and read by its key alone (per address, per account)',
  },
  portal_request_guards: { kind: 'by-own-key', column: 'key', why: 'a guard is claimed and read by its key alone' },
  portal_mail_outbox: {
    kind: 'coordinator',
    why: 'the outbox is one queue for every workspace, claimed with FOR UPDATE SKIP LOCKED across workspaces',
  },
  portal_notification_dispatch: {
    kind: 'coordinator',
    why: "two rows, the staff notification channels' cursors, locked FOR UPDATE SKIP LOCKED by every instance",
  },
  portal_dolibarr_pending_proposals: {
    kind: 'coordinator',
    why: "beside Dolibarr, an index of llx_propal joined to it by rowid in the dashboard's count: kept where Dolibarr's tables are, never distributed, so the join stays one node's index reads; distributed, Citus would ship the company's whole llx_propal to the shard",
  },
  portal_dolibarr_pending_scans: {
    kind: 'coordinator',
    why: 'one row per Dolibarr entity, read in the same statement as llx_propal and portal_dolibarr_pending_proposals',
  },
  portal_dolibarr_unpaid_invoices: {
    kind: 'coordinator',
    why: "beside Dolibarr, an index of llx_facture joined to it by rowid in the dashboard's count: kept where Dolibarr's tables are, never distributed, so the join stays one node's index reads",
  },
  portal_dolibarr_unpaid_scans: {
    kind: 'coordinator',
    why: 'one row per Dolibarr entity, read in the same statement as llx_facture and portal_dolibarr_unpaid_invoices',
  },
  portal_dolibarr_proposal_order: {
    kind: 'coordinator',
    why: "beside Dolibarr, an index of llx_propal by company and date joined to it by rowid in the proposal list: kept where Dolibarr's tables are, never distributed, so the join stays one node's index reads",
  },
  portal_dolibarr_proposal_order_scans: {
    kind: 'coordinator',
    why: 'one row per Dolibarr entity, read in the same statement as llx_propal and portal_dolibarr_proposal_order',
  },
  portal_dolibarr_ticket_statuses: {
    kind: 'coordinator',
    why: "beside Dolibarr, the ticket statuses the portal last saw, compared with llx_ticket in one statement: kept where Dolibarr's tables are, never distributed",
  },
  portal_dolibarr_ticket_order: {
    kind: 'coordinator',
    why: "beside Dolibarr, an index of llx_ticket by company and last activity joined to it by rowid in the ticket list: kept where Dolibarr's tables are, never distributed, so the join stays one node's index reads",
  },
  portal_dolibarr_ticket_order_scans: {
    kind: 'coordinator',
    why: 'one row per Dolibarr entity, read in the same statement as llx_ticket and portal_dolibarr_ticket_order',
  },
  portal_dolibarr_request_types: {
    kind: 'coordinator',
    why: "beside Dolibarr, a handful of rows per entity read with llx_c_ticket_type: kept where Dolibarr's tables are, never distributed",
  },
  portal_dolibarr_requests: {
    kind: 'coordinator',
    why: "beside Dolibarr, each request joined to its llx_propal or llx_ticket row by rowid: kept where Dolibarr's tables are, never distributed",
  },
  portal_dolibarr_reorders: {
    kind: 'coordinator',
    why: "beside Dolibarr, each draft order joined to its llx_commande row by rowid on the order's page: kept where Dolibarr's tables are, never distributed",
  },
  portal_dolibarr_calendars: {
    kind: 'coordinator',
    why: "beside Dolibarr, a calendar's hours read with llx_bookcal_calendar: kept where Dolibarr's tables are, never distributed",
  },
  portal_dolibarr_appointments: {
    kind: 'coordinator',
    why: "beside Dolibarr, each booking joined to its llx_actioncomm event by id under the calendar's lock: kept where Dolibarr's tables are, never distributed",
  },
  portal_alga_listed_records: {
    kind: 'coordinator',
    why: "beside Alga PSA, an index of invoices and quotes joined to them by primary key in a client's lists: kept where Alga's tables are, never distributed, so the join stays one node's index reads",
  },
  portal_alga_ticket_order: {
    kind: 'coordinator',
    why: "beside Alga PSA, an index of tickets by client and last activity joined to them by primary key in a client's ticket list: kept where Alga's tables are, never distributed, so the join stays one node's index reads",
  },
  portal_alga_ticket_order_scans: {
    kind: 'coordinator',
    why: 'one row per Alga tenant, read in the same statement as portal_alga_ticket_order',
  },
  portal_alga_listed_scans: {
    kind: 'coordinator',
    why: 'one row per Alga tenant and kind, read in the same statement as portal_alga_listed_records',
  },
  portal_owned_tables: { kind: 'coordinator', why: 'the migrations’ record of which tables the portal created' },
  portal_knex_migrations: { kind: 'coordinator', why: 'knex’s record of the portal’s migrations' },
  portal_knex_migrations_lock: { kind: 'coordinator', why: 'knex’s migration lock' },
};

export const PORTAL_DISTRIBUTION: DistributionPlan = { tables: TABLE_PLACEMENT, anchor: 'client_users' };
