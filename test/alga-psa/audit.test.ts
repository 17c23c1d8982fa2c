// Covers the audit run with the Alga PSA binding's claims (`npm run audit -- --host alga-psa`)
// against Alga's real schema with rows in it: every table and column the binding claims exists,
// the audit agrees with the binding on every concept, and it reads only. It picks Alga's tickets,
// their conversation (comments, without the is_internal notes), projects and project phases.
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

  it('picks the ticket, ticket message, project and phase tables, and keeps internal notes out of the claim', async function () {
    const report = await runAudit({ databaseUrl: alga.host.database.url, adapter: 'alga-psa' });
    const picks = Object.fromEntries(
      report.concepts
        .filter((c) => ['ticket', 'ticketMessage', 'project', 'projectPhase'].includes(c.id))
        .map((c) => [c.id, `${c.status} ${c.chosenTable}`]),
    );
    expect(picks).to.deep.equal({
      ticket: 'exists public.tickets',
      ticketMessage: 'exists public.comments',
      project: 'exists public.projects',
      projectPhase: 'exists public.project_phases',
    });
    expect(report.concepts.find((c) => c.id === 'ticketMessage')?.rowFilter).to.deep.equal({ is_internal: false });
    const messages = report.proposedClaims.find((c) => c.concept === 'ticketMessage');
    expect(messages).to.deep.include({ table: 'public.comments', where: { is_internal: false } });
    expect(messages?.columns).to.include.members(['comment_id', 'ticket_id', 'note', 'is_internal']);
    expect(report.proposedClaims.find((c) => c.concept === 'ticket')?.columns).to.include.members([
      'ticket_id',
      'client_id',
      'ticket_number',
    ]);
    expect(report.answers.find((a) => a.id === 'B9')?.status).to.equal('exists');
    expect(report.answers.find((a) => a.id === 'B10')?.decision.text).to.include('public.project_phases');
  });
});
