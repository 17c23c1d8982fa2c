// Where a ticket's messages may be rows of a shared table of events of any record (Dolibarr's
// llx_actioncomm, code TICKET_MSG): which tables could be, and the word a ticket is named by, to
// look for in their kind column. Read by the ticket findings and by the samples that read that
// column's values, so it stands below both.
import type { CatalogColumn } from '../catalog/types.ts';
import { hasRole } from '../recognition/column-roles.ts';
import { bestWordMatch, tokenize } from '../recognition/names.ts';
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import { TABLE_WORDS } from '../recognition/vocabulary.ts';

const CODE_WORDS = new Set(['code', 'type', 'kind', 'category']);

/** The word a ticket table is named by (ticket, incident), looked for in the kind of a shared row. */
export function ticketWord(ticket: TableProfile): string {
  return bestWordMatch(ticket.tokens, TABLE_WORDS.ticket)?.word ?? 'ticket';
}

/**
 * Tables that may hold a ticket's messages among rows of other kinds: a text body, a pair pointing
 * at any record, and a column naming each row's kind (llx_actioncomm.code). Their kind columns are
 * sampled for values naming the ticket (findings/samples.ts).
 */
export function sharedMessageColumns(model: SchemaModel, ticketTable: string): Array<{ profile: TableProfile; column: CatalogColumn }> {
  return model.profiles.flatMap((profile) => {
    if (profile.qualified === ticketTable || profile.polymorphic.length === 0 || !hasRole(profile.roles, 'body')) return [];
    const pairColumns = new Set(profile.polymorphic.flatMap((p) => [p.typeColumn, p.idColumn]));
    return profile.table.columns
      .filter((c) => c.category === 'S' && !pairColumns.has(c.name) && tokenize(c.name).some((w) => CODE_WORDS.has(w)))
      .map((column) => ({ profile, column }));
  });
}
