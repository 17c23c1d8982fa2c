// The portal's migrations, in order. They run with their own migrations table
// (portal_knex_migrations) so they never mix with the host's.
import type { Knex } from 'knex';
import { listMigrationSource } from '../src/core/db/migration-source.ts';
import * as foundation from './20261122000001_client_portal_foundation.ts';
import { clientComments } from './20261122000002_client_comments.ts';
import * as localeAndTimeZone from './20261122000003_locale_and_time_zone.ts';
import * as sessionsByUser from './20261123000001_client_sessions_by_user.ts';
import * as mailOutbox from './20261124000001_mail_outbox_and_request_guards.ts';
import * as offerDecisions from './20261126000001_offer_decisions_and_public_links.ts';
import * as paymentsAndNotifications from './20261127000001_payments_and_notifications.ts';
import * as documentsAndUploads from './20261128000001_documents_and_uploads.ts';
import * as messages from './20261129000001_messages.ts';
import * as publicLinkDecisions from './20261130000001_public_link_decisions.ts';
import * as twoFactorAndEmailChange from './20261204000001_two_factor_and_email_change.ts';
import * as unreadNotificationsIndex from './20261206000001_unread_notifications_index.ts';
import * as recordActivityIndex from './20261206000002_record_activity_index.ts';
import * as signatureStrokes from './20261210000001_signature_strokes.ts';
import * as notificationGroupsAndReads from './20261215000001_notification_groups_and_reads.ts';
import * as offerReminders from './20261220000001_offer_reminders.ts';
import * as workspaceInKeys from './20261225000001_workspace_in_message_and_link_keys.ts';
import * as workspaceInEveryKey from './20261226000001_workspace_in_every_key.ts';
import * as clientRolesAndAccess from './20261227000001_client_roles_and_access.ts';
import * as dataExportsAndErasure from './20261228000001_data_exports_and_erasure.ts';
import * as clientNotifications from './20261229000001_client_notifications.ts';
import * as colleagueRequests from './20261230000001_colleague_requests.ts';
import * as workspaceStripeKeys from './20261231000002_workspace_stripe_keys.ts';
import * as dolibarrPendingProposals from './20270101000001_dolibarr_pending_proposals.ts';
import * as colleagueRequestRoles from './20270101000002_colleague_request_roles.ts';
import type { MigrationContext } from './context.ts';
import { distributeOnCitus } from '../src/core/db/distribute.ts';

export const PORTAL_MIGRATIONS_TABLE = 'portal_knex_migrations';

const config = (context: MigrationContext): Knex.MigratorConfig => ({
  migrationSource: listMigrationSource({
    '20261122000001_client_portal_foundation': foundation,
    '20261122000002_client_comments': clientComments(context),
    '20261122000003_locale_and_time_zone': localeAndTimeZone,
    '20261123000001_client_sessions_by_user': sessionsByUser,
    '20261124000001_mail_outbox_and_request_guards': mailOutbox,
    '20261126000001_offer_decisions_and_public_links': offerDecisions,
    '20261127000001_payments_and_notifications': paymentsAndNotifications,
    '20261128000001_documents_and_uploads': documentsAndUploads,
    '20261129000001_messages': messages,
    '20261130000001_public_link_decisions': publicLinkDecisions,
    '20261204000001_two_factor_and_email_change': twoFactorAndEmailChange,
    '20261206000001_unread_notifications_index': unreadNotificationsIndex,
    '20261206000002_record_activity_index': recordActivityIndex,
    '20261210000001_signature_strokes': signatureStrokes,
    '20261215000001_notification_groups_and_reads': notificationGroupsAndReads,
    '20261220000001_offer_reminders': offerReminders,
    '20261225000001_workspace_in_message_and_link_keys': workspaceInKeys,
    '20261226000001_workspace_in_every_key': workspaceInEveryKey,
    '20261227000001_client_roles_and_access': clientRolesAndAccess,
    '20261228000001_data_exports_and_erasure': dataExportsAndErasure,
    '20261229000001_client_notifications': clientNotifications,
    '20261230000001_colleague_requests': colleagueRequests,
    '20261231000002_workspace_stripe_keys': workspaceStripeKeys,
    '20270101000001_dolibarr_pending_proposals': dolibarrPendingProposals,
    '20270101000002_colleague_request_roles': colleagueRequestRoles,
  }),
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
