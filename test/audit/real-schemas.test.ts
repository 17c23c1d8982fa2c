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

/** What the audit says of the index behind each client list, per schema (REAL_SCHEMAS names). */
const LIST_INDEX_NOTES: Record<string, Record<string, RegExp>> = {
  'alga-psa': {
    ticket: /no index starts with the client link \(client_id\).*an index \(tenant, client_id, one of entered_at/s,
    project: /no index starts with the client link \(client_id\).*an index \(tenant, client_id, one of start_date/s,
  },
  dolibarr: {
    project: /index idx_projet_fk_soc \(fk_soc\) finds a client's rows but holds no list order/,
  },
  'dolibarr + Ticket module': {
    ticket: /index idx_ticket_fk_soc \(fk_soc\) finds a client's rows but holds no list order/,
    project: /index idx_projet_fk_soc \(fk_soc\) finds a client's rows but holds no list order/,
  },
};

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

      it('names the index that would serve the client lists of tickets and projects, where the host lacks one', () => {
        // Alga PSA indexes neither table by client; Dolibarr finds a company's rows by fk_soc but
        // sorts all of them for each page. Either way each page reads more than a page.
        const wanted = LIST_INDEX_NOTES[expected.name];
        expect(wanted, `no list-index expectation for ${expected.name}`).to.exist;
        for (const [concept, note] of Object.entries(wanted!)) {
          const finding = report.concepts.find((f) => f.id === concept);
          expect(finding?.notes.join('\n'), concept).to.match(note);
        }
      });

      it('names the index that would find the unpaid invoices a dashboard counts, where the host lacks one', () => {
        // Alga PSA indexes invoices by tenant and id; Dolibarr by company and by status apart.
        const finding = report.concepts.find((f) => f.id === 'invoice');
        const wanted = expected.name === 'alga-psa' ? '(tenant, client_id, status)' : '(entity, fk_soc, fk_statut)';
        expect(finding?.notes.join('\n'))
          .to.include(`no index starts with the client link and the status`)
          .and.to.include(`an index ${wanted} reads only those`);
      });

      it("never compares an unrelated adapter's claims with this host when none was asked for", () => {
        const markdown = renderMarkdown(report);
        expect(markdown).not.to.match(/would refuse to start/);
        expect(markdown).not.to.match(/no filled values in 0 sampled rows/);
      });
    });
  }
});
