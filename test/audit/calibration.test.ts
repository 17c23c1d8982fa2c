// Calibration on Tryton's real schema: a weak pick (the payment-method table for payments, where
// the modules built keep no payments) is "unsure", names its runner-up and what decides between
// them, is proposed to no adapter, and the report says at its top, in the markdown and the JSON,
// how sure it is overall.
import { expect } from 'chai';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { conceptOf } from '../support/audit-assertions.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema } from '../support/audit-real-schemas.ts';

describe('audit: calibration', function () {
  this.timeout(120_000);
  let report: AuditReport;

  before(async function () {
    // Real schemas are scored on a real PostgreSQL server only, as realSchemaSkipReason decides for the
    // shared ones (a real CRM runs on one, not on the embedded PGlite): the embedded CI pass skips here
    // and the PostgreSQL pass runs it.
    if (!process.env.DATABASE_URL) this.skip();
    const db = await loadRealSchema('tryton.sql', BUILT_SCHEMAS_DIR);
    try {
      report = await runAudit({ databaseUrl: db.url });
    } finally {
      await db.drop();
    }
  });

  it('marks a weak pick unsure, with the two best candidates and what decides between them', () => {
    const payment = conceptOf(report, 'payment');
    expect(payment.status).to.equal('unsure');
    expect(payment.chosenTable).to.be.a('string');
    expect(payment.runnerUp?.table).to.be.a('string').and.not.equal(payment.chosenTable);
    expect(payment.runnerUp?.decidedBy).to.match(/Decide by/);
    expect(payment.decision.text).to.match(/^unsure between /);
    expect(report.proposedClaims.map((c) => c.concept)).not.to.include('payment');
  });

  it('keeps a sure pick "exists"', () => {
    expect(conceptOf(report, 'invoice')).to.include({ status: 'exists', chosenTable: 'public.account_invoice', lowConfidence: false });
  });

  it('says at the top of the report, and in the JSON, how sure it is overall', () => {
    expect(report.sureness.unsure).to.include('payment');
    expect(report.sureness.sure).to.include('invoice');
    expect(report.sureness.level).to.not.equal('high');
    const lines = renderMarkdown(report).split('\n');
    expect(lines[2]).to.equal(`**${report.sureness.text}**`);
    expect(report.sureness.text).to.match(
      /^Sureness: (medium|low)\. \d+ of \d+ picks are sure; .*unsure.*payments \(public\.\w+ or public\.\w+\)/,
    );
  });
});
