// Each person's own data (GDPR art. 15, 17, 20). A person asks for a copy of their data: the
// request is a row here, built in the background into a ZIP in the portal's file storage and
// offered to them until it expires. A person asks for their data to be erased: the agency approves
// or declines the request in its admin pages; approval removes or anonymises what the portal holds
// about them (src/features/privacy/erasure.ts) and leaves the request row, which names nobody.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20261228000001_data_exports_and_erasure';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_data_exports', (t) => {
    t.comment('A person’s request for a copy of their data, and the ZIP built for it.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('client_user_id').notNullable();
    t.string('status', 16).notNullable().defaultTo('queued').comment('queued | building | ready | failed | expired');
    t.uuid('file_id').nullable().comment('The ZIP in portal_files, while ready.');
    t.bigInteger('size_bytes').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true }).nullable().comment('When a worker claimed it; a stale claim is taken over.');
    t.timestamp('ready_at', { useTz: true }).nullable();
    t.timestamp('expires_at', { useTz: true }).nullable().comment('After this the ZIP is deleted.');
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'client_user_id', 'requested_at'], 'portal_data_exports_person_idx');
  });
  await knex.raw(
    `create index portal_data_exports_pending_idx on portal_data_exports (requested_at) where status in ('queued', 'building')`,
  );
  // One export in the making per person: a second request while one is built is refused.
  await knex.raw(
    `create unique index portal_data_exports_in_flight_idx on portal_data_exports (workspace_id, client_user_id) where status in ('queued', 'building')`,
  );
  await createOwnedTable(knex, MIGRATION, 'portal_erasure_requests', (t) => {
    t.comment('A person’s request to have their data erased, and the agency’s decision.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('client_user_id').notNullable().comment('After an approval, an id that no longer names anyone.');
    t.string('client_id', 64).notNullable();
    t.string('status', 16).notNullable().defaultTo('requested').comment('requested | withdrawn | approved | declined');
    t.text('reason').nullable().comment('What the person wrote when asking; removed on approval.');
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.string('decided_by_staff_id', 64).nullable();
    t.text('decision_note').nullable().comment('The agency’s reason; required to decline.');
    t.jsonb('erased').nullable().comment('On approval: how many rows of each kind were removed or anonymised.');
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'status', 'requested_at'], 'portal_erasure_requests_status_idx');
    t.index(['workspace_id', 'client_user_id'], 'portal_erasure_requests_person_idx');
  });
  // One open request per person.
  await knex.raw(
    `create unique index portal_erasure_requests_open_idx on portal_erasure_requests (workspace_id, client_user_id) where status = 'requested'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
