// Dolibarr and the devices section: Dolibarr 23's Asset module (llx_asset, in
// dolibarr-more-modules.sql) keeps the agency's own fixed assets for its accounts (acquisition
// value, depreciation, disposal), and no column names a third party the asset belongs to (no
// fk_soc, nor any other link to llx_societe). Nothing in the schema says which client a device is
// for, so the binding offers no DevicesPort and the portal has no devices section beside Dolibarr;
// this test fails the day the schema gains such a column, so the question is asked again.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { type DolibarrHost, knowledgeModuleUnavailable, startDolibarrHost } from './dolibarr-host.ts';

const reason = knowledgeModuleUnavailable();

describe('dolibarr binding: devices', function () {
  let host: DolibarrHost;

  before(async function () {
    // Skipped where no real Dolibarr database can be made (its schema is loaded with psql).
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ knowledgeModule: true });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('keeps assets with no third party: no devices port', async function () {
    const columns = (
      await host.db('information_schema.columns').where({ table_schema: 'public', table_name: 'llx_asset' }).select('column_name')
    ).map((row: { column_name: string }) => row.column_name);
    expect(columns, 'the Asset module is loaded').to.include.members(['rowid', 'ref', 'entity', 'label', 'status']);
    expect(columns.filter((column) => /soc|thirdparty|societe|client|customer/.test(column))).to.deep.equal([]);
    const links = await host.db.raw<{ rows: Array<{ table: string }> }>(
      `select conrelid::regclass::text as table from pg_constraint
        where contype = 'f' and conrelid = 'public.llx_asset'::regclass and confrelid = 'public.llx_societe'::regclass`,
    );
    expect(links.rows).to.deep.equal([]);
    const adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, knowledgeBase: true, tickets: true });
    expect(adapter.devices).to.equal(undefined);
  });
});
