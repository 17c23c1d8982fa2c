// The portal's migrations: core's, here (the tables several features share, from the foundation
// on), merged with each feature's own (src/features/<name>/migrations/, declared in its manifest)
// and run in the order of their names, as one list. They run with their own migrations table
// (portal_knex_migrations) so they never mix with the host's. The runner lives beside core's
// migrations, above src/core/ and src/features/ as the composition root (src/portal.ts) does,
// because it reads the features' list, which the core may not import.
import type { Knex } from 'knex';
import {
  distributeOnCitus,
  listMigrationSource,
  type MigrationContext,
  type MigrationModule,
  type PortalMigration,
} from '../core/index.ts';
import { FEATURE_MANIFESTS } from '../features/manifests.ts';
import * as foundation from './20261122000001_client_portal_foundation.ts';
import * as localeAndTimeZone from './20261122000003_locale_and_time_zone.ts';
import * as sessionsByUser from './20261123000001_client_sessions_by_user.ts';
import * as mailOutbox from './20261124000001_mail_outbox_and_request_guards.ts';
import * as paymentsAndNotifications from './20261127000001_payments_and_notifications.ts';
import * as documentsAndUploads from './20261128000001_documents_and_uploads.ts';
import * as messages from './20261129000001_messages.ts';
import * as workspaceInKeys from './20261225000001_workspace_in_message_and_link_keys.ts';
import * as workspaceInEveryKey from './20261226000001_workspace_in_every_key.ts';
import * as clientRolesAndAccess from './20261227000001_client_roles_and_access.ts';
import * as dolibarrPendingProposals from './20270101000001_dolibarr_pending_proposals.ts';
import * as dolibarrProposalOrder from './20270101000003_dolibarr_proposal_order.ts';
import * as algaListedRecords from './20270101000005_alga_listed_records.ts';
import * as staffPreferences from './20270103000001_staff_preferences.ts';
import * as dolibarrTicketStatuses from './20270301000002_dolibarr_ticket_statuses.ts';
import * as dolibarrTicketOrder from './20270610000001_dolibarr_ticket_order.ts';
import * as algaTicketOrder from './20270610000003_alga_ticket_order.ts';
import * as dolibarrUnpaidInvoices from './20270611000001_dolibarr_unpaid_invoices.ts';
import * as dolibarrReorders from './20270612000001_dolibarr_reorders.ts';
import * as dolibarrRequestsAppointments from './20270506000001_dolibarr_requests_appointments.ts';
import * as clientSummaries from './20270601000001_client_summaries.ts';

export const PORTAL_MIGRATIONS_TABLE = 'portal_knex_migrations';

/** Core's own: each creates or changes tables of the core or of several features at once. */
const CORE_MIGRATIONS: Readonly<Record<string, PortalMigration>> = {
  '20261122000001_client_portal_foundation': foundation,
  '20261122000003_locale_and_time_zone': localeAndTimeZone,
  '20261123000001_client_sessions_by_user': sessionsByUser,
  '20261124000001_mail_outbox_and_request_guards': mailOutbox,
  '20261127000001_payments_and_notifications': paymentsAndNotifications,
  '20261128000001_documents_and_uploads': documentsAndUploads,
  '20261129000001_messages': messages,
  '20261225000001_workspace_in_message_and_link_keys': workspaceInKeys,
  '20261226000001_workspace_in_every_key': workspaceInEveryKey,
  '20261227000001_client_roles_and_access': clientRolesAndAccess,
  '20270101000001_dolibarr_pending_proposals': dolibarrPendingProposals,
  '20270101000003_dolibarr_proposal_order': dolibarrProposalOrder,
  '20270101000005_alga_listed_records': algaListedRecords,
  '20270103000001_staff_preferences': staffPreferences,
  '20270301000002_dolibarr_ticket_statuses': dolibarrTicketStatuses,
  '20270506000001_dolibarr_requests_appointments': dolibarrRequestsAppointments,
  '20270601000001_client_summaries': clientSummaries,
  '20270610000001_dolibarr_ticket_order': dolibarrTicketOrder,
  '20270610000003_alga_ticket_order': algaTicketOrder,
  '20270611000001_dolibarr_unpaid_invoices': dolibarrUnpaidInvoices,
  '20270612000001_dolibarr_reorders': dolibarrReorders,
};

/**
 * Every migration of core and of the features, by name, made for what the host keeps. A name two
 * of them use throws: knex would run only one of the two and record it as both.
 */
export function portalMigrations(context: MigrationContext, features = FEATURE_MANIFESTS): Record<string, MigrationModule> {
  const all: Record<string, MigrationModule> = {};
  const owner = new Map<string, string>();
  const sources = [{ name: 'core', migrations: CORE_MIGRATIONS }, ...features];
  for (const { name: from, migrations = {} } of sources) {
    for (const [name, migration] of Object.entries(migrations)) {
      const other = owner.get(name);
      if (other) throw new Error(`The migration ${name} is both ${other}'s and ${from}'s`);
      owner.set(name, from);
      all[name] = typeof migration === 'function' ? migration(context) : migration;
    }
  }
  return all;
}

/** The runner's source: every migration, in the order of their names. */
export const portalMigrationSource = (context: MigrationContext): Knex.MigrationSource<string> =>
  listMigrationSource(portalMigrations(context));

const config = (context: MigrationContext): Knex.MigratorConfig => ({
  migrationSource: portalMigrationSource(context),
  tableName: PORTAL_MIGRATIONS_TABLE,
});

const NOTHING_FROM_HOST: MigrationContext = { hostProvides: new Set() };

/** Brings the portal's tables up to date and, on a Citus cluster, distributes them (src/core/db/distribute.ts). */
export async function migratePortal(knex: Knex, context: MigrationContext = NOTHING_FROM_HOST): Promise<void> {
  await knex.migrate.latest(config(context));
  await distributeOnCitus(knex);
}

export async function rollbackPortal(knex: Knex, context: MigrationContext = NOTHING_FROM_HOST): Promise<void> {
  await knex.migrate.rollback(config(context), true);
}
