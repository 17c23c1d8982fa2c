// How long the sign-in and security log keeps an entry, per workspace (its admin's setting, 365
// days until changed), and the index the deletion of older entries reads: the security events
// alone, by age, so a batch of them is found without stepping over the rest of the workspace's
// activity (which is kept). The list of events is the one of security-log/events.ts at the time of
// writing, as in 20270708000001_security_log_indexes.ts. Only on the portal's own tables.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns, onOwnedTable } from '../../../core/index.ts';

const EVENTS = [
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.locked',
  'password.changed',
  'password.reset',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.recovery_codes_renewed',
  'two_factor.reset',
  'two_factor.failed',
  'two_factor.locked',
  'passkey.added',
  'passkey.removed',
  'session.revoked',
  'email.changed',
  'payment_method.added',
  'payment_method.removed',
];
const WHERE = `where event in (${EVENTS.map((e) => `'${e}'`).join(', ')})`;

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    security_log_days: (t) =>
      t
        .integer('security_log_days')
        .notNullable()
        .defaultTo(365)
        .comment('Days the sign-in and security log keeps an entry (30 to 3650); older entries are deleted.'),
  });
  await onOwnedTable(
    knex,
    'client_activity_logs',
    `create index if not exists client_activity_logs_security_age_idx on client_activity_logs (workspace_id, created_at) ${WHERE}`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'client_activity_logs', 'drop index if exists client_activity_logs_security_age_idx');
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['security_log_days']);
}
