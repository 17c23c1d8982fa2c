// Covers the markdown report: two audits of the same database give identical text (so a test or an
// integrator can regenerate AUDIT_REPORT.md and diff it), it carries no timestamps or durations,
// and it has every section of the Customer Portal Audit Report. It runs on a real Dolibarr database
// (crm-schemas/dolibarr.sql), skipped, saying why, where that schema cannot be loaded.
import { expect } from 'chai';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { runAudit } from '../../audit/run-audit.ts';
import type { TestDatabase } from '../support/database.ts';
import { loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';

describe('audit: markdown report', function () {
  this.timeout(300_000);
  let db: TestDatabase | undefined;

  before(async function () {
    const reason = realSchemaSkipReason('dolibarr.sql');
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    db = await loadRealSchema('dolibarr.sql');
  });
  after(async () => db?.drop());

  it('is identical across two runs on the same database', async () => {
    const first = await runAudit({ databaseUrl: db!.url });
    const second = await runAudit({ databaseUrl: db!.url });
    expect(first.generatedAt <= second.generatedAt).to.equal(true);
    expect(renderMarkdown(second)).to.equal(renderMarkdown(first));
  });

  it('is identical for the same schema in another database, so it can be regenerated anywhere', async () => {
    const other = await loadRealSchema('dolibarr.sql');
    try {
      const here = renderMarkdown(await runAudit({ databaseUrl: db!.url }));
      const there = renderMarkdown(await runAudit({ databaseUrl: other.url }));
      expect(there).to.equal(here);
    } finally {
      await other.drop();
    }
  });

  it('carries no timestamp, duration, query count or address', async () => {
    const report = await runAudit({ databaseUrl: db!.url });
    const text = renderMarkdown(report);
    expect(text).to.not.include(report.generatedAt.slice(0, 10));
    expect(text).to.not.match(/\d+ ms\b|\d{2}:\d{2}:\d{2}/);
    expect(text).to.not.include(report.database.target);
    expect(text).to.not.include(`:${new URL(db!.url).port}/`);
  });

  it('has the summary, the plan, sections A to F and the recognised host data', async () => {
    const text = renderMarkdown(await runAudit({ databaseUrl: db!.url }));
    for (const heading of [
      '# Customer Portal Audit Report',
      '## Summary',
      '### Already implemented',
      '### Partially implemented',
      '### Missing',
      '## What the plugin adds for this host',
      '## A. Client credentials and access',
      '## B. Client views',
      '## C. Public pages',
      '## D. Backend support',
      '## E. Frontend pages',
      '## F. Permissions and limitations',
      '## Host data recognised',
      '## Tables set aside',
    ]) {
      expect(text, heading).to.include(`${heading}\n`);
    }
    expect(text).to.include('`public.llx_societe_account.pass_crypted`');
    expect(text).to.include('`/portal/:workspaceSlug`');
    expect(text).to.include('`/settings/client-portal`');
  });
});
