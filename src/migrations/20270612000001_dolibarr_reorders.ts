// Beside Dolibarr: which draft order each "order again" wrote, and from which order. Dolibarr's own
// clone (Commande::createFromClone) links nothing to the order it copies, so the portal keeps the
// pair here rather than writing a link into llx_element_element that Dolibarr never writes; the
// order's page lists the drafts asked for from it, each under the ref Dolibarr gives it now.
// Created beside every host, as the portal's tables are; only the Dolibarr binding writes it.
// Links to Dolibarr's rows are ids, never foreign keys.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270612000001_dolibarr_reorders';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_reorders', (t) => {
    t.comment('Each draft order a client asked for beside Dolibarr with "order again", and the order it copies.');
    t.integer('entity').notNullable().comment('The Dolibarr entity: the workspace.');
    t.integer('fk_commande').notNullable().comment('llx_commande.rowid of the draft written.');
    t.integer('fk_source').notNullable().comment('llx_commande.rowid of the order it copies.');
    t.integer('fk_soc').notNullable().comment('llx_societe.rowid: the client company.');
    t.integer('fk_socpeople').nullable().comment('llx_socpeople.rowid: who asked.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['entity', 'fk_commande']);
    t.index(['entity', 'fk_source'], 'portal_dolibarr_reorders_source_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
