// Push as a channel of client notifications: a notification whose person chose push for its kind
// waits (emailed_at null) until it is sent to their devices; this index finds the waiting ones.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index if not exists portal_client_notifications_push_idx on portal_client_notifications (workspace_id, id) where channel = 'push' and emailed_at is null`,
  );
  await knex.raw(
    `comment on column portal_client_notifications.channel is 'portal | email | digest | push: the person’s choice when it was made'`,
  );
  await knex.raw(`comment on column portal_client_notifications.emailed_at is 'Sent at once (email or push), or in a daily email.'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists portal_client_notifications_push_idx');
}
