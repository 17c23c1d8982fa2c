// Covers the audit run with the Alga PSA binding's claims (`npm run audit -- --host alga-psa`)
// against Alga's real schema with rows in it: every table and column the binding claims exists,
// the audit agrees with the binding on every concept, and it reads only.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { runAudit } from '../../audit/run-audit.ts';
import { publicTables } from '../support/schema-snapshot.ts';
import { useAlgaHost } from './alga-host.ts';

async function rowCounts(db: Knex, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await db(table).count<Array<{ count: string }>>('* as count'))[0]!.count);
  return counts;
}

describe("audit: a real Alga PSA database with the alga-psa binding's claims", function () {
  this.timeout(300_000);
  const alga = useAlgaHost();

  it('finds every claimed table and column, and changes no row', async function () {
    const tables = await publicTables(alga.host.db);
    const before = await rowCounts(alga.host.db, tables);
    const report = await runAudit({ databaseUrl: alga.host.database.url, adapter: 'alga-psa' });
    expect(report.adapter.name).to.equal('alga-psa');
    const claims = report.adapterClaims.filter((claim) => claim.claimed);
    expect(claims.length).to.be.greaterThan(20);
    expect(claims.flatMap((claim) => claim.missingInSchema.map((column) => `${claim.table}.${column}`))).to.deep.equal([]);
    const disagreeing = claims.filter((claim) => !claim.agrees).map((claim) => `${claim.concept} ${claim.table}`);
    // The audit recognises each concept where the binding claims it (tenants as workspaces included).
    expect(disagreeing).to.deep.equal([]);
    expect(await rowCounts(alga.host.db, tables)).to.deep.equal(before);
  });
});
