// Which online provider took a payment ('stripe', 'demo'), where one did: the payment's reference
// is then the provider's own id, which staff match against the provider's records and which the
// client, who never saw it, cannot quote. Null for a payment staff entered (a transfer, a cheque),
// whose reference is the payer's.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('provider', 40).comment("The online provider that took the payment; its reference is then the provider's id.");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('provider');
  });
}
