// Covers the audit run with the Dolibarr binding's claims (`npm run audit -- --adapter dolibarr`)
// against Dolibarr's real schema with rows in it: every table and column the binding claims exists,
// the audit agrees on every concept but the workspace (Dolibarr without its multicompany module
// has no table of tenants: the binding's workspace is the configured entity, named from llx_const,
// which the audit rightly does not take for a workspace table), and it reads only.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { runAudit } from '../../audit/run-audit.ts';
import { publicTables } from '../support/schema-snapshot.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

async function rowCounts(db: Knex, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await db(table).count<Array<{ count: string }>>('* as count'))[0]!.count);
  return counts;
}

const reason = unavailable();

describe("audit: a real Dolibarr database with the dolibarr binding's claims", function () {
  let host: DolibarrHost;

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('finds every claimed table and column, and changes no row', async function () {
    const tables = (await publicTables(host.db)).filter((table) => table.startsWith('llx_'));
    const before = await rowCounts(host.db, tables);
    const report = await runAudit({ databaseUrl: host.database.url, adapter: 'dolibarr' });
    expect(report.adapter.name).to.equal('dolibarr');
    expect(report.database.tablePrefix).to.equal('llx');
    const claims = report.adapterClaims.filter((claim) => claim.claimed);
    expect(claims.flatMap((claim) => claim.missingInSchema.map((column) => `${claim.table}.${column}`))).to.deep.equal([]);
    const disagreeing = claims.filter((claim) => !claim.agrees);
    expect(
      disagreeing.map((claim) => [claim.concept, claim.table]),
      JSON.stringify(disagreeing, null, 1),
    ).to.deep.equal([['workspace', 'public.llx_const']]);
    expect(await rowCounts(host.db, tables)).to.deep.equal(before);
  });
});
