// B11 to B14: service requests, appointments, the knowledge base and satisfaction surveys. What the
// host keeps of each, and the questions a developer must answer before switching the portal's
// section on: what the schema cannot say (which state means published, which audience means
// clients, who confirms an appointment and where) is asked, never guessed. Where the host keeps
// nothing, the answer says what the portal adds instead.
import type { CatalogColumn } from '../catalog/types.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { declaredValues } from '../recognition/section-concepts.ts';
import type { Answer, ConceptFinding, Evidence, Status } from '../report-schema.ts';
import { answer, concept, decisionFor, evidenceOf, type AnswerContext } from './answer-context.ts';

export function profileOf(context: AnswerContext, finding: ConceptFinding): TableProfile | undefined {
  return finding.chosenTable ? context.model.byName.get(finding.chosenTable) : undefined;
}

export function numbered(questions: Array<string | null>): string {
  return questions
    .filter((q): q is string => Boolean(q))
    .map((q, i) => `(${i + 1}) ${q}`)
    .join('; ');
}

/**
 * Exists when every `required` finding exists (the section's own and the client sign-in it needs);
 * partial when any of the section's own findings (`own`) found something; missing otherwise.
 */
export function statusOf(required: ConceptFinding[], own: ConceptFinding[]): Status {
  if (required.every((f) => f.status === 'exists')) return 'exists';
  return own.some((f) => f.status !== 'missing') ? 'partial' : 'missing';
}

/** Which values of a column mean something: the declared ones are listed, codes and free text said to be so. */
export function valuesQuestion(profile: TableProfile, column: CatalogColumn, meaning: string): string {
  const declared = declaredValues(profile, column);
  if (declared.length > 0)
    return `which of the declared values of ${profile.qualified}.${column.name} mean ${meaning} (${declared.join(', ')})`;
  const kind = column.category === 'N' ? 'integer codes' : column.category === 'B' ? 'a yes/no flag' : 'keys or free text';
  return `which values of ${profile.qualified}.${column.name} mean ${meaning} (${kind} the schema does not name)`;
}

export function stateQuestion(profile: TableProfile, meaning: string): string {
  const column = (profile.roles.get('status') ?? [])[0];
  if (!column) return `where ${profile.qualified} keeps whether it is ${meaning} (no status column was found)`;
  return valuesQuestion(profile, column, meaning);
}

export function clientLink(context: AnswerContext, profile: TableProfile | undefined): string | null {
  if (!profile) return null;
  const clients = (['company', 'contact'] as const).map((id) => concept(context, id).chosenTable).filter(Boolean);
  const link = profile.outgoing.find((l) => clients.includes(l.to));
  return link ? `${link.columns.join(', ')} → ${link.to}` : null;
}

export function unsureNote(findings: ConceptFinding[]): string | null {
  const unsure = findings.filter((f) => f.status === 'unsure');
  if (unsure.length === 0) return null;
  return `which table holds ${unsure.map((f) => `${f.label.toLowerCase()} (${f.chosenTable} or ${f.runnerUp?.table ?? 'none'})`).join(' and ')}`;
}

function serviceRequestAnswer(context: AnswerContext): Answer {
  const types = concept(context, 'serviceRequestType');
  const requests = concept(context, 'serviceRequest');
  const login = concept(context, 'clientCredentials');
  const typeProfile = profileOf(context, types);
  const requestProfile = profileOf(context, requests);
  const evidence: Evidence[] = [...evidenceOf(types, 4), ...evidenceOf(requests, 4)];
  const toClient = clientLink(context, requestProfile);
  if (requestProfile && !toClient)
    evidence.push({
      kind: 'absence',
      ref: requestProfile.qualified,
      detail: 'no key of its own ties a request to a client company or contact',
    });
  const status = statusOf([types, requests, login], [types, requests]);
  const questions = numbered([
    unsureNote([types, requests]),
    typeProfile ? stateQuestion(typeProfile, 'published, so clients may request it') : null,
    typeProfile ? `which services each client may request (all of them, or some per client or contract)` : null,
    requestProfile
      ? `what the host's own code does when a request is submitted (a ticket, a workflow, an e-mail), which the portal must do too when it writes to ${requestProfile.qualified}`
      : null,
    requestProfile ? stateQuestion(requestProfile, 'received, in progress and done for the client') : null,
    requestProfile && !toClient ? `how a request of ${requestProfile.qualified} is tied to the client's company` : null,
  ]);
  const portal =
    "the portal's Service requests section lists the services and writes a client's request through an adapter; where the host keeps no catalogue, the portal keeps the request types and their forms in its own tables (as for Dolibarr), and the files a client attaches where the host keeps none";
  return answer(
    'B11',
    'Can clients request services from a catalogue (a form per service, with attachments)?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's requestable services (${types.chosenTable}) and requests (${requests.chosenTable}): the portal lists the published services and writes a client's request through the adapter as the host's own code does; before switching the section on, answer: ${questions}`,
      complete: `${portal}. It relies on the host's tables once an adapter maps them${questions ? `; before relying on the host's, answer: ${questions}` : ''}`,
      add: `the host keeps no service catalogue or requests: ${portal}; a request becomes the host record an adapter names (a ticket, a proposal), and without one the section stays off`,
    }),
    ['serviceRequestType', 'serviceRequest', 'clientCredentials'],
  );
}

