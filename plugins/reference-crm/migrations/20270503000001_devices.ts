// Devices: what the agency looks after for a client (a workstation, a printer, a server), with its
// kind, status, serial number, asset tag and location, and the tickets about each. A ticket is
// linked to a device in device_tickets (as Alga PSA links one in asset_associations): the client's
// "open a ticket about this device" writes the ticket and its link together.
import type { Knex } from 'knex';

export const DEVICE_KINDS = ['workstation', 'network_device', 'server', 'mobile_device', 'printer', 'other'] as const;
export const DEVICE_STATUSES = ['active', 'maintenance', 'inactive'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('devices', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.string('name', 200).notNullable();
    t.enu('kind', DEVICE_KINDS).notNullable().defaultTo('other');
    t.enu('status', DEVICE_STATUSES).notNullable().defaultTo('active');
    t.string('serial_number', 120);
    t.string('asset_tag', 120);
    t.string('location', 200).comment('Where it stands, where the agency knows it.');
    t.date('purchased_on');
    t.date('warranty_ends_on');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.comment('A device the agency looks after for a client.');
  });
  // A client's devices by name (its list).
  await knex.raw('create index devices_client_name_idx on devices (workspace_id, client_id, name, id)');
  await knex.schema.createTable('device_tickets', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.integer('device_id').notNullable();
    t.integer('ticket_id').notNullable();
    t.integer('by_contact_id').comment('The client contact who linked it; null when staff did, or the contact is gone.');
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'device_id', 'ticket_id']);
    t.foreign(['workspace_id', 'device_id']).references(['workspace_id', 'id']).inTable('devices').onDelete('CASCADE');
    t.foreign(['workspace_id', 'ticket_id']).references(['workspace_id', 'id']).inTable('tickets').onDelete('CASCADE');
    t.foreign(['workspace_id', 'by_contact_id']).references(['workspace_id', 'id']).inTable('contacts').onDelete('SET NULL');
    t.comment('A ticket about a device.');
  });
  await knex.raw('create index device_tickets_ticket_idx on device_tickets (workspace_id, ticket_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('device_tickets');
  await knex.schema.dropTable('devices');
}
