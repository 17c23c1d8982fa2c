// A client asks the agency for more hours on a contract line whose allowance counts hours. The
// host keeps no such thing, so the portal keeps the ask and the agency's answer in a table of its
// own; the allowance itself stays the host's, changed by the agency in its CRM.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20270701000001_contract_hour_requests';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_contract_hour_requests', (t) => {
    t.comment('A client’s ask for more hours on a contract line, and the agency’s answer in words.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.string('contract_id', 64).notNullable().comment('The host’s contract (ContractsPort), by id.');
    t.string('line_id', 64).notNullable().comment('The host’s contract line with an hours allowance, by id.');
    t.decimal('hours', 7, 2).notNullable().comment('How many more hours, 0.5 to 1000.');
    t.string('scope', 16).notNullable().comment('this_period | from_now_on');
    t.string('period_start', 10).nullable().comment('YYYY-MM-DD: the period asked for (this_period), as the line counted it then.');
    t.string('period_end', 10).nullable().comment('YYYY-MM-DD, the day after the period.');
    t.text('note').nullable().comment('What the client wrote for the agency; removed when the person is erased.');
    t.uuid('asked_by').nullable().comment('The client user who asked (client_users.id); null once they are erased.');
    t.timestamp('asked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('state', 16).notNullable().defaultTo('pending').comment('pending | answered | withdrawn');
    t.string('answer', 16).nullable().comment('agreed | declined, once answered.');
    t.text('answer_note').nullable().comment('The agency’s words to the client.');
    t.timestamp('answered_at', { useTz: true }).nullable().comment('When answered or withdrawn.');
    t.string('answered_by_staff_id', 64).nullable().comment('The host’s staff user who answered.');
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'client_id', 'contract_id', 'asked_at'], 'portal_contract_hour_requests_contract_idx');
    t.index(['workspace_id', 'asked_by'], 'portal_contract_hour_requests_person_idx');
  });
  // One pending ask per contract line at a time: a second is refused until the first is answered or withdrawn.
  await knex.raw(
    `create unique index if not exists portal_contract_hour_requests_pending_idx on portal_contract_hour_requests (workspace_id, client_id, contract_id, line_id) where state = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
