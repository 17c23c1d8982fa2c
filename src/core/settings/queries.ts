// SQL for workspace_client_portal_settings.
import type { Knex } from 'knex';
import { DEFAULT_SETTINGS, type PortalSettings } from './portal-settings.ts';

type Db = Knex | Knex.Transaction;

const TABLE = 'workspace_client_portal_settings';

interface SettingsRow {
  show_proposals: boolean;
  show_invoices: boolean;
  show_tasks: boolean;
  show_projects: boolean;
  show_tickets: boolean;
  show_knowledge_base: boolean;
  show_requests: boolean;
  show_appointments: boolean;
  show_approvals: boolean;
  allow_company_details_edit: boolean;
  show_orders: boolean;
  show_devices: boolean;
  show_contracts: boolean;
  show_time_entries_to_clients: boolean;
  allow_file_uploads: boolean;
  allow_comments: boolean;
  allow_messaging: boolean;
  allow_online_payments: boolean;
  allow_public_link_decisions: boolean;
  login_with_code: boolean;
  login_with_password: boolean;
  portal_title: string | null;
  primary_color: string | null;
  logo_file_id: string | null;
  default_locale: string | null;
  default_time_zone: string | null;
  max_upload_mb: number;
  require_two_factor: boolean;
  security_log_days: number;
  updated_at: Date;
}

const COLUMNS = [
  'show_proposals',
  'show_invoices',
  'show_tasks',
  'show_projects',
  'show_tickets',
  'show_knowledge_base',
  'show_requests',
  'show_appointments',
  'show_approvals',
  'allow_company_details_edit',
  'show_orders',
  'show_devices',
  'show_contracts',
  'show_time_entries_to_clients',
  'allow_file_uploads',
  'allow_comments',
  'allow_messaging',
  'allow_online_payments',
  'allow_public_link_decisions',
  'login_with_code',
  'login_with_password',
  'portal_title',
  'primary_color',
  'logo_file_id',
  'default_locale',
  'default_time_zone',
  'max_upload_mb',
  'require_two_factor',
  'security_log_days',
  'updated_at',
];

function fromRow(row: SettingsRow): PortalSettings {
  return {
    showProposals: row.show_proposals,
    showInvoices: row.show_invoices,
    showTasks: row.show_tasks,
    showProjects: row.show_projects,
    showTickets: row.show_tickets,
    showKnowledgeBase: row.show_knowledge_base,
    showRequests: row.show_requests,
    showAppointments: row.show_appointments,
    showApprovals: row.show_approvals,
    allowCompanyDetailsEdit: Boolean(row.allow_company_details_edit),
    showOrders: row.show_orders,
    showDevices: row.show_devices,
    showContracts: row.show_contracts,
    showTimeEntriesToClients: row.show_time_entries_to_clients,
    showDocuments: true,
    allowFileUploads: row.allow_file_uploads,
    allowComments: row.allow_comments,
    allowMessaging: row.allow_messaging,
    allowOnlinePayments: row.allow_online_payments,
    allowPublicLinkDecisions: row.allow_public_link_decisions,
    loginWithCode: row.login_with_code,
    loginWithPassword: row.login_with_password,
    portalTitle: row.portal_title,
    primaryColor: row.primary_color,
    logoFileId: row.logo_file_id,
    defaultLocale: row.default_locale,
    defaultTimeZone: row.default_time_zone,
    maxUploadMb: Number(row.max_upload_mb),
    requireTwoFactor: Boolean(row.require_two_factor),
    securityLogDays: Number(row.security_log_days),
    updatedAt: row.updated_at,
  };
}

export async function findSettings(db: Db, workspaceId: string): Promise<PortalSettings> {
  const row = (await db(TABLE).where({ workspace_id: workspaceId }).first(COLUMNS)) as SettingsRow | undefined;
  return row ? fromRow(row) : { ...DEFAULT_SETTINGS };
}

/** What a save may change: everything stored (documents have no workspace switch). */
export type SettingsChange = Partial<Omit<PortalSettings, 'updatedAt' | 'showDocuments'>>;

export async function saveSettings(db: Db, workspaceId: string, change: SettingsChange, staffId: string): Promise<PortalSettings> {
  const columns: Record<string, unknown> = {};
  const map: Record<keyof SettingsChange, string> = {
    showProposals: 'show_proposals',
    showInvoices: 'show_invoices',
    showTasks: 'show_tasks',
    showProjects: 'show_projects',
    showTickets: 'show_tickets',
    showKnowledgeBase: 'show_knowledge_base',
    showRequests: 'show_requests',
    showAppointments: 'show_appointments',
    showApprovals: 'show_approvals',
    allowCompanyDetailsEdit: 'allow_company_details_edit',
    showOrders: 'show_orders',
    showDevices: 'show_devices',
    showContracts: 'show_contracts',
    showTimeEntriesToClients: 'show_time_entries_to_clients',
    allowFileUploads: 'allow_file_uploads',
    allowComments: 'allow_comments',
    allowMessaging: 'allow_messaging',
    allowOnlinePayments: 'allow_online_payments',
    allowPublicLinkDecisions: 'allow_public_link_decisions',
    loginWithCode: 'login_with_code',
    loginWithPassword: 'login_with_password',
    portalTitle: 'portal_title',
    primaryColor: 'primary_color',
    logoFileId: 'logo_file_id',
    defaultLocale: 'default_locale',
    defaultTimeZone: 'default_time_zone',
    maxUploadMb: 'max_upload_mb',
    requireTwoFactor: 'require_two_factor',
    securityLogDays: 'security_log_days',
  };
  for (const [key, value] of Object.entries(change) as Array<[keyof SettingsChange, unknown]>) {
    if (value !== undefined) columns[map[key]] = value;
  }
  const [row] = await db(TABLE)
    .insert({ workspace_id: workspaceId, ...columns, updated_by_staff_id: staffId, updated_at: db.fn.now() })
    .onConflict('workspace_id')
    .merge([...Object.keys(columns), 'updated_by_staff_id', 'updated_at'])
    .returning(COLUMNS);
  return fromRow(row as SettingsRow);
}