const WAITING_WORDS = ['pending', 'requested', 'tentative', 'proposed', 'unconfirmed', 'offen', 'angefragt', 'attente'];

/** A declared status of the bookings that means the agency has not confirmed it yet. */
function waitingState(profile: TableProfile): { column: string; value: string } | null {
  for (const column of profile.roles.get('status') ?? []) {
    const value = declaredValues(profile, column).find((v) => WAITING_WORDS.includes(v.toLowerCase()));
    if (value) return { column: column.name, value };
  }
  return null;
}

function appointmentAnswer(context: AnswerContext): Answer {
  const requests = concept(context, 'appointmentRequest');
  const availability = concept(context, 'availability');
  const bookings = concept(context, 'booking');
  const requestProfile = profileOf(context, requests);
  const bookingProfile = profileOf(context, bookings);
  const evidence: Evidence[] = [...evidenceOf(requests, 4), ...evidenceOf(availability, 3), ...evidenceOf(bookings, 4)];
  // No table of requests, but bookings that wait for the agency (a declared status pending,
  // requested or tentative): a client's request is a booking in that state.
  const waiting = requests.status === 'missing' && bookingProfile && bookings.status === 'exists' ? waitingState(bookingProfile) : null;
  if (waiting && bookingProfile)
    evidence.push({
      kind: 'value',
      ref: `${bookingProfile.qualified}.${waiting.column}`,
      detail: `a booking waits for the agency while ${waiting.column} = '${waiting.value}': a client's request is a booking in that state`,
    });
  const status = statusOf(
    [waiting ? bookings : requests, bookings, concept(context, 'clientCredentials')],
    [requests, availability, bookings],
  );
  // One row asked for, then confirmed: the request is the booking, each naming its client.
  const sameRow = requestProfile !== undefined && requestProfile === bookingProfile;
  const approved = requestProfile?.table.columns.find((c) => /approv|confirm|accept/.test(c.name));
  const toBooking = requestProfile && bookingProfile ? requestProfile.outgoing.find((l) => l.to === bookingProfile.qualified) : undefined;
  const filter = bookings.rowFilter
    ? Object.entries(bookings.rowFilter)
        .map(([c, v]) => `${c} = ${JSON.stringify(v)}`)
        .join(' and ')
    : null;
  const questions = numbered([
    unsureNote([requests, availability, bookings]),
    requestProfile
      ? `who confirms an appointment in your CRM and where that is recorded${approved ? ` (${requestProfile.qualified}.${approved.name}?)` : ''}`
      : waiting && bookingProfile
        ? `who confirms an appointment in your CRM and where that is recorded (${bookingProfile.qualified}.${waiting.column} from '${waiting.value}' to which value?)`
        : 'who confirms an appointment in your CRM and where that is recorded (no table of appointment requests was found)',
    requestProfile ? stateQuestion(requestProfile, 'requested, confirmed, declined and cancelled') : null,
    sameRow
      ? null
      : toBooking
        ? `whether a confirmed request always becomes the booking its ${toBooking.columns.join(', ')} points at`
        : bookingProfile
          ? `how a confirmed appointment reaches ${bookingProfile.qualified}`
          : null,
    bookingProfile && !sameRow
      ? filter
        ? `whether the rows of ${bookingProfile.qualified} where ${filter} are every appointment a client may see, and no internal entry`
        : `which rows of ${bookingProfile.qualified} are a client's appointments, and which are the agency's internal events`
      : null,
    availability.chosenTable
      ? `whether ${availability.chosenTable} is when clients may book, or only staff working hours`
      : 'when clients may book (the host records no availability)',
    'which services or durations a client may book, and how long ahead',
  ]);
  const portal =
    "the portal's Appointments section offers free times and writes a client's request through an adapter (services, hours and appointments stay in the host; where the host has calendars but no booking hours, the portal keeps the hours, as for Dolibarr); it keeps no calendar of its own";
  return answer(
    'B12',
    'Can clients request and book appointments?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's appointment requests (${requests.chosenTable}) and bookings (${bookings.chosenTable}${filter ? ` where ${filter}` : ''}): the portal writes a client's request through the adapter and shows the bookings the agency confirmed; before switching the section on, answer: ${questions}`,
      complete: `${portal}. It relies on the host's tables once an adapter maps them; before relying on the host's, answer: ${questions}`,
      add: `the host keeps no appointments: ${portal}, so the section stays off`,
    }),
    ['appointmentRequest', 'availability', 'booking', 'clientCredentials'],
  );
}

