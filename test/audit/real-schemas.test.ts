// The audit on the real schemas of Alga PSA and Dolibarr (../shared/crm-schemas/), scored against
// what a person who knows each CRM says (real-schemas.expected.ts, citing the README's lines). The
// score is printed for audit/README.md ("Scores on real CRM schemas"); the test fails when a
// pick or an answer the README settles is wrong, or when answers contradict each other.
import { expect } from 'chai';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { loadRealSchema, realSchemaSkipReason, scoreRealSchema, type RealScore } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';
import { REAL_SCHEMAS } from './real-schemas.expected.ts';

const scores = new Map<string, RealScore>();

describe('audit: scored on the real CRM schemas', function () {
  this.timeout(300_000);

  after(() => {
    for (const [name, s] of scores) {
      console.log(
        `      ${name}: picks ${s.picksRight} / ${s.picksTotal}, answers ${s.answersRight} / ${s.answersTotal}, contradictions ${s.contradictions.length}`,
      );
    }
  });

  for (const expected of REAL_SCHEMAS) {
    describe(expected.name, () => {
      let db: TestDatabase | undefined;
      let report: AuditReport;
      let score: RealScore;

      before(async function () {
        const reason = [expected.file, ...(expected.also ?? [])].map(realSchemaSkipReason).find(Boolean);
        if (reason) {
          console.log(`      skipped: ${reason}`);
          this.skip();
        }
        db = await loadRealSchema(expected.file, undefined, expected.also);
        report = await runAudit({ databaseUrl: db.url });
        score = scoreRealSchema(report, expected);
        scores.set(expected.name, score);
        if (process.env.AUDIT_SCORE_VERBOSE === '1') {
          for (const line of [...score.wrongPicks, ...score.wrongAnswers, ...score.contradictions]) console.log(`        ${line}`);
        }
      });
      after(async () => db?.drop());

      it('picks the table the README names for every concept it names', () => {
        expect(score.wrongPicks).to.deep.equal([]);
      });

      it('answers every question the README settles as a person who knows the CRM would', () => {
        expect(score.wrongAnswers).to.deep.equal([]);
      });

      it('gives answers that do not contradict each other', () => {
        expect(score.contradictions).to.deep.equal([]);
      });

      it("never compares an unrelated adapter's claims with this host when none was asked for", () => {
        const markdown = renderMarkdown(report);
        expect(markdown).not.to.match(/would refuse to start/);
        expect(markdown).not.to.match(/no filled values in 0 sampled rows/);
      });
    });
  }
});
