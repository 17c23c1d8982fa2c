// Three links made ON DELETE SET NULL: a service request's answering quotation, an appointment's
// contact and the contact who tied a device to a ticket. Each key is (workspace_id, …), so SET NULL
// would set workspace_id null too, which its NOT NULL refuses, and Citus refuses to distribute a
// table with such a key at all (SET NULL or SET DEFAULT on a key with the distribution column), so
// distributing the CRM stopped at the first of them. They now refuse the delete, as the task's and
// the document's links do since keys_by_workspace: the CRM deletes neither quotations nor contacts,
// and a client's delete takes its requests, appointments and devices with it in the same statement,
// which a key with no action checks only at its end.
import type { Knex } from 'knex';

const LINKS = [
  { table: 'service_requests', column: 'quotation_id', parent: 'quotations' },
  { table: 'appointments', column: 'contact_id', parent: 'contacts' },
  { table: 'device_tickets', column: 'by_contact_id', parent: 'contacts' },
] as const;

const nameOf = (link: (typeof LINKS)[number]) => `${link.table}_workspace_id_${link.column}_foreign`;

async function relink(knex: Knex, onDelete: '' | ' on delete set null'): Promise<void> {
  for (const link of LINKS) {
    await knex.raw(`alter table ${link.table} drop constraint ${nameOf(link)}`);
    await knex.raw(
      `alter table ${link.table} add constraint ${nameOf(link)} foreign key (workspace_id, ${link.column}) references ${link.parent} (workspace_id, id)${onDelete}`,
    );
  }
}

export async function up(knex: Knex): Promise<void> {
  await relink(knex, '');
}

export async function down(knex: Knex): Promise<void> {
  await relink(knex, ' on delete set null');
}
