// The audit's service requests, appointments, knowledge base and surveys on real CRM schemas:
// Alga PSA (../shared/crm-schemas/alga-psa.sql), which has all four; Dolibarr with its BookCal and
// KnowledgeManagement modules (dolibarr.sql + dolibarr-ticket.sql + dolibarr-more-modules.sql),
// which has knowledge records and booking calendars whose bookings are agenda events of one kind,
// and neither service requests nor surveys; and every schema built from public source
// (test/fixtures/real-schemas/), none of which may get a wrong "exists" for these concepts. On a
// real PostgreSQL only, as test/audit/real-schemas.test.ts (realSchemaSkipReason says why not).
import { expect } from 'chai';
import type { AuditReport, ConceptId } from '../../audit/report-schema.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { BUILT_SCHEMAS } from '../fixtures/real-schemas/expected.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import { runSql } from '../support/host-fixtures.ts';

const SECTION_CONCEPTS: ConceptId[] = [
  'serviceRequestType',
  'serviceRequest',
  'appointmentRequest',
  'availability',
  'booking',
  'kbArticle',
  'surveyTemplate',
  'surveyInvitation',
  'surveyResponse',
  'surveyTrigger',
];

const finding = (report: AuditReport, id: ConceptId) => {
  const found = report.concepts.find((c) => c.id === id);
  if (!found) throw new Error(`report has no concept ${id}`);
  return found;
};
const answerOf = (report: AuditReport, id: string) => {
  const found = report.answers.find((a) => a.id === id);
  if (!found) throw new Error(`report has no answer ${id}`);
  return found;
};
const picks = (report: AuditReport) =>
  Object.fromEntries(SECTION_CONCEPTS.map((id) => [id, `${finding(report, id).status} ${finding(report, id).chosenTable}`]));

async function audited(files: string[], dir?: string): Promise<AuditReport> {
  const [file, ...also] = files;
  const db = await loadRealSchema(file ?? '', dir, also);
  try {
    return await runAudit({ databaseUrl: db.url });
  } finally {
    await db.drop();
  }
}

