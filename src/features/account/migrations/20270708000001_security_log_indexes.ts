// The sign-in and security log reads one person's (or one company's) security entries, newest
// first. No index had the person first, and the company's index holds every entry it ever made (each
// view and download): partial indexes that hold the security events alone read a page of them
// directly. The list is the one of security-log/events.ts at the time of writing, kept here as it
// was so this migration does the same whenever it runs. Only on the portal's own client_activity_logs.
import type { Knex } from 'knex';
import { onOwnedTable } from '../../../core/index.ts';

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
  await onOwnedTable(
    knex,
    'client_activity_logs',
    `create index if not exists client_activity_logs_security_person_idx on client_activity_logs (workspace_id, client_user_id, id desc) ${WHERE}`,
  );
  await onOwnedTable(
    knex,
    'client_activity_logs',
    `create index if not exists client_activity_logs_security_company_idx on client_activity_logs (workspace_id, client_id, id desc) ${WHERE}`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'client_activity_logs', 'drop index if exists client_activity_logs_security_company_idx');
  await onOwnedTable(knex, 'client_activity_logs', 'drop index if exists client_activity_logs_security_person_idx');
}