function knowledgeBaseAnswer(context: AnswerContext): Answer {
  const articles = concept(context, 'kbArticle');
  const profile = profileOf(context, articles);
  const evidence: Evidence[] = [...evidenceOf(articles, 6)];
  const audience = profile?.table.columns.find((c) => /audience|visib|public|internal|portal/.test(c.name) && !/note/.test(c.name));
  const throughPortal = profile?.incoming.find((l) => /portal|audience/.test(l.from) && context.model.byName.get(l.from)?.linkShaped);
  if (profile && !audience && !throughPortal)
    evidence.push({ kind: 'absence', ref: profile.qualified, detail: 'no column or link says which articles clients may read' });
  const shown = Boolean(audience || throughPortal);
  const status: Status =
    articles.status === 'exists' ? (shown ? 'exists' : 'partial') : articles.status === 'missing' ? 'missing' : 'partial';
  const questions = profile
    ? numbered([
        unsureNote([articles]),
        stateQuestion(profile, 'published (and which mean draft or obsolete)'),
        audience
          ? valuesQuestion(profile, audience, 'visible to clients')
          : throughPortal
            ? `whether an article linked in ${throughPortal.from} is every article clients may read`
            : `which articles clients may read (nothing in ${profile.qualified} says: all published ones, or none until marked)`,
        "whether a client sees articles in the agency's language only, or in their own where a translation exists",
      ])
    : '';
  const portal = "the portal's Help section shows no article (it keeps none of its own, only its readers' votes)";
  return answer(
    'B13',
    'Can clients read a knowledge base (published articles meant for them)?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's articles (${articles.chosenTable}): the portal shows the published ones meant for clients, read through the adapter; before switching the section on, answer: ${questions}`,
      complete: `the portal reads ${articles.chosenTable} through the adapter only once these are answered: ${questions}; until then ${portal}`,
      add: `the host keeps no knowledge base: ${portal}, and stays off`,
    }),
    ['kbArticle'],
  );
}

function surveyAnswer(context: AnswerContext): Answer {
  const templates = concept(context, 'surveyTemplate');
  const invitations = concept(context, 'surveyInvitation');
  const responses = concept(context, 'surveyResponse');
  const triggers = concept(context, 'surveyTrigger');
  const evidence: Evidence[] = [
    ...evidenceOf(templates, 3),
    ...evidenceOf(invitations, 3),
    ...evidenceOf(responses, 3),
    ...evidenceOf(triggers, 2),
  ];
  const status = statusOf([templates, responses], [templates, invitations, responses, triggers]);
  const responseProfile = profileOf(context, responses);
  const rating = responseProfile?.table.columns.find((c) => /rating|score|star|nps|csat/.test(c.name) && c.category === 'N');
  const questions = numbered([
    unsureNote([templates, invitations, responses, triggers]),
    triggers.chosenTable
      ? `which events of ${triggers.chosenTable} send a survey (a ticket closed, a project finished), so the portal sends none twice`
      : 'which events should send a survey (the host records none)',
    rating && templates.chosenTable
      ? `which scale ${responseProfile?.qualified}.${rating.name} is on (the template's in ${templates.chosenTable}, or a fixed one)`
      : null,
    invitations.chosenTable
      ? `whether the host e-mails the invitation itself, and whether a client answering in the portal must mark the row of ${invitations.chosenTable} answered`
      : null,
    responses.chosenTable ? `who at the agency reads the answers, and whether a low rating opens a follow-up` : null,
  ]);
  const portal =
    "the portal asks its own question (a rating of 1 to 5 and a comment) when the agency resolves a ticket, invites the ticket's contact by a notification, and keeps the answers in its own table (portal_ticket_ratings)";
  return answer(
    'B14',
    'Can clients answer satisfaction surveys?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's surveys (${templates.chosenTable}, answers in ${responses.chosenTable}): the portal asks the host's questions and writes a client's answer through the adapter; before switching the section on, answer: ${questions}`,
      complete: `${portal} until the host's tables are confirmed and an adapter maps them${questions ? `; before relying on the host's, answer: ${questions}` : ''}`,
      add: `the host keeps no surveys: ${portal}`,
    }),
    ['surveyTemplate', 'surveyInvitation', 'surveyResponse', 'surveyTrigger'],
  );
}

export function sectionAnswers(context: AnswerContext): Answer[] {
  return [serviceRequestAnswer(context), appointmentAnswer(context), knowledgeBaseAnswer(context), surveyAnswer(context)];
}
