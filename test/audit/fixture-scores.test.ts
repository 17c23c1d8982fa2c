// Covers recognition on every fixture schema at once: the two it was built with and the ones
// modeled on public CRMs it had never seen (Odoo, SuiteCRM, Perfex). Each fixture keeps a file of
// the expected pick per concept (test/fixtures/*/expected*.ts); the score is picks right / picks
// made / concepts present, and any wrong or missing pick fails with what was picked instead. Every
// low-confidence pick must name its runner-up and what would decide between them.
import { expect } from 'chai';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { AUDIT_FIXTURES } from '../fixtures/audit-fixtures.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';
import { describePick, scoreReport, type FixtureScore } from '../support/fixture-scores.ts';
import { contradictions } from '../support/audit-real-schemas.ts';

describe('audit: picks scored on every fixture schema', function () {
  this.timeout(180_000);
  const scores = new Map<string, FixtureScore>();

  after(() => {
    // The table audit/README.md quotes: one line per fixture.
    for (const [name, s] of scores)
      console.log(
        `      ${name}: ${s.right} right / ${s.made} made / ${s.present} present, ${s.unsureRight.length} unsure between the right table and another`,
      );
  });

  for (const fixture of AUDIT_FIXTURES) {
    it(`${fixture.name} (${fixture.modeledOn}): every pick right, none missed`, async () => {
      const db = await createHostDatabase(fixture.fixture);
      try {
        const report = await runAudit({ databaseUrl: db.url });
        const score = scoreReport(report, fixture.expected);
        scores.set(fixture.name, score);
        expect(score.wrong.map(describePick), 'wrong picks').to.deep.equal([]);
        expect(score.missed.map(describePick), 'missed concepts').to.deep.equal([]);
        expect(score.right + score.unsureRight.length).to.equal(score.present);
        // Answers built from the same evidence agree on every host, not only on the real ones.
        expect(contradictions(report), 'answers contradicting each other').to.deep.equal([]);
        // A low-confidence pick names its runner-up and what would decide, in the JSON and the markdown.
        const markdown = renderMarkdown(report);
        for (const concept of report.concepts.filter((c) => c.lowConfidence && c.chosenTable)) {
          expect(concept.runnerUp?.decidedBy, concept.id).to.match(/decide by|confirm/i);
          expect(markdown, concept.id).to.include(`- Runner-up: ${concept.runnerUp?.table ? `\`${concept.runnerUp.table}\`` : 'none'}`);
        }
      } finally {
        await db.drop();
      }
    });
  }
});
