// Covers, without a database, how the audit finds the host data of the portal's newer sections on
// schemas it was not built with: a PSA whose service catalogue, appointments, FAQ and surveys are
// named in its own words (catalog_items, booking_requests, faq_entries, survey_recipients), a table
// named for a concept but without the columns that make it (names alone: unsure), two tables of the
// same shape (a close call: unsure, both named), a shared table of events told apart by a kind
// column (the appointments are one kind: a declared value becomes the row filter, an undeclared
// one leaves the pick unsure), and a host with none of it (missing, with what the portal adds).
import { expect } from 'chai';
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';
import { buildFindings } from '../../audit/findings/build-findings.ts';
import type { Samples } from '../../audit/findings/samples.ts';
import { answerQuestions } from '../../audit/questions/answer-questions.ts';
import type { Answer, ConceptFinding } from '../../audit/report-schema.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';

const column = (name: string, type: string, category: string, baseType: string): CatalogColumn => ({
  name,
  type,
  category,
  baseType,
  nullable: true,
  default: null,
  comment: null,
  enumLabels: [],
});
const key = (name: string) => column(name, 'bigint', 'N', 'int8');
const int = (name: string) => column(name, 'integer', 'N', 'int4');
const text = (name: string) => column(name, 'character varying(191)', 'S', 'varchar');
const long = (name: string) => column(name, 'text', 'S', 'text');
const flag = (name: string) => column(name, 'boolean', 'B', 'bool');
const stamp = (name: string) => column(name, 'timestamp without time zone', 'D', 'timestamp');
const time = (name: string) => column(name, 'time without time zone', 'D', 'time');
const json = (name: string) => column(name, 'jsonb', 'U', 'jsonb');

function table(
  name: string,
  columns: CatalogColumn[],
  links: Record<string, string> = {},
  checks: CatalogTable['checks'] = [],
): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns: [key('id'), ...columns],
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: Object.entries(links).map(([col, to]) => ({
      name: `${name}_${col}_foreign`,
      columns: [col],
      references: `public.${to}`,
      referencedColumns: ['id'],
    })),
    checks,
    indexes: [],
  };
}

const clients = table('clients', [text('name'), text('vat_number'), text('address'), text('phone')]);
const contacts = table('contacts', [key('client_id'), text('first_name'), text('last_name'), text('email')], {
  client_id: 'clients',
});
const users = table('users', [text('name'), text('email'), text('password'), text('role')]);
const base = [clients, contacts, users];

// A PSA naming each section in its own words.
const psa: CatalogTable[] = [
  ...base,
  table('catalog_items', [text('name'), long('description'), json('form_fields'), flag('is_published'), key('category_id')]),
  table(
    'service_requests',
    [key('catalog_item_id'), key('client_id'), key('requested_by'), json('answers'), text('status'), text('title'), stamp('created_at')],
    { catalog_item_id: 'catalog_items', client_id: 'clients', requested_by: 'users' },
  ),
  table('service_request_files', [key('service_request_id'), text('file_name'), text('mime_type'), stamp('created_at')], {
    service_request_id: 'service_requests',
  }),
  table(
    'booking_requests',
    [
      key('client_id'),
      stamp('preferred_start'),
      int('duration_minutes'),
      text('status'),
      stamp('confirmed_at'),
      text('email'),
      long('notes'),
    ],
    { client_id: 'clients' },
  ),
  table('staff_availability', [key('user_id'), int('weekday'), time('from_time'), time('to_time'), flag('is_available')], {
    user_id: 'users',
  }),
  table(
    'appointments',
    [
      key('booking_request_id'),
      key('client_id'),
      stamp('starts_at'),
      stamp('ends_at'),
      text('title'),
      text('location'),
      key('assigned_user_id'),
      long('description'),
    ],
    { booking_request_id: 'booking_requests', client_id: 'clients', assigned_user_id: 'users' },
  ),
  table('faq_entries', [text('question'), long('answer'), flag('is_published'), text('visibility'), text('language')]),
  table('feedback_surveys', [text('name'), long('question_text'), int('scale_max'), flag('active')]),
  table(
    'survey_recipients',
    [key('survey_id'), key('contact_id'), text('token_hash'), stamp('expires_at'), stamp('sent_at'), stamp('answered_at')],
    { survey_id: 'feedback_surveys', contact_id: 'contacts' },
  ),
  table('survey_answers', [key('survey_id'), key('recipient_id'), key('contact_id'), int('score'), long('remarks'), stamp('created_at')], {
    survey_id: 'feedback_surveys',
    recipient_id: 'survey_recipients',
    contact_id: 'contacts',
  }),
  table('survey_rules', [key('survey_id'), text('event'), json('conditions'), flag('enabled')], { survey_id: 'feedback_surveys' }),
];

