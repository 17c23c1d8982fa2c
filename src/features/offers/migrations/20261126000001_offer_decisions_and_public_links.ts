// Evidence of a client's decision on a proposal or quotation, and public links to a record.
// The host keeps the offer's status; the portal keeps what proves who decided what, on which
// version: the canonical snapshot of what the client saw and its SHA-256.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20261126000001_offer_decisions_and_public_links';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_offer_decisions', (t) => {
    t.comment('The acceptance or refusal of a host proposal or quotation, with its evidence. One per offer: a decision is final.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('Host client (company) id.');
    t.string('offer_kind', 16).notNullable().comment('proposal | quotation');
    t.string('offer_id', 64).notNullable().comment('Host record id (a link, not a foreign key).');
    t.string('outcome', 16).notNullable().comment('accepted | declined');
    t.string('method', 16).notNullable().comment('portal | public_link');
    t.uuid('client_user_id').comment('The signed-in client user; null through a public link.');
    t.string('contact_id', 64).comment('Host contact of the client user; null through a public link.');
    t.bigInteger('public_link_id').comment('portal_public_links row used; null in the portal.');
    t.string('typed_name', 200).notNullable().comment('The full name the person typed as their signature.');
    t.string('email', 320).comment('The email typed on a public link; the contact email in the portal.');
    t.text('note').comment('Decline reason or quotation notes.');
    t.string('po_number', 80).comment('Purchase order number given with a quotation.');
    t.binary('signature_png').comment('The drawn signature, only as a checked PNG; null when none was drawn.');
    t.text('snapshot')
      .notNullable()
      .comment('Canonical JSON of what the client saw (number, lines, prices, taxes, totals, currency, validity, terms).');
    t.string('snapshot_sha256', 64).notNullable();
    t.string('ip', 64);
    t.string('user_agent', 400);
    t.timestamp('decided_at', { useTz: true }).notNullable();
    t.unique(['workspace_id', 'offer_kind', 'offer_id']);
    t.index(['workspace_id', 'client_id']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_public_links', (t) => {
    t.comment('A link staff share to one proposal, quotation or invoice: SHA-256 of the token only.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('subject_type', 16).notNullable().comment('proposal | quotation | invoice');
    t.string('subject_id', 64).notNullable();
    t.string('token_salt', 64)
      .notNullable()
      .comment('Random salt; the token is an HMAC of it under the portal secret, so staff can copy a live link again.');
    t.string('token_hash', 64).notNullable().unique().comment('SHA-256 of the token: what a lookup compares.');
    t.boolean('allow_decision')
      .notNullable()
      .defaultTo(true)
      .comment('Whoever holds the link may accept or decline an open proposal or quotation.');
    t.string('created_by_staff_id', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.string('revoked_by_staff_id', 64);
    t.index(['workspace_id', 'subject_type', 'subject_id']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_public_link_accesses', (t) => {
    t.comment('Every use of a public link: opened, PDF downloaded, decided.');
    t.bigIncrements('id');
    t.bigInteger('link_id').notNullable().references('portal_public_links.id').onDelete('CASCADE');
    t.string('workspace_id', 64).notNullable();
    t.string('action', 24).notNullable().comment('opened | pdf | accepted | declined');
    t.string('ip', 64);
    t.string('user_agent', 400);
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['link_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
