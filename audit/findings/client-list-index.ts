// Whether the host can serve a client's records a page at a time. The portal lists one client's
// proposals, quotations, invoices, tasks, documents, tickets and projects, newest or soonest first, 25 at a time.
// Without an index that starts with the client link, every page reads the whole table; with one
// that stops at the client, every page reads all of that client's rows and sorts them (measured on
// the reference CRM: 798 rows read for a page of 25 at 1,000 invoices per client, 26 with the
// order in the index). The plugin never alters a host table, so the note says what to add.
import type { CatalogIndex } from '../catalog/types.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { tokenize } from '../recognition/names.ts';
import type { TableConceptId } from '../recognition/vocabulary.ts';
import { clientSideTables, type FindingsContext } from './context.ts';

/** The concepts the portal lists per client, page by page. */
export const CLIENT_LISTS: ReadonlySet<TableConceptId> = new Set([
  'proposal',
  'quotation',
  'invoice',
  'task',
  'document',
  'ticket',
  'project',
]);

/** The note for a chosen table the portal lists per client; null when the table has no client link. */
export function clientListIndexNote(context: FindingsContext, profile: TableProfile): string | null {
  // The company link first: a task may also point at the contact it is assigned to.
  const link = clientSideTables(context)
    .map((table) => profile.outgoing.find((l) => l.to === table))
    .find((l) => l !== undefined);
  if (!link) return null;
  const tenant =
    context.model.tenant && profile.table.columns.some((c) => c.name === context.model.tenant!.column) ? context.model.tenant.column : null;
  // The client link may carry the tenant itself (a composite key such as (tenant, kunde_id)).
  const lead = [...new Set([...(tenant ? [tenant] : []), ...link.columns])];
  const dates = profile.table.columns.filter((c) => c.category === 'D').map((c) => c.name);
  const order =
    dates.length === 0
      ? 'the column the list is ordered by'
      : dates.length === 1
        ? dates[0]
        : `one of ${dates.slice(0, 3).join(' / ')}${dates.length > 3 ? ' / ...' : ''}`;
  const key = profile.table.primaryKey.filter((c) => !lead.includes(c));
  const wanted = `(${[...lead, order, ...(key.length > 0 ? key : ['id'])].join(', ')})`;

  const listFilters = new Set(profile.table.columns.filter((c) => c.category === 'B' || isStatusColumn(c.name)).map((c) => c.name));
  const serving = profile.table.indexes
    .map((index) => ({ index, next: columnAfterClient(index, [lead, link.columns], listFilters) }))
    .filter((candidate): candidate is { index: CatalogIndex; next: string | null | undefined } => candidate.next !== false);
  const ordered = serving.find(({ next }) => next === null || (next !== undefined && dates.includes(next)));
  if (ordered) return `a client's rows are read a page at a time, in order, from index ${ordered.index.name} ${shown(ordered.index)}`;
  if (serving.length > 0) {
    const found = serving[0]!.index;
    return `index ${found.name} ${shown(found)} finds a client's rows but holds no list order: each page of a portal list reads all of the client's rows and sorts them; an index ${wanted} reads one page (the host adds it: the plugin never alters host tables)`;
  }
  return `no index starts with the client link (${link.columns.join(', ')}): each page of a portal list reads the whole table; an index ${wanted} reads one page (the host adds it: the plugin never alters host tables)`;
}

/** The concepts whose open rows the dashboard counts per client (awaiting an answer, unpaid). */
export const CLIENT_OPEN_SETS: ReadonlySet<TableConceptId> = new Set(['proposal', 'quotation', 'invoice']);

/**
 * Whether the host can find a client's open rows without its history: the dashboard counts a
 * client's proposals awaiting an answer and unpaid invoices (up to the count limit) and shows the
 * first of them. An index that starts with the client link and then the status reads only those;
 * without one, each dashboard reads the client's rows, decided and paid ones included, until it has
 * found them (measured beside Dolibarr, whose llx_facture is indexed by company and by status apart:
 * 6,006 rows read to count 1,001 open invoices of a company with 6,500). Null when an index serves,
 * or the table has no client link or status column.
 */
export function clientOpenSetIndexNote(context: FindingsContext, profile: TableProfile): string | null {
  const link = clientSideTables(context)
    .map((table) => profile.outgoing.find((l) => l.to === table))
    .find((l) => l !== undefined);
  const statuses = profile.table.columns.filter((c) => isStatusColumn(c.name)).map((c) => c.name);
  if (!link || statuses.length === 0) return null;
  const tenant =
    context.model.tenant && profile.table.columns.some((c) => c.name === context.model.tenant!.column) ? context.model.tenant.column : null;
  const lead = [...new Set([...(tenant ? [tenant] : []), ...link.columns])];
  const serves = profile.table.indexes.some((index) =>
    [lead, link.columns].some(
      (prefix) => prefix.every((column, i) => index.columns[i] === column) && statuses.includes(index.columns[prefix.length] ?? ''),
    ),
  );
  if (serves) return null;
  const wanted = `(${[...lead, statuses[0]!].join(', ')})`;
  return `no index starts with the client link and the status: counting a client's open rows (awaiting an answer, unpaid) reads its history with them, where the adapter keeps no index of its own; an index ${wanted} reads only those (the host adds it: the plugin never alters host tables)`;
}

/**
 * The index column that orders a client's rows: the first after the client link (with or without
 * the tenant before it) and any yes/no flags or status a list filters on (shared with the client; a
 * tab of open tickets, projects grouped by status): a name,
 * null for an expression (such as coalesce(due_date, ...)), undefined when the index ends there,
 * and false when the index does not start with the client.
 */
function columnAfterClient(index: CatalogIndex, prefixes: string[][], listFilters: ReadonlySet<string>): string | null | undefined | false {
  const prefix = prefixes.find((columns) => columns.every((column, i) => index.columns[i] === column));
  if (!prefix) return false;
  const after = index.columns.slice(prefix.length);
  while (after.length > 0 && after[0] !== null && listFilters.has(after[0]!)) after.shift();
  return after.length > 0 ? after[0] : undefined;
}

const STATUS_WORDS = new Set(['status', 'statut', 'state', 'stage']);

function isStatusColumn(name: string): boolean {
  return tokenize(name).some((word) => STATUS_WORDS.has(word));
}

function shown(index: CatalogIndex): string {
  return `(${index.columns.map((c) => c ?? 'expression').join(', ')})`;
}