const samples = (appointmentKinds: Record<string, string[]> = {}): Samples => ({
  hashes: new Map(),
  statusValues: new Map(),
  kindValues: new Map(),
  ticketMessageKinds: new Map(),
  appointmentKinds: new Map(Object.entries(appointmentKinds)),
});

function audit(
  tables: CatalogTable[],
  sampled: Samples = samples(),
): { concepts: Map<string, ConceptFinding>; answers: Map<string, Answer> } {
  const model = buildSchemaModel(tables);
  const findings = buildFindings({ model, tables: recognizeTableConcepts(model), samples: sampled });
  const answers = answerQuestions({ findings, routes: null, model });
  return {
    concepts: new Map([...findings.values()].map((f) => [f.id, f])),
    answers: new Map(answers.map((a) => [a.id, a])),
  };
}

const SECTION_CONCEPTS = [
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
] as const;

describe('audit: service requests, appointments, knowledge base and surveys', () => {
  it('finds every section of a PSA that names them in its own words, on the tables that make them', () => {
    const { concepts } = audit(psa);
    const picks = Object.fromEntries(SECTION_CONCEPTS.map((id) => [id, `${concepts.get(id)?.status} ${concepts.get(id)?.chosenTable}`]));
    expect(picks).to.deep.equal({
      serviceRequestType: 'exists public.catalog_items',
      serviceRequest: 'exists public.service_requests',
      appointmentRequest: 'exists public.booking_requests',
      availability: 'exists public.staff_availability',
      booking: 'exists public.appointments',
      kbArticle: 'exists public.faq_entries',
      surveyTemplate: 'exists public.feedback_surveys',
      surveyInvitation: 'exists public.survey_recipients',
      surveyResponse: 'exists public.survey_answers',
      surveyTrigger: 'exists public.survey_rules',
    });
    // What makes each one, beyond its name.
    const reasons = (id: string) => concepts.get(id)?.candidates[0]?.reasons.join(' | ') ?? '';
    expect(reasons('serviceRequestType')).to.include('keeps a form definition as JSON: form_fields');
    expect(reasons('serviceRequest')).to.include('keeps the answers filled in as JSON: answers');
    expect(reasons('appointmentRequest')).to.include('records the time the client asked for: preferred_start');
    expect(reasons('availability')).to.include('has opening times of day: from_time, to_time');
    expect(reasons('booking')).to.include('has a start and an end: starts_at, ends_at');
    expect(reasons('kbArticle'))
      .to.include('says whether it is published: is_published')
      .and.to.include('says who may read it: visibility');
    expect(reasons('surveyResponse')).to.include('holds a rating: score');
    expect(reasons('surveyTrigger')).to.include('names what sends it: event');
  });

  it("names where a request's attachments are kept and an article's language", () => {
    const { concepts } = audit(psa);
    expect(concepts.get('serviceRequest')?.notes.join('\n')).to.include("a request's attachments are kept in public.service_request_files");
    expect(concepts.get('kbArticle')?.notes.join('\n')).to.include('one language per article (language)');
  });

  it('asks the developer what the schema cannot say before each section is switched on', () => {
    const { answers } = audit(psa);
    expect([...answers.keys()].filter((id) => /^B1[1-4]$/.test(id))).to.deep.equal(['B11', 'B12', 'B13', 'B14']);
    // No client sign-in in this schema: the host's sections are only partly usable by clients.
    expect(answers.get('B11')?.status).to.equal('partial');
    expect(answers.get('B12')?.decision.text)
      .to.include('who confirms an appointment in your CRM and where that is recorded (public.booking_requests.confirmed_at?)')
      .and.to.include('whether public.staff_availability is when clients may book');
    expect(answers.get('B13')?.status).to.equal('exists');
    expect(answers.get('B13')?.decision.text).to.include('which values of public.faq_entries.visibility mean visible to clients');
    expect(answers.get('B14')?.status).to.equal('exists');
    expect(answers.get('B14')?.decision.text).to.include('which events of public.survey_rules send a survey');
  });

  it('is at most unsure of a table only its name says is the concept', () => {
    const { concepts } = audit([
      ...base,
      table('appointments', [text('name'), key('client_id')], { client_id: 'clients' }),
      table('knowledge_base', [text('title'), long('body'), key('author_id'), stamp('created_at')], { author_id: 'users' }),
    ]);
    const booking = concepts.get('booking');
    expect(booking?.status).to.equal('unsure');
    expect(booking?.notes.join('\n')).to.include('only its name says it: no start and end say when it takes place');
    const articles = concepts.get('kbArticle');
    expect(articles?.status).to.equal('unsure');
    expect(articles?.notes.join('\n')).to.include('nothing says whether an article is published or a draft');
  });

  it('is unsure between two article tables of the same shape, and names both', () => {
    const shape = () => [text('title'), long('body'), text('status'), text('audience')];
    const { concepts } = audit([...base, table('knowledge_articles', shape()), table('faq_articles', shape())]);
    const articles = concepts.get('kbArticle');
    expect(articles?.status).to.equal('unsure');
    expect([articles?.chosenTable, articles?.runnerUp?.table].sort()).to.deep.equal(['public.faq_articles', 'public.knowledge_articles']);
  });

  it('reads the appointments off a shared table of events by a declared kind, or stays unsure without one', () => {
    const events = (checks: CatalogTable['checks']) =>
      table(
        'events',
        [text('code'), stamp('date_start'), stamp('date_end'), text('label'), key('client_id'), key('assigned_user_id')],
        { client_id: 'clients', assigned_user_id: 'users' },
        checks,
      );
    const declared = audit([
      ...base,
      events([
        {
          name: 'events_code_check',
          columns: ['code'],
          definition: "CHECK ((code = ANY (ARRAY['call'::text, 'meeting'::text, 'email'::text])))",
        },
      ]),
    ]).concepts.get('booking');
    expect(declared?.status).to.equal('exists');
    expect(declared?.rowFilter).to.deep.equal({ code: 'meeting' });

    const undeclared = audit([...base, events([])]).concepts.get('booking');
    expect(undeclared?.status).to.equal('unsure');
    expect(undeclared?.rowFilter).to.equal(undefined);
    expect(undeclared?.notes.join('\n')).to.include('events of several kinds told apart by code');

    // The data names the kind where the schema does not: Dolibarr's agenda codes a meeting AC_RDV.
    const sampled = audit([...base, events([])], samples({ 'public.events.code': ['AC_EMAIL', 'AC_RDV', 'AC_TEL'] })).concepts.get(
      'booking',
    );
    expect(sampled?.status).to.equal('exists');
    expect(sampled?.rowFilter).to.deep.equal({ code: 'AC_RDV' });
    const unnamed = audit([...base, events([])], samples({ 'public.events.code': ['AC_EMAIL', 'AC_TEL'] })).concepts.get('booking');
    expect(unnamed?.status).to.equal('unsure');
    expect(unnamed?.notes.join('\n')).to.include('no sampled value names one');
  });

  it('takes weekly opening hours as the availability, and a booking waiting for the agency as the request too', () => {
    // As a small CRM keeps appointments: hours it opens and closes per weekday, and one table of
    // appointments whose status starts at pending until the agency confirms.
    const { concepts, answers } = audit([
      ...base,
      table('appointment_hours', [int('weekday'), time('opens_at'), time('closes_at')]),
      table(
        'appointments',
        [key('client_id'), stamp('starts_at'), stamp('ends_at'), text('status'), long('note')],
        { client_id: 'clients' },
        [
          {
            name: 'appointments_status_check',
            columns: ['status'],
            definition: "CHECK ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'declined'::text])))",
          },
        ],
      ),
    ]);
    expect(`${concepts.get('availability')?.status} ${concepts.get('availability')?.chosenTable}`).to.equal(
      'exists public.appointment_hours',
    );
    expect(`${concepts.get('booking')?.status} ${concepts.get('booking')?.chosenTable}`).to.equal('exists public.appointments');
    // One row asked for, then decided on: the request and the booking are the same table, surely.
    const request = concepts.get('appointmentRequest');
    expect(`${request?.status} ${request?.chosenTable} ${request?.lowConfidence}`).to.equal('exists public.appointments false');
    expect(request?.candidates[0]?.reasons.join(' | '))
      .to.include('whose status waits for the agency (pending → confirmed, declined)')
      .and.to.include('records the time the client asked for: starts_at, ends_at');
    const b12 = answers.get('B12');
    expect(b12?.decision.text)
      .to.include('which of the declared values of public.appointments.status mean requested, confirmed, declined and cancelled')
      .and.not.to.include('how a confirmed appointment reaches public.appointments');
  });

  it('keeps a table named for appointments with no waiting state a booking, not a request', () => {
    const { concepts } = audit([
      ...base,
      table(
        'appointments',
        [key('client_id'), stamp('starts_at'), stamp('ends_at'), text('status'), long('note')],
        { client_id: 'clients' },
        [
          {
            name: 'appointments_status_check',
            columns: ['status'],
            definition: "CHECK ((status = ANY (ARRAY['planned'::text, 'done'::text, 'cancelled'::text])))",
          },
        ],
      ),
    ]);
    expect(`${concepts.get('booking')?.status} ${concepts.get('booking')?.chosenTable}`).to.equal('exists public.appointments');
    expect(concepts.get('appointmentRequest')?.status).to.not.equal('exists');
  });

  it('finds none of it on a CRM without these sections, and says what the portal adds instead', () => {
    const { concepts, answers } = audit([
      ...base,
      table('invoices', [key('client_id'), text('number'), column('total', 'numeric(12,2)', 'N', 'numeric'), text('status')], {
        client_id: 'clients',
      }),
      table('user_invitations', [key('user_id'), text('token_hash'), stamp('expires_at'), stamp('sent_at')], { user_id: 'users' }),
      table('calendar_sync_settings', [key('user_id'), text('provider'), text('access_token')], { user_id: 'users' }),
    ]);
    for (const id of SECTION_CONCEPTS) expect(concepts.get(id)?.status, id).to.equal('missing');
    for (const id of ['B11', 'B12', 'B13', 'B14']) expect(answers.get(id)?.status, id).to.equal('missing');
    expect(answers.get('B14')?.decision.text).to.include('the portal asks its own question (a rating of 1 to 5 and a comment)');
    // The portal keeps no calendar and no articles of its own: without the host's, those sections stay off.
    expect(answers.get('B12')?.decision.text).to.include('it keeps no calendar of its own, so the section stays off');
    expect(answers.get('B13')?.decision.text).to.include("the portal's Help section shows no article");
  });
});
