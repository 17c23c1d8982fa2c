// Every portal table that holds rows about a person (a client user's id, or their host contact's)
// is answered for by a personal-data hook (the core's or a feature's): exported and erased, or kept
// on purpose, by the module that writes it. A new table with such a column and no hook declaring it
// fails here, so the person's export and erasure cannot silently miss it.
import { expect } from 'chai';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

/** Columns that name a person: a client user's id (under its own name or as the author, reader or asker) or their host contact. */
const PERSON_COLUMN = /(^|_)(client_user_id|contact_id)$|^(reader_id|requested_by)$/;

describe('personal data: every table naming a person has a hook', function () {
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h?.close();
  });

  it('reads the catalog: the portal tables with a column naming a person, client users among them', async function () {
    const tables = await personTables(h);
    expect(tables).to.include.members(['client_users', 'client_activity_logs', 'portal_messages', 'portal_data_exports']);
  });

  it('every such table is declared by a hook, and every declared table is one of the portal’s', async function () {
    const declared = h.crm.portal.personalDataTables;
    const uncovered = (await personTables(h)).filter((table) => !declared.includes(table));
    expect(uncovered, 'tables naming a person that no personal-data hook declares').to.deep.equal([]);
    const owned: string[] = await h.crm.db('portal_owned_tables').pluck('table_name');
    expect(
      declared.filter((table) => !owned.includes(table)),
      'declared tables the portal does not have',
    ).to.deep.equal([]);
    expect(new Set(declared).size, 'a table declared by two hooks').to.equal(declared.length);
  });
});

async function personTables(h: PortalHarness): Promise<string[]> {
  const owned: string[] = await h.crm.db('portal_owned_tables').pluck('table_name');
  const columns: Array<{ table_name: string; column_name: string }> = await h.crm
    .db('information_schema.columns')
    .where({ table_schema: 'public' })
    .whereIn('table_name', owned)
    .select('table_name', 'column_name');
  const tables = columns.filter((c) => PERSON_COLUMN.test(c.column_name)).map((c) => c.table_name);
  return [...new Set(['client_users', ...tables])].sort();
}
