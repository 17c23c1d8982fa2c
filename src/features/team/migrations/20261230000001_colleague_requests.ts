// A client admin asks the agency to add a colleague who is not among the company's contacts yet.
// The agency adds them (through the host's contacts port where the host allows it, else in its
// CRM first) and the portal invites them, or declines with a reason the client admin reads.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20261230000001_colleague_requests';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_colleague_requests', (t) => {
    t.comment('A client admin’s request that the agency add a colleague, and the agency’s decision.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.uuid('requested_by').notNullable().comment('The client admin who asked (client_users.id).');
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable().comment('Lower case.');
    t.text('note').nullable().comment('What the client admin wrote for the agency.');
    t.string('status', 16).notNullable().defaultTo('open').comment('open | added | declined');
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.string('decided_by_staff_id', 64).nullable();
    t.text('decision_note').nullable().comment('The agency’s reason; required to decline.');
    t.string('contact_id', 64).nullable().comment('The host contact added (or found) for the request.');
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'status', 'requested_at'], 'portal_colleague_requests_status_idx');
    t.index(['workspace_id', 'client_id', 'requested_at'], 'portal_colleague_requests_company_idx');
  });
  // One open request per company and address: asking twice is refused.
  await knex.raw(
    `create unique index portal_colleague_requests_open_idx on portal_colleague_requests (workspace_id, client_id, email) where status = 'open'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
