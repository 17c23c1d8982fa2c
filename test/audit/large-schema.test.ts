// Covers recognition on a generated 450-table schema of a German CRM hidden among warehouse noise:
// tenant as a uuid in composite keys, free-text statuses read from data, integer cents, polymorphic
// files and comments, decoys (line items, an invoice archive, an import copy). Asserts the picks,
// never the time: timing lives in bench/audit-timing.ts.
import { expect } from 'chai';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { LARGE_SCHEMA_EXPECTED } from '../fixtures/large-schema/generate-large-schema.ts';
import { conceptOf } from '../support/audit-assertions.ts';
import type { TestDatabase } from '../support/database.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';

describe('audit: generated 450-table schema', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let report: AuditReport;

  before(async () => {
    db = await createHostDatabase('large-schema');
    report = await runAudit({ databaseUrl: db.url });
  });
  after(async () => db?.drop());

  it('inspects all 450 tables in a handful of queries', () => {
    expect(report.database.hostTables).to.equal(450);
    // Catalog reads are batched; the rest are the bounded data samples and session set-up.
    expect(report.database.queries).to.be.below(30);
  });

  it('finds the prefix and the uuid tenant column of the composite keys', () => {
    expect(report.database.tablePrefix).to.equal(LARGE_SCHEMA_EXPECTED.tablePrefix);
    expect(report.database.tenant?.column).to.equal(LARGE_SCHEMA_EXPECTED.tenantColumn);
    expect(report.database.tenant?.table).to.equal(LARGE_SCHEMA_EXPECTED.workspace);
  });

  it('picks the real tables among the noise and the decoys', () => {
    for (const id of ['workspace', 'company', 'contact', 'staffUser', 'proposal', 'invoice', 'task', 'document', 'comment'] as const) {
      const concept = conceptOf(report, id);
      expect(concept.chosenTable, id).to.equal(LARGE_SCHEMA_EXPECTED[id]);
      expect(concept.lowConfidence, id).to.equal(false);
    }
    const chosen = new Set(report.concepts.map((c) => c.chosenTable));
    for (const decoy of ['public.crm_rechnung_archiv', 'public.crm_kunde_import', 'public.crm_angebot_position'])
      expect(chosen.has(decoy), decoy).to.equal(false);
  });

  it('reads free-text statuses from the data and sees polymorphic links', () => {
    const acceptance = conceptOf(report, 'acceptance');
    expect(acceptance.status).to.equal('exists');
    expect(acceptance.evidence.map((e) => e.detail).join(' ')).to.match(/sampled values: abgelehnt, angenommen/);
    expect(conceptOf(report, 'document').notes.join(' ')).to.match(/objekt_typ\/objekt_id/);
    expect(conceptOf(report, 'invoice').evidence.some((e) => /integer cents/.test(e.detail))).to.equal(true);
  });

  it('reports what it does not find instead of guessing', () => {
    expect(conceptOf(report, 'payment').status).to.equal('missing');
    expect(conceptOf(report, 'clientCredentials').status).to.equal('missing');
    // Staff passwords in crm_benutzer are seen and not taken for client login.
    expect(conceptOf(report, 'clientCredentials').candidates.map((c) => c.table)).to.include('public.crm_benutzer');
  });
});
