// Appointments: clients book time with the agency. Each workspace keeps its hours (weekly opening
// times in its own time zone), the step between start times, and the services a client may book,
// each with its length. An appointment names the client, the contact who asked, the service, its
// start and end, its status and the client's time zone (what the invitation is written in).
//
// Two bookings never hold the same time: an exclusion constraint over the time range, per
// workspace, for every appointment still standing (pending, confirmed, moved). It holds under
// concurrent requests, where a read-then-insert would not; a declined or cancelled one frees the
// time. btree_gist lets workspace_id take part with `=`; it is trusted since PostgreSQL 13 and
// the embedded engine loads it (src/core/db/embedded-postgres.ts). On Citus the constraint
// includes the distribution column, as it must.
import type { Knex } from 'knex';

export const APPOINTMENT_STATUSES = ['pending', 'confirmed', 'declined', 'moved', 'cancelled'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists btree_gist');
  await knex.schema.createTable('appointment_settings', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE').primary();
    t.string('time_zone', 64).notNullable().defaultTo('Europe/Berlin').comment('IANA zone the hours are kept in.');
    t.smallint('step_minutes').notNullable().defaultTo(30).comment('Between one start time and the next.');
    t.integer('notice_minutes').notNullable().defaultTo(120).comment('How long ahead a slot must be asked for.');
    t.smallint('horizon_days').notNullable().defaultTo(60).comment('How far ahead clients may book.');
    t.comment('How clients may book time with the agency.');
  });
  await knex.schema.createTable('appointment_hours', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.smallint('weekday').notNullable().comment('ISO: 1 Monday … 7 Sunday.');
    t.time('opens_at').notNullable();
    t.time('closes_at').notNullable();
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'weekday'], 'appointment_hours_day_idx');
    t.comment('The weekly hours clients may book, in the workspace’s time zone (appointment_settings).');
  });
  await knex.raw(`alter table appointment_hours add constraint appointment_hours_sane check (
    weekday between 1 and 7 and opens_at < closes_at)`);
  await knex.schema.createTable('appointment_services', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.string('name', 120).notNullable();
    t.smallint('duration_minutes').notNullable();
    t.boolean('bookable').notNullable().defaultTo(true).comment('Offered to clients.');
    t.smallint('position').notNullable().defaultTo(0);
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'name']);
    t.comment('What a client may book time for, and for how long.');
  });
  await knex.raw('alter table appointment_services add constraint appointment_services_length check (duration_minutes between 5 and 480)');
  await knex.schema.createTable('appointments', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.integer('contact_id').comment('Who asked for it; null once the contact is gone.');
    t.integer('service_id').notNullable();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.enu('status', APPOINTMENT_STATUSES).notNullable().defaultTo('pending');
    t.text('note').notNullable().defaultTo('');
    t.string('time_zone', 64).notNullable().comment('The client’s zone when they asked: the invitation’s.');
    t.integer('sequence').notNullable().defaultTo(0).comment('The invitation’s revision (iCalendar SEQUENCE): up on each move.');
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.foreign(['workspace_id', 'contact_id']).references(['workspace_id', 'id']).inTable('contacts').onDelete('SET NULL');
    t.foreign(['workspace_id', 'service_id']).references(['workspace_id', 'id']).inTable('appointment_services');
    t.comment('Time a client booked with the agency.');
  });
  // A client's appointments by time; the staff list by time too.
  await knex.raw('create index appointments_client_time_idx on appointments (workspace_id, client_id, starts_at, id)');
  await knex.raw('create index appointments_workspace_time_idx on appointments (workspace_id, starts_at, id)');
  await knex.raw(`alter table appointments add constraint appointments_ends_after check (ends_at > starts_at)`);
  await knex.raw(`alter table appointments add constraint appointments_no_overlap
    exclude using gist (workspace_id with =, tstzrange(starts_at, ends_at) with &&)
    where (status in ('pending', 'confirmed', 'moved'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('appointments');
  await knex.schema.dropTable('appointment_services');
  await knex.schema.dropTable('appointment_hours');
  await knex.schema.dropTable('appointment_settings');
}
