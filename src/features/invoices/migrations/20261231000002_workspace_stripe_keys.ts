// A workspace's own Stripe keys (an agency that bills several brands from several Stripe
// accounts), kept encrypted: sealed with the portal's secret box (src/core/crypto/secret-box.ts),
// bound to the workspace, never shown again once saved.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

const COLUMNS = ['stripe_secret_key_sealed', 'stripe_webhook_secret_sealed', 'stripe_key_hint'];

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'portal_payment_settings', {
    stripe_secret_key_sealed: (t) => t.text('stripe_secret_key_sealed').comment("The workspace's Stripe secret key, encrypted."),
    stripe_webhook_secret_sealed: (t) =>
      t.text('stripe_webhook_secret_sealed').comment("The signing secret of the workspace's Stripe webhook endpoint, encrypted."),
    stripe_key_hint: (t) =>
      t
        .string('stripe_key_hint', 40)
        .comment('What the admin sees of the saved key: its mode prefix and last four characters (sk_test_…4242).'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'portal_payment_settings', COLUMNS);
}
