// Covers, without a database, what the audit says of a host table the portal lists per client:
// read in order from an index, found through an index without an order, or not indexed by client
// at all, with the index to add in the last two cases.
import { expect } from 'chai';
import type { CatalogColumn, CatalogIndex, CatalogTable } from '../../audit/catalog/types.ts';
import { clientListIndexNote, clientOpenSetIndexNote } from '../../audit/findings/client-list-index.ts';
import type { FindingsContext } from '../../audit/findings/context.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import type { TableConceptResult } from '../../audit/recognition/score-tables.ts';
import type { TableConceptId } from '../../audit/recognition/vocabulary.ts';

const column = (name: string, type: 'integer' | 'text' | 'date' | 'boolean'): CatalogColumn => {
  const kinds = { integer: ['N', 'int4'], text: ['S', 'text'], date: ['D', 'date'], boolean: ['B', 'bool'] } as const;
  return { name, type, category: kinds[type][0], baseType: kinds[type][1], nullable: false, default: null, comment: null, enumLabels: [] };
};
const index = (name: string, columns: Array<string | null>): CatalogIndex => ({
  name,
  columns,
  unique: false,
  primary: false,
  definition: '',
});

function table(name: string, columns: CatalogColumn[], extra: Partial<CatalogTable> = {}): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns,
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    ...extra,
  };
}

const toWorkspace = (on: string) => ({
  name: `${on}_workspace_fk`,
  columns: ['workspace_id'],
  references: 'public.workspaces',
  referencedColumns: ['id'],
});
const toClient = (on: string) => ({
  name: `${on}_client_fk`,
  columns: ['client_id'],
  references: 'public.clients',
  referencedColumns: ['id'],
});

/** A small multi-tenant host whose invoices (and documents) carry the given indexes: what the audit notes of them. */
function note(invoiceIndexes: CatalogIndex[], tableName = 'invoices', which = clientListIndexNote): string | null {
  const records = table(
    tableName,
    [
      column('id', 'integer'),
      column('workspace_id', 'integer'),
      column('client_id', 'integer'),
      column('status', 'text'),
      column('shared', 'boolean'),
      column('issue_date', 'date'),
      column('due_date', 'date'),
    ],
    {
      foreignKeys: [toWorkspace(tableName), toClient(tableName)],
      indexes: invoiceIndexes,
    },
  );
  const model = buildSchemaModel([
    table('workspaces', [column('id', 'integer'), column('name', 'text')]),
    table('clients', [column('id', 'integer'), column('workspace_id', 'integer'), column('name', 'text')], {
      foreignKeys: [toWorkspace('clients')],
    }),
    table('notes', [column('id', 'integer'), column('workspace_id', 'integer'), column('body', 'text')], {
      foreignKeys: [toWorkspace('notes')],
    }),
    records,
  ]);
  expect(model.tenant?.column, 'the tenant column').to.equal('workspace_id');
  const tables = new Map<TableConceptId, TableConceptResult>([['company', { chosen: 'public.clients' } as TableConceptResult]]);
  const context: FindingsContext = { model, tables, samples: { hashes: new Map(), statusValues: new Map(), kindValues: new Map() } };
  return which(context, model.byName.get(`public.${tableName}`)!);
}

describe('audit: indexes for the lists the portal shows a client', () => {
  it("says a client's rows are read in order from an index that holds a date after the client", () => {
    expect(
      note([
        index('invoices_status_idx', ['workspace_id', 'client_id', 'status']),
        index('invoices_client_issued_idx', ['workspace_id', 'client_id', 'issue_date', 'id']),
      ]),
    ).to.equal(
      "a client's rows are read a page at a time, in order, from index invoices_client_issued_idx (workspace_id, client_id, issue_date, id)",
    );
    // Without the tenant first, after a yes/no flag or a status the list filters on (a tab of open
    // tickets, projects grouped by status), or by an expression.
    expect(note([index('by_client_shared', ['client_id', 'shared', 'due_date'])])).to.match(/in order, from index by_client_shared/);
    expect(note([index('by_client_status', ['workspace_id', 'client_id', 'status', 'due_date', 'id'])])).to.match(
      /in order, from index by_client_status/,
    );
    expect(note([index('by_client_due', ['workspace_id', 'client_id', null, 'id'])])).to.match(
      /in order, from index by_client_due \(workspace_id, client_id, expression, id\)/,
    );
  });

  it("names the index to add when the client's index holds no order", () => {
    expect(note([index('invoices_status_idx', ['workspace_id', 'client_id', 'status'])])).to.equal(
      "index invoices_status_idx (workspace_id, client_id, status) finds a client's rows but holds no list order: each page of a portal list reads all of the client's rows and sorts them; " +
        'an index (workspace_id, client_id, one of issue_date / due_date, id) reads one page (the host adds it: the plugin never alters host tables)',
    );
  });

  it('names the index to add when no index starts with the client', () => {
    // An index on the tenant alone, or with the client second after another column, does not find a client's rows.
    expect(
      note([index('invoices_tenant_idx', ['workspace_id']), index('invoices_status_client_idx', ['status', 'client_id', 'issue_date'])]),
    ).to.equal(
      'no index starts with the client link (client_id): each page of a portal list reads the whole table; ' +
        'an index (workspace_id, client_id, one of issue_date / due_date, id) reads one page (the host adds it: the plugin never alters host tables)',
    );
  });

  it('says nothing of a table with no link to the client side', () => {
    const model = buildSchemaModel([
      table('clients', [column('id', 'integer'), column('name', 'text')]),
      table('memos', [column('id', 'integer'), column('body', 'text')]),
    ]);
    const tables = new Map<TableConceptId, TableConceptResult>([['company', { chosen: 'public.clients' } as TableConceptResult]]);
    const context: FindingsContext = { model, tables, samples: { hashes: new Map(), statusValues: new Map(), kindValues: new Map() } };
    expect(clientListIndexNote(context, model.byName.get('public.memos')!)).to.equal(null);
  });
});

describe('audit: indexes for the open rows the dashboard counts per client', () => {
  const openNote = (indexes: CatalogIndex[]) => note(indexes, 'invoices', clientOpenSetIndexNote);

  it('says nothing where an index starts with the client and the status, with or without the tenant', () => {
    expect(openNote([index('invoices_client_status_idx', ['workspace_id', 'client_id', 'status'])])).to.equal(null);
    expect(openNote([index('by_client_status', ['client_id', 'status', 'issue_date'])])).to.equal(null);
  });

  it('names the index to add where the client and the status are indexed apart, or the status comes later', () => {
    const advice =
      "no index starts with the client link and the status: counting a client's open rows (awaiting an answer, unpaid) reads its history with them, " +
      'where the adapter keeps no index of its own; ' +
      'an index (workspace_id, client_id, status) reads only those (the host adds it: the plugin never alters host tables)';
    expect(openNote([index('by_client', ['client_id']), index('by_status', ['status'])])).to.equal(advice);
    expect(openNote([index('invoices_client_issued_idx', ['workspace_id', 'client_id', 'issue_date', 'status'])])).to.equal(advice);
  });
});