describe('audit: service requests, appointments, knowledge base and surveys on real CRM schemas', function () {
  this.timeout(300_000);

  describe('Alga PSA', () => {
    let report: AuditReport;
    before(async function () {
      const reason = realSchemaSkipReason('alga-psa.sql');
      if (reason) {
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
      report = await audited(['alga-psa.sql']);
    });

    it('finds each section on the tables Alga keeps it in', () => {
      // alga-psa.sql: service_request_definitions (form_schema, lifecycle_state), _submissions
      // (submitted_payload, definition_id); appointment_requests (requested_date, requested_time,
      // status CHECK); availability_settings (day_of_week, start_time, end_time); schedule_entries
      // (scheduled_start/end, work_item_type CHECK with 'appointment_request'); kb_articles
      // (audience, status, published_at, document_id); survey_templates, _invitations, _responses, _triggers.
      expect(picks(report)).to.deep.equal({
        serviceRequestType: 'exists public.service_request_definitions',
        serviceRequest: 'exists public.service_request_submissions',
        appointmentRequest: 'exists public.appointment_requests',
        availability: 'exists public.availability_settings',
        booking: 'exists public.schedule_entries',
        kbArticle: 'exists public.kb_articles',
        surveyTemplate: 'exists public.survey_templates',
        surveyInvitation: 'exists public.survey_invitations',
        surveyResponse: 'exists public.survey_responses',
        surveyTrigger: 'exists public.survey_triggers',
      });
    });

    it('reads the appointments among the schedule entries by their declared kind, and where the rest is kept', () => {
      expect(finding(report, 'booking').rowFilter).to.deep.equal({ work_item_type: 'appointment_request' });
      expect(finding(report, 'serviceRequest').notes.join('\n')).to.include(
        "a request's attachments are kept in public.service_request_submission_attachments",
      );
      expect(finding(report, 'serviceRequestType').notes.join('\n')).to.include(
        'a published form is kept in public.service_request_definition_versions as a version',
      );
      expect(finding(report, 'kbArticle').notes.join('\n')).to.include(
        "an article's title and body are kept in public.documents (tenant, document_id), not in public.kb_articles",
      );
    });

    it('answers that Alga has every section, and asks what its schema cannot say', () => {
      for (const id of ['B11', 'B12', 'B13', 'B14']) expect(answerOf(report, id).status, id).to.equal('exists');
      expect(answerOf(report, 'B11').decision.text).to.include(
        'which of the declared values of public.service_request_definitions.lifecycle_state mean published',
      );
      expect(answerOf(report, 'B12').decision.text).to.include(
        'who confirms an appointment in your CRM and where that is recorded (public.appointment_requests.approved_by_user_id?)',
      );
      expect(answerOf(report, 'B13').decision.text).to.include('which values of public.kb_articles.audience mean visible to clients');
      expect(answerOf(report, 'B14').decision.text).to.include('which events of public.survey_triggers send a survey');
    });
  });

  describe('Dolibarr with its BookCal and KnowledgeManagement modules', () => {
    let report: AuditReport;
    const files = ['dolibarr.sql', 'dolibarr-ticket.sql', 'dolibarr-more-modules.sql'];
    before(async function () {
      const reason = files.map(realSchemaSkipReason).find(Boolean);
      if (reason) {
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
      report = await audited(files);
    });

    it('finds the knowledge records, is unsure of calendars and agenda events, and finds no requests or surveys', () => {
      // dolibarr-more-modules.sql header: knowledge articles are llx_knowledgemanagement_knowledgerecord
      // (question, answer, lang, status: 0 draft, 1 validated, 9 obsolete). BookCal calendars are
      // llx_bookcal_calendar, with no day or time column (the module's availability ranges are not in
      // the dump); its bookings are llx_actioncomm rows of code AC_RDV (htdocs/public/bookcal/index.php,
      // $actioncomm->type = 'AC_RDV'), a value the schema does not declare.
      expect(picks(report)).to.deep.equal({
        serviceRequestType: 'missing null',
        serviceRequest: 'missing null',
        appointmentRequest: 'missing null',
        availability: 'unsure public.llx_bookcal_calendar',
        booking: 'unsure public.llx_actioncomm',
        kbArticle: 'exists public.llx_knowledgemanagement_knowledgerecord',
        surveyTemplate: 'missing null',
        surveyInvitation: 'missing null',
        surveyResponse: 'missing null',
        surveyTrigger: 'missing null',
      });
      expect(finding(report, 'booking').notes.join('\n')).to.include('events of several kinds told apart by code');
    });

    it('asks which status codes mean validated, and says what the portal adds for requests and surveys', () => {
      expect(answerOf(report, 'B13').status).to.equal('partial');
      expect(answerOf(report, 'B13').decision.text).to.include(
        'which values of public.llx_knowledgemanagement_knowledgerecord.status mean published (and which mean draft or obsolete) (integer codes the schema does not name)',
      );
      expect(answerOf(report, 'B12').status).to.equal('partial');
      for (const id of ['B11', 'B14']) {
        expect(answerOf(report, id).status, id).to.equal('missing');
        expect(answerOf(report, id).decision.text, id).to.match(/^the host keeps no .*: the portal.* keeps .* in its own table/);
      }
    });
  });

  describe('Dolibarr with agenda events', () => {
    it("reads the appointments off Dolibarr's agenda by the code its rows carry", async function () {
      const reason = realSchemaSkipReason('dolibarr.sql');
      // Skipped where Dolibarr's dump cannot be loaded (no psql, no DATABASE_URL): the reason is the
      // helper's, and CI's PostgreSQL pass runs it.
      if (reason) this.skip();
      const db = await loadRealSchema('dolibarr.sql');
      try {
        // The codes Dolibarr's agenda writes (llx_c_actioncomm): a meeting is AC_RDV, as BookCal's
        // booking page writes it (htdocs/public/bookcal/index.php: $actioncomm->type = 'AC_RDV').
        await runSql(
          db.url,
          `insert into public.llx_actioncomm (id, ref, code, label, datep, datep2) values
             (1, '1', 'AC_TEL', 'Call', now(), now()),
             (2, '2', 'AC_RDV', 'Meeting', now(), now() + interval '1 hour'),
             (3, '3', 'AC_EMAIL', 'Mail sent', now(), null)`,
        );
        const report = await runAudit({ databaseUrl: db.url });
        const booking = finding(report, 'booking');
        expect(`${booking.status} ${booking.chosenTable}`).to.equal('exists public.llx_actioncomm');
        expect(booking.rowFilter).to.deep.equal({ code: 'AC_RDV' });
      } finally {
        await db.drop();
      }
    });
  });

  // What each schema built from public source has of these sections, read from its DDL; any other
  // "exists" is wrong. EspoCRM: knowledge_base_article (status, publish_date, a link table to its
  // portals), meeting and call (date_start, date_end, parent_type/parent_id), working_time_calendar
  // (weekday0..6 and their time ranges). FOSSBilling: support_kb_article (status, slug). The others
  // keep none of these.
  const ALLOWED: Record<string, Partial<Record<ConceptId, string[]>>> = {
    espocrm: {
      kbArticle: ['public.knowledge_base_article'],
      booking: ['public.meeting', 'public.call'],
      availability: ['public.working_time_calendar'],
    },
    fossbilling: { kbArticle: ['public.support_kb_article'] },
  };

  describe('no wrong "exists" on the other real schemas', () => {
    for (const expected of [...BUILT_SCHEMAS, { name: 'dolibarr', file: 'dolibarr.sql', heldBack: false, shared: true }]) {
      it(`${expected.name}${expected.heldBack ? ' (held back)' : ''}`, async function () {
        const shared = 'shared' in expected;
        const reason = shared ? realSchemaSkipReason(expected.file) : process.env.DATABASE_URL ? null : 'DATABASE_URL unset';
        // Skipped where the schema cannot be loaded into a PostgreSQL server; CI's PostgreSQL pass runs it.
        if (reason) this.skip();
        // Held back: run only when asked (AUDIT_HELD_BACK=1), as test/audit/built-schemas.test.ts does.
        if (expected.heldBack && process.env.AUDIT_HELD_BACK !== '1') this.skip();
        const report = await audited([expected.file], shared ? undefined : BUILT_SCHEMAS_DIR);
        const wrong = SECTION_CONCEPTS.flatMap((id) => {
          const f = finding(report, id);
          if (f.status !== 'exists') return [];
          return ALLOWED[expected.name]?.[id]?.includes(f.chosenTable ?? '') ? [] : [`${id}: ${f.chosenTable}`];
        });
        expect(wrong).to.deep.equal([]);
      });
    }
  });
});
