// Beside Dolibarr: what the portal keeps for service requests and appointments, which Dolibarr has
// no tables for. Request types are the agency's own (Dolibarr keeps no catalogue of requests): a
// name, a form and what each request becomes, a draft proposal (llx_propal) or a ticket
// (llx_ticket) of a chosen type. Each request links the host record it became. BookCal's calendars
// (llx_bookcal_calendar) are Dolibarr's; their hours are kept here, because the dump of the module
// has no llx_bookcal_availabilities, and each booking links the agenda event (llx_actioncomm) it
// wrote, with the status and time the portal last saw of it (the news pass tells the client what
// the agency changed on the event card). Created beside every host, as the portal's tables are;
// only the Dolibarr binding writes them. Links to Dolibarr's rows are ids, never foreign keys.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270506000001_dolibarr_requests_appointments';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_request_types', (t) => {
    t.comment('The request types an agency offers its clients beside Dolibarr: a form, and what a request becomes there.');
    t.integer('entity').notNullable().comment('The Dolibarr entity: the workspace.');
    t.bigIncrements('id', { primaryKey: false });
    t.string('name', 120).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.jsonb('fields').notNullable().defaultTo('[]').comment('The form: RequestField[] (text, choice, number, date, file).');
    t.string('becomes', 10).notNullable().comment("'proposal' (a draft llx_propal) or 'ticket' (llx_ticket).");
    t.string('ticket_type', 32).nullable().comment('llx_c_ticket_type.code of a ticket request.');
    t.integer('position').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['entity', 'id']);
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_requests', (t) => {
    t.comment('Each request a client sent beside Dolibarr, with the form as sent and the record it became.');
    t.integer('entity').notNullable();
    t.bigIncrements('id', { primaryKey: false });
    t.bigInteger('type_id').notNullable().comment('portal_dolibarr_request_types.id at the time.');
    t.integer('fk_soc').notNullable().comment('llx_societe.rowid: the client company.');
    t.integer('fk_socpeople').nullable().comment('llx_socpeople.rowid: who asked.');
    t.string('title', 120).notNullable();
    t.string('kind', 10).notNullable().comment("'quote' (a proposal) or 'general' (a ticket).");
    t.jsonb('fields').notNullable();
    t.jsonb('answers').notNullable();
    t.string('element', 10).notNullable().comment("'propal' or 'ticket'.");
    t.integer('fk_element').notNullable().comment('llx_propal.rowid or llx_ticket.rowid.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['entity', 'id']);
    t.index(['entity', 'fk_soc', 'id'], 'portal_dolibarr_requests_company_idx');
    t.unique(['entity', 'element', 'fk_element'], { indexName: 'portal_dolibarr_requests_element_key' });
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_calendars', (t) => {
    t.comment('The agency’s hours of a BookCal calendar (llx_bookcal_calendar), which the portal offers for booking.');
    t.integer('entity').notNullable();
    t.integer('fk_bookcal_calendar').notNullable().comment('llx_bookcal_calendar.rowid.');
    t.jsonb('hours').notNullable().defaultTo('[]').comment('[{weekday 1-7, opens HH:MM, closes HH:MM}] in time_zone.');
    t.string('time_zone', 64).notNullable();
    t.integer('minutes').notNullable().defaultTo(60).comment('How long a booking lasts.');
    t.integer('notice_minutes').notNullable().defaultTo(1440);
    t.integer('horizon_days').notNullable().defaultTo(60);
    t.string('event_type', 50).notNullable().defaultTo('AC_RDV').comment('llx_c_actioncomm.code of the events written.');
    t.primary(['entity', 'fk_bookcal_calendar']);
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_appointments', (t) => {
    t.comment('Each booking a client made beside Dolibarr: the agenda event it wrote and what the portal last saw of it.');
    t.integer('entity').notNullable();
    t.integer('fk_actioncomm').notNullable().comment('llx_actioncomm.id.');
    t.integer('fk_bookcal_calendar').notNullable();
    t.integer('fk_soc').notNullable();
    t.integer('fk_socpeople').nullable().comment('llx_socpeople.rowid: who asked.');
    t.timestamp('requested_start', { useTz: true }).notNullable();
    t.integer('minutes').notNullable();
    t.string('time_zone', 64).notNullable();
    t.text('note').notNullable().defaultTo('');
    t.timestamp('cancelled_at', { useTz: true }).nullable().comment('When the client called it off.');
    t.string('seen_status', 10).notNullable().defaultTo('pending').comment('The status last told to the client.');
    t.timestamp('seen_start', { useTz: true }).notNullable().comment('The start last told to the client.');
    t.integer('sequence').notNullable().defaultTo(0).comment('The invitation revision: up on each change seen.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['entity', 'fk_actioncomm']);
    t.index(['entity', 'fk_soc', 'requested_start'], 'portal_dolibarr_appointments_company_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
