// Orders of a client and their deliveries. An order is what the client confirmed buying (often an
// accepted proposal or quotation), with its lines; a shipment is a parcel sent for it, with the
// lines it carries, the carrier, the tracking number and the carrier's tracking page. An invoice
// may name the order it bills.
//
// A draft order is the agency's work in progress; one the client asked for with "order again" in
// the portal names the order it copies and the contact who asked (reorder_of_id,
// requested_by_contact_id), so the staff's order page says where it came from.
//
// As every workspace table since the keys-by-workspace migration, keys start with workspace_id and
// links are (workspace_id, …) → (workspace_id, id); the CRM deletes no contacts, so the link to the
// asking contact refuses a delete rather than setting null (which Citus does not take on such a key).
import type { Knex } from 'knex';

export const ORDER_STATUSES = ['draft', 'confirmed', 'shipping', 'delivered', 'cancelled'] as const;
export const SHIPMENT_STATUSES = ['preparing', 'sent', 'delivered'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.string('number', 40).notNullable().comment('The number the client quotes, e.g. SO-2026-001; a draft has DRAFT-<id>.');
    t.string('client_reference', 100).comment('The client’s own reference (their purchase order number).');
    t.enu('status', ORDER_STATUSES).notNullable().defaultTo('draft');
    t.string('currency', 3).notNullable().defaultTo('USD');
    t.date('ordered_on');
    t.date('delivery_on').comment('When the agency expects to deliver.');
    t.text('notes').notNullable().defaultTo('').comment('For the client.');
    t.integer('proposal_id');
    t.integer('quotation_id');
    t.timestamp('confirmed_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('cancelled_at', { useTz: true });
    t.integer('reorder_of_id').comment('The order a client asked for again from the portal.');
    t.integer('requested_by_contact_id').comment('The contact who asked for it again.');
    t.timestamp('requested_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'number']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.foreign(['workspace_id', 'proposal_id']).references(['workspace_id', 'id']).inTable('proposals');
    t.foreign(['workspace_id', 'quotation_id']).references(['workspace_id', 'id']).inTable('quotations');
    t.foreign(['workspace_id', 'reorder_of_id']).references(['workspace_id', 'id']).inTable('orders');
    t.foreign(['workspace_id', 'requested_by_contact_id']).references(['workspace_id', 'id']).inTable('contacts');
    t.comment('What a client ordered from the agency.');
  });
  // The client's list, newest order date first (undated last), read in order from this index.
  await knex.raw(
    "create index orders_client_date_idx on orders (workspace_id, client_id, (coalesce(ordered_on, date '0001-01-01')) desc, id desc)",
  );
  await knex.raw('create index orders_reorder_idx on orders (workspace_id, reorder_of_id) where reorder_of_id is not null');

  await knex.schema.createTable('order_lines', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('order_id').notNullable();
    t.integer('position').notNullable();
    t.string('description', 500).notNullable();
    t.decimal('quantity', 12, 2).notNullable().defaultTo(1);
    t.bigInteger('unit_price_cents').notNullable();
    t.decimal('tax_rate_percent', 5, 2);
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'order_id']).references(['workspace_id', 'id']).inTable('orders').onDelete('CASCADE');
    t.index(['workspace_id', 'order_id'], 'order_lines_order_idx');
  });
  await knex.raw('alter table order_lines add constraint order_lines_tax_rate_range check (tax_rate_percent between 0 and 100)');

  await knex.schema.createTable('shipments', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('order_id').notNullable();
    t.string('number', 40).notNullable();
    t.enu('status', SHIPMENT_STATUSES).notNullable().defaultTo('preparing');
    t.string('carrier', 100);
    t.string('tracking_number', 100);
    t.string('tracking_url', 500).comment('The carrier’s page for the parcel.');
    t.date('sent_on');
    t.date('delivered_on');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'number']);
    t.foreign(['workspace_id', 'order_id']).references(['workspace_id', 'id']).inTable('orders').onDelete('CASCADE');
    t.index(['workspace_id', 'order_id'], 'shipments_order_idx');
    t.comment('A parcel sent for an order.');
  });

  await knex.schema.createTable('shipment_lines', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('shipment_id').notNullable();
    t.integer('order_line_id').notNullable();
    t.decimal('quantity', 12, 2).notNullable();
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'shipment_id']).references(['workspace_id', 'id']).inTable('shipments').onDelete('CASCADE');
    t.foreign(['workspace_id', 'order_line_id']).references(['workspace_id', 'id']).inTable('order_lines').onDelete('CASCADE');
    t.index(['workspace_id', 'shipment_id'], 'shipment_lines_shipment_idx');
  });

  await knex.schema.alterTable('invoices', (t) => {
    t.integer('order_id').comment('The order this invoice bills, where there is one.');
    t.foreign(['workspace_id', 'order_id']).references(['workspace_id', 'id']).inTable('orders');
    t.index(['workspace_id', 'order_id'], 'invoices_order_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropIndex([], 'invoices_order_idx');
    t.dropForeign(['workspace_id', 'order_id']);
    t.dropColumn('order_id');
  });
  await knex.schema.dropTable('shipment_lines');
  await knex.schema.dropTable('shipments');
  await knex.schema.dropTable('order_lines');
  await knex.schema.dropTable('orders');
}
