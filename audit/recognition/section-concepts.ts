// The portal's newer sections as host concepts: service requests (a catalogue of requestable
// services, each with a form, and what clients submitted from it), appointments (requests,
// availability, bookings), knowledge base articles and satisfaction surveys (templates,
// invitations, responses, triggers). A name says little here: a "request", a "calendar", an
// "article" or a "template" is many things in a CRM. Each concept names the columns that make it
// (a form kept as JSON, a start and an end, a published state, a rating), and a table without
// them is at most "unsure", whatever it is called (`essential`). No table name of a CRM is
// assumed: the words are those a PSA or CRM would use in any language, the shapes any schema has.
import type { CatalogColumn } from '../catalog/types.ts';
import { hasRole } from './column-roles.ts';
import { tokenize } from './names.ts';
import type { TableProfile } from './schema-model.ts';
import type { ScoringContext, TableConceptSpec } from './concept-spec.ts';
import { TABLE_WORDS, type TableConceptId } from './vocabulary.ts';

type Test = (profile: TableProfile, context: ScoringContext) => string | null;

const anyWord =
  (...wanted: string[]) =>
  (words: string[]): boolean =>
    words.some((w) => wanted.includes(w));

function columnWhere(profile: TableProfile, test: (words: string[], column: CatalogColumn) => boolean): CatalogColumn | undefined {
  return profile.table.columns.find((c) => test(tokenize(c.name), c));
}

const isJson = (c: CatalogColumn): boolean => c.baseType === 'json' || c.baseType === 'jsonb';
const isKey = (words: string[]): boolean => words.includes('id') || words.includes('fk');
const temporal = (c: CatalogColumn): boolean => c.category === 'D';
/** A time of day with no date: opening hours, a weekly slot. */
const timeOfDay = (c: CatalogColumn): boolean => c.baseType === 'time' || c.baseType === 'timetz';
const flag = (c: CatalogColumn): boolean => c.category === 'B' || (c.category === 'N' && /smallint|boolean/.test(c.type));
const numeric = (c: CatalogColumn): boolean => c.category === 'N';

/** The values a column may take, where the schema says them: a check constraint's literals or an enum's labels. */
export function declaredValues(profile: TableProfile, column: CatalogColumn): string[] {
  if (column.enumLabels.length > 0) return column.enumLabels;
  const values: string[] = [];
  for (const check of profile.table.checks) {
    if (!check.columns.includes(column.name) && !check.definition.includes(column.name)) continue;
    for (const match of check.definition.matchAll(/'((?:[^']|'')*)'/g)) {
      const value = (match[1] ?? '').replace(/''/g, "'");
      if (!values.includes(value)) values.push(value);
    }
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Column shapes.

/** A form kept as data: a JSON column naming a form, a schema, fields or questions. */
const formSchema: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => isJson(col) && anyWord('form', 'schema', 'field', 'question', 'layout', 'formular')(w));
  return c ? `keeps a form definition as JSON: ${c.name}` : null;
};

/** What was filled in: a JSON column of answers, a payload, submitted values. */
const submittedAnswers: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => isJson(col) && anyWord('payload', 'answer', 'response', 'submitted', 'value', 'data', 'input', 'form')(w),
  );
  return c ? `keeps the answers filled in as JSON: ${c.name}` : null;
};

const PUBLISHED_WORDS = ['published', 'publish', 'publication', 'lifecycle', 'veroeffentlicht', 'publie', 'publicado'];

/** Whether a record is published: a column so named, or a state whose declared values include "published". */
const publication: Test = (profile) => {
  const named = columnWhere(
    profile,
    (w, col) => !isKey(w) && anyWord(...PUBLISHED_WORDS)(w) && (temporal(col) || flag(col) || col.category === 'S'),
  );
  if (named) return `says whether it is published: ${named.name}`;
  for (const column of profile.roles.get('status') ?? []) {
    const values = declaredValues(profile, column);
    if (values.some((v) => PUBLISHED_WORDS.some((p) => v.toLowerCase().includes(p))))
      return `has a state whose declared values include published: ${column.name}`;
  }
  return null;
};

/** Published, or a status whose codes say it: what a client may read is told apart from drafts. */
const publishedOrStatus: Test = (profile, context) => {
  const published = publication(profile, context);
  if (published) return published;
  const status = (profile.roles.get('status') ?? [])[0];
  return status ? `has a status (draft, published, ...): ${status.name}` : null;
};

const AUDIENCE_WORDS = [
  'audience',
  'visibility',
  'visible',
  'public',
  'internal',
  'portal',
  'customer',
  'client',
  'zielgruppe',
  'sichtbar',
];

/** Who may read it: an audience or visibility column, or a link table to the portals it is shown in. */
const audience: Test = (profile, context) => {
  const c = columnWhere(profile, (w, col) => !isKey(w) && anyWord(...AUDIENCE_WORDS)(w) && (col.category === 'S' || flag(col)));
  if (c) return `says who may read it: ${c.name}`;
  for (const link of profile.incoming) {
    const bridge = context.byName.get(link.from);
    if (bridge?.linkShaped && bridge.tokens.some((t) => t === 'portal' || t === 'audience' || t === 'group'))
      return `is shown to clients through ${bridge.qualified}`;
  }
  return null;
};

const TRANSLATION_WORDS = new Set(['translation', 'i18n', 'locale', 'lang', 'language', 'uebersetzung', 'traduction']);

/** A language column, or a table of translations hanging off it. */
const language: Test = (profile, context) => {
  const c = columnWhere(profile, (w, col) => col.category === 'S' && anyWord('lang', 'language', 'locale', 'sprache', 'langue')(w));
  if (c) return `has a language: ${c.name}`;
  for (const link of profile.incoming) {
    const child = context.byName.get(link.from);
    if (child && child !== profile && child.tokens.some((t) => TRANSLATION_WORDS.has(t))) return `has translations in ${child.qualified}`;
  }
  return null;
};

/** A category: a key named so, or a link to a table of categories. */
const category: Test = (profile, context) => {
  const c = columnWhere(profile, (w) => anyWord('category', 'categorie', 'kategorie', 'categoria', 'topic', 'folder')(w));
  if (c) return `has a category: ${c.name}`;
  for (const link of profile.incoming) {
    const bridge = context.byName.get(link.from);
    if (bridge?.linkShaped && bridge.tokens.some((t) => t === 'category' || t === 'categorie'))
      return `has categories through ${bridge.qualified}`;
  }
  return null;
};

/** The body kept in another record (document_id → the documents table): the article's text lives there. */
const bodyElsewhere: Test = (profile, context) => {
  if (hasRole(profile.roles, 'body')) return `has a text body: ${(profile.roles.get('body') ?? [])[0]?.name}`;
  const answer = columnWhere(profile, (w, col) => col.category === 'S' && anyWord('answer', 'solution', 'reponse', 'antwort')(w));
  if (answer) return `has a text body: ${answer.name}`;
  const documents = context.chosen.get('document');
  const link = profile.outgoing.find((l) => l.to === documents);
  return link ? `keeps its body in ${link.to} (${link.columns.join(', ')})` : null;
};

/** A title, a question or a name: what a reader sees in a list. */
const heading: Test = (profile) => {
  const role = (['title', 'name', 'label'] as const).find((r) => hasRole(profile.roles, r));
  if (role) return `has a title: ${(profile.roles.get(role) ?? [])[0]?.name}`;
  const c = columnWhere(profile, (w, col) => col.category === 'S' && anyWord('question', 'slug', 'headline', 'frage')(w));
  return c ? `has a title: ${c.name}` : null;
};

/** The moment a client asked for: a date or time column named requested, preferred or desired. */
const requestedTime: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => temporal(col) && anyWord('requested', 'preferred', 'desired', 'proposed', 'wish', 'wunsch', 'souhaite')(w),
  );
  return c ? `records the time the client asked for: ${c.name}` : null;
};

const DECISION_WORDS = ['approved', 'declined', 'confirmed', 'rejected', 'accepted', 'refused', 'bestaetigt', 'abgelehnt'];

/**
 * Who decided on a request and when: approved/declined/confirmed columns, or a status whose declared
 * values are those decisions (pending → confirmed or declined), as a booking kept in one row keeps it.
 */
const decision: Test = (profile) => {
  const c = columnWhere(profile, (w) => anyWord(...DECISION_WORDS)(w));
  if (c) return `records the agency's decision: ${c.name}`;
  for (const status of profile.roles.get('status') ?? []) {
    const named = declaredValues(profile, status).filter((v) => DECISION_WORDS.includes(v.toLowerCase()));
    if (named.length >= 2) return `records the agency's decision: ${status.name} (${named.join(', ')})`;
  }
  return null;
};

const START_WORDS = ['start', 'begin', 'from', 'debut', 'beginn', 'dateo', 'datep'];
const END_WORDS = ['end', 'until', 'to', 'fin', 'ende', 'datee', 'datef', 'datep2', 'stop'];

/**
 * A start and an end of the same kind: moments (timestamps) for a booking, times of day for opening
 * hours. A pair named alike but for a trailing 2 (datep/datep2) is a span too.
 */
function span(profile: TableProfile, kind: 'moment' | 'timeOfDay'): [CatalogColumn, CatalogColumn] | null {
  const fits = (c: CatalogColumn) => (kind === 'timeOfDay' ? timeOfDay(c) : temporal(c) && !timeOfDay(c));
  const columns = profile.table.columns.filter(fits);
  // Opening hours open and close (opens_at, closes_at); a booking starts and ends.
  const starts = kind === 'timeOfDay' ? [...START_WORDS, 'open', 'opening'] : START_WORDS;
  const ends = kind === 'timeOfDay' ? [...END_WORDS, 'close', 'closing'] : END_WORDS;
  const start = columns.find((c) => anyWord(...starts)(tokenize(c.name)));
  const end = columns.find((c) => c !== start && anyWord(...ends)(tokenize(c.name)));
  if (start && end) return [start, end];
  for (const c of columns) {
    const second = columns.find((o) => o.name === `${c.name}2`);
    if (second) return [c, second];
  }
  return null;
}

const timeSpan: Test = (profile) => {
  const pair = span(profile, 'moment');
  return pair ? `has a start and an end: ${pair[0].name}, ${pair[1].name}` : null;
};

const openingHours: Test = (profile) => {
  const pair = span(profile, 'timeOfDay');
  return pair ? `has opening times of day: ${pair[0].name}, ${pair[1].name}` : null;
};

const weekday: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => anyWord('weekday', 'wochentag', 'dow')(w) || (w.includes('day') && w.includes('week')) || /^weekday\d$/.test(col.name),
  );
  return c ? `has a day of the week: ${c.name}` : null;
};

const availableFlag: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => flag(col) && anyWord('available', 'bookable', 'open', 'closed', 'verfuegbar', 'disponible')(w),
  );
  return c ? `says whether the time is available: ${c.name}` : null;
};

const bookingRules: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => numeric(col) && anyWord('buffer', 'notice', 'advance', 'slot', 'duration', 'interval', 'lead', 'max')(w) && !isKey(w),
  );
  return c ? `sets booking rules: ${c.name}` : null;
};

/** A day of the week or an opening time: what says when a calendar can be booked. */
const availabilityShape: Test = (profile, context) => weekday(profile, context) ?? openingHours(profile, context);

/** How long it lasts: a number of minutes, or a start and an end moment (a booking kept as asked). */
const duration: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => numeric(col) && !isKey(w) && anyWord('duration', 'minute', 'length', 'dauer', 'duree')(w));
  if (c) return `has a duration: ${c.name}`;
  const between = span(profile, 'moment');
  return between ? `has a duration: from ${between[0].name}, ${between[1].name}` : null;
};

const place: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => col.category === 'S' && !isKey(w) && anyWord('location', 'room', 'place', 'venue', 'meeting', 'join', 'ort', 'lieu')(w),
  );
  return c ? `says where it takes place: ${c.name}` : null;
};

const requesterContact: Test = (profile, context) => {
  const c = columnWhere(profile, (w, col) => col.category === 'S' && anyWord('requester', 'requestor', 'applicant', 'antragsteller')(w));
  if (c) return `names who asked: ${c.name}`;
  if (hasRole(profile.roles, 'email') || hasRole(profile.roles, 'phone')) return 'keeps how to reach who asked (e-mail or phone)';
  // A key to the host's contacts names the person who asked, and so how to reach them.
  const contacts = context.chosen.get('contact');
  const link = contacts ? profile.outgoing.find((l) => l.to === contacts) : undefined;
  return link ? `names who asked: ${link.columns.filter((col) => col !== context.tenantColumn).join(', ')} → ${contacts}` : null;
};

const requester: Test = (profile) => {
  const c = columnWhere(profile, (w) => anyWord('requester', 'requestor', 'submitter', 'applicant', 'antragsteller', 'demandeur')(w));
  if (c) return `names who asked: ${c.name}`;
  const actor = (profile.roles.get('actor') ?? [])[0];
  return actor ? `names who asked: ${actor.name}` : null;
};

/** How the answers are scored: a rating scale, a kind of rating, labels for its values. */
const ratingScale: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w) =>
      anyWord('rating', 'score', 'star', 'nps', 'csat', 'scale', 'bewertung', 'note')(w) &&
      anyWord('scale', 'type', 'label', 'max', 'min', 'kind')(w),
  );
  if (c) return `defines how answers are rated: ${c.name}`;
  const questions = columnWhere(profile, (w, col) => isJson(col) && anyWord('question', 'item', 'field')(w));
  return questions ? `lists its questions: ${questions.name}` : null;
};

/** The words a client reads: a prompt, a question, a thank-you text. */
const prompt: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => col.category === 'S' && anyWord('prompt', 'question', 'intro', 'introduction', 'thank', 'frage', 'message')(w),
  );
  return c ? `has the text a client reads: ${c.name}` : null;
};

const enabled: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => flag(col) && anyWord('enabled', 'active', 'default', 'aktiv', 'actif')(w));
  return c ? `can be switched on or off: ${c.name}` : null;
};

/** A rating given: a number named rating, score, stars, nps or csat. */
const ratingValue: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) =>
      numeric(col) &&
      !isKey(w) &&
      anyWord('rating', 'score', 'star', 'nps', 'csat', 'bewertung', 'grade')(w) &&
      !anyWord('scale', 'type', 'max', 'min', 'count')(w),
  );
  return c ? `holds a rating: ${c.name}` : null;
};

/** When an invitation went out, was opened or answered. */
const invitationTrack: Test = (profile) => {
  const c = columnWhere(profile, (w) => anyWord('sent', 'opened', 'responded', 'answered', 'reminded', 'completed', 'clicked')(w));
  return c ? `follows the invitation (sent, opened, answered): ${c.name}` : null;
};

const tokenWithExpiry: Test = (profile) => {
  const token = [...(profile.roles.get('secretToken') ?? []), ...(profile.roles.get('shareToken') ?? [])][0];
  if (!token) return null;
  const expiry = (profile.roles.get('expiresAt') ?? [])[0];
  return `opens by a token${expiry ? ' with an expiry' : ''}: ${token.name}${expiry ? `, ${expiry.name}` : ''}`;
};

const triggerKind: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => !isKey(w) && (col.category === 'S' || isJson(col)) && anyWord('trigger', 'event', 'when', 'ausloeser', 'declencheur')(w),
  );
  return c ? `names what sends it: ${c.name}` : null;
};

const conditions: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => (isJson(col) || col.category === 'S') && anyWord('condition', 'criteria', 'rule', 'filter', 'bedingung')(w),
  );
  return c ? `has conditions: ${c.name}` : null;
};

const KIND_WORDS = ['type', 'kind', 'code', 'category', 'art', 'typ'];

/** Columns that tell kinds of row apart (work_item_type, code, kind), the tenant and keys aside. */
function kindColumns(profile: TableProfile): CatalogColumn[] {
  return profile.table.columns.filter((c) => {
    const w = tokenize(c.name);
    return (
      (c.category === 'S' || c.category === 'E' || c.category === 'N') && KIND_WORDS.includes(w[w.length - 1] ?? '') && !w.includes('fk')
    );
  });
}

/**
 * A kind column whose declared values name an appointment (work_item_type in (..., 'appointment_request')):
 * the appointments are the rows of that kind, and the row filter says so.
 */
export function appointmentKind(profile: TableProfile): { column: string; value: string } | null {
  for (const column of kindColumns(profile)) {
    const value = declaredValues(profile, column).find(namesAppointment);
    if (value) return { column: column.name, value };
  }
  return null;
}

const appointmentRows: Test = (profile) => {
  const kind = appointmentKind(profile);
  return kind ? `holds appointments as rows of one kind: ${kind.column} = '${kind.value}'` : null;
};

/**
 * Events of every kind in one table (a shared agenda: meetings, calls, e-mails, system events),
 * told apart by a kind column whose values the schema does not declare: the appointments are
 * among its rows, but only the data says which kind they are. Not a table named for appointments.
 */
export function eventsOfEveryKind(profile: TableProfile): string | null {
  const kind = undeclaredKind(profile);
  return kind
    ? `events of several kinds told apart by ${kind.name}, whose values the schema does not name: which kind is an appointment only the data says`
    : null;
}

/** The kind column of a shared table of events whose values the schema does not declare (sampled in findings/samples.ts). */
export function undeclaredKind(profile: TableProfile): CatalogColumn | null {
  if (appointmentKind(profile)) return null;
  if (profile.tokens.some((t) => (TABLE_WORDS.booking.get(t) ?? 0) >= 0.9)) return null;
  const polymorphicTypes = new Set(profile.polymorphic.map((p) => p.typeColumn));
  return kindColumns(profile).find((c) => !polymorphicTypes.has(c.name) && declaredValues(profile, c).length === 0) ?? null;
}

/** A value of a kind column that names an appointment: 'meeting', 'appointment_request', Dolibarr's 'AC_RDV' (rendez-vous). */
export function namesAppointment(value: string): boolean {
  return tokenize(value).some((w) => MEETING_WORDS.has(w));
}

/** A record that hangs off another calendar entry (an online meeting's schedule_entry_id): a detail of the booking, not the booking. */
const detailOfAnotherEntry = (profile: TableProfile, context: ScoringContext): { factor: number; reason: string } | null => {
  for (const link of profile.outgoing) {
    const parent = context.byName.get(link.to);
    if (!parent || parent === profile || link.to === context.tenantTable) continue;
    if (!parent.tokens.some((t) => TABLE_WORDS.booking.has(t)) || !span(parent, 'moment')) continue;
    return { factor: 0.7, reason: `hangs off another calendar entry (${link.columns.join(', ')} → ${link.to})` };
  }
  return null;
};

// ---------------------------------------------------------------------------------------------
// Names in pairs: a word too vague alone ("request", "template") says the concept beside another.

const REQUEST_WORDS = new Set(['request', 'demande', 'anfrage', 'antrag', 'solicitud', 'richiesta', 'requete']);
const DEFINITION_WORDS = new Set(['definition', 'type', 'form', 'catalog', 'catalogue', 'item', 'template', 'offering', 'formular']);
const SUBMISSION_WORDS = new Set(['submission', 'submitted', 'instance', 'entry', 'einreichung']);
const MEETING_WORDS = new Set(['appointment', 'booking', 'meeting', 'termin', 'rendezvous', 'reservation', 'visit', 'rdv']);
const SURVEY_WORDS = new Set(['survey', 'questionnaire', 'umfrage', 'enquete', 'csat', 'nps', 'satisfaction', 'zufriedenheit', 'feedback']);

const has = (profile: TableProfile, words: ReadonlySet<string>): string | undefined => profile.tokens.find((t) => words.has(t));

function pair(first: ReadonlySet<string>, second: ReadonlySet<string>, what: string) {
  return (profile: TableProfile): { score: number; reason: string; words: string[] } | null => {
    const a = has(profile, first);
    const b = profile.tokens.find((t) => second.has(t) && t !== a);
    return a && b ? { score: 1, reason: `named for ${what} ("${a}" and "${b}")`, words: [a, b] } : null;
  };
}

const WAITING_STATES = ['pending', 'requested', 'tentative', 'unconfirmed', 'offen', 'angefragt', 'en_attente'];

/**
 * Appointments a client asks for and the agency then decides on: a table named for meetings whose
 * status declares a waiting state and the agency's decisions (pending → confirmed, declined). Named
 * for meetings alone, a table may hold bookings already made; the declared states tell the request.
 */
function askedAppointments(profile: TableProfile): { score: number; reason: string; words: string[] } | null {
  const word = has(profile, MEETING_WORDS);
  if (!word) return null;
  for (const status of profile.roles.get('status') ?? []) {
    const values = declaredValues(profile, status).map((v) => v.toLowerCase());
    const waiting = values.find((v) => WAITING_STATES.includes(v));
    const decided = values.filter((v) => DECISION_WORDS.includes(v));
    if (waiting && decided.length >= 2)
      return {
        score: 0.6,
        reason: `named for appointments ("${word}") whose ${status.name} waits for the agency (${waiting} → ${decided.join(', ')})`,
        words: [word],
      };
  }
  return null;
}

/**
 * The time a client asked for: a column so named, or the start and end of a row whose status waits
 * for the agency (an appointment asked for is the booking until the agency decides on it).
 */
const askedTime: Test = (profile, context) => {
  const named = requestedTime(profile, context);
  if (named) return named;
  const between = span(profile, 'moment');
  return between && askedAppointments(profile) ? `records the time the client asked for: ${between[0].name}, ${between[1].name}` : null;
};

const SERVICE = new Set(['service', 'leistung']);

/** A table a concept's own records point at, by a key of their own (the submissions → their definition). */
function pointedAtBy(words: ReadonlySet<string>, what: string) {
  return (profile: TableProfile, context: ScoringContext): { score: number; reason: string } | null => {
    for (const link of profile.incoming) {
      const from = context.byName.get(link.from);
      if (!from || from === profile || !from.tokens.some((t) => words.has(t))) continue;
      return { score: 1, reason: `${what} point here (${link.from}.${link.columns.join(', ')})` };
    }
    return null;
  };
}

/** Tied to the chosen table of another concept, or named for it: a rival that is neither is something else. */
function tiedTo(ids: TableConceptId[], named: ReadonlySet<string> | null, reason: string): TableConceptSpec['mustLink'] {
  return {
    factor: 0.5,
    reason,
    test: (profile, context) => {
      const targets = ids.map((id) => context.chosen.get(id)).filter(Boolean);
      if (profile.outgoing.some((l) => targets.includes(l.to))) return true;
      return named !== null && has(profile, named) !== undefined;
    },
  };
}

const CLIENT_SIDE: TableConceptId[] = ['company', 'contact'];

export const SECTION_CONCEPTS: TableConceptSpec[] = [
  {
    id: 'serviceRequestType',
    label: 'Requestable services (service catalogue)',
    words: TABLE_WORDS.serviceRequestType,
    nameEvidence: pair(REQUEST_WORDS, DEFINITION_WORDS, 'the definitions of requests'),
    columns: [
      { weight: 0.4, reason: 'keeps a form definition', test: formSchema },
      { weight: 0.2, reason: 'says whether it is published', test: publication },
      { weight: 0.15, reason: 'has a name', roles: ['name', 'title', 'label'] },
      { weight: 0.1, reason: 'has a description', roles: ['body'] },
      { weight: 0.15, reason: 'has a category', test: category },
    ],
    links: [],
    graph: pointedAtBy(new Set([...REQUEST_WORDS, ...SUBMISSION_WORDS]), 'the requests made from it'),
    essential: { test: formSchema, what: 'no column keeps the form a client fills in' },
    // A catalogue's entries are its items; a definition may be a type or a template of requests.
    allowModifiers: ['template', 'dictionary', 'line items'],
    headWords: new Set(['item', 'entry', 'definition']),
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'serviceRequest',
    label: 'Service requests (submissions)',
    words: TABLE_WORDS.serviceRequest,
    nameEvidence: (profile) =>
      pair(REQUEST_WORDS, SUBMISSION_WORDS, 'the requests submitted')(profile) ??
      (has(profile, SERVICE) && has(profile, REQUEST_WORDS) && !has(profile, DEFINITION_WORDS)
        ? { score: 0.9, reason: 'named for service requests', words: profile.tokens.filter((t) => SERVICE.has(t) || REQUEST_WORDS.has(t)) }
        : null),
    columns: [
      { weight: 0.35, reason: 'keeps the answers filled in', test: submittedAnswers },
      { weight: 0.25, reason: 'has a status', roles: ['status', 'done'] },
      { weight: 0.15, reason: 'names who asked', test: requester },
      { weight: 0.1, reason: 'has a date', roles: ['timestamp'] },
      { weight: 0.15, reason: 'has a title', roles: ['title', 'name', 'label'] },
    ],
    links: [
      { to: ['serviceRequestType'], weight: 0.6, reason: 'made from a requestable service' },
      { to: CLIENT_SIDE, weight: 0.4, reason: 'links to the client' },
    ],
    mustLink: tiedTo(['serviceRequestType'], null, 'not made from a requestable service (no key to one)'),
    essential: { test: submittedAnswers, what: 'no column keeps the answers a client filled in' },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'appointmentRequest',
    label: 'Appointment requests',
    words: TABLE_WORDS.appointmentRequest,
    nameEvidence: (profile) => pair(MEETING_WORDS, REQUEST_WORDS, 'requests for an appointment')(profile) ?? askedAppointments(profile),
    columns: [
      { weight: 0.35, reason: 'records the time asked for', test: askedTime },
      { weight: 0.2, reason: 'has a status', roles: ['status'] },
      { weight: 0.15, reason: "records the agency's decision", test: decision },
      { weight: 0.1, reason: 'keeps how to reach who asked', test: requesterContact },
      { weight: 0.1, reason: 'has a duration', test: duration },
      { weight: 0.1, reason: 'has a description', roles: ['body'] },
    ],
    links: [{ to: CLIENT_SIDE, weight: 1, reason: 'links to the client' }],
    essential: { test: askedTime, what: 'no column records the time the client asked for' },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'availability',
    label: 'Availability and booking calendars',
    words: TABLE_WORDS.availability,
    nameEvidence: pair(
      MEETING_WORDS,
      new Set(['hour', 'availability', 'slot', 'window', 'calendar', 'opening', 'schedule']),
      'when appointments can be booked',
    ),
    columns: [
      { weight: 0.3, reason: 'has a day of the week', test: weekday },
      { weight: 0.3, reason: 'has opening times of day', test: openingHours },
      { weight: 0.15, reason: 'says whether the time is available', test: availableFlag },
      { weight: 0.15, reason: 'sets booking rules', test: bookingRules },
      { weight: 0.1, reason: 'says who sees it', roles: ['visibility', 'portalFlag'] },
    ],
    links: [{ to: ['staffUser', 'company'], weight: 1, reason: 'belongs to a staff member or a client' }],
    essential: { test: availabilityShape, what: 'no day of the week or opening time says when it can be booked' },
    // Availability is kept as settings, exceptions, rules or slots of a calendar.
    allowModifiers: ['settings'],
    headWords: new Set(['setting', 'exception', 'rule', 'hour', 'slot', 'window', 'range', 'schedule']),
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'booking',
    label: 'Booked appointments (calendar events)',
    words: TABLE_WORDS.booking,
    columns: [
      { weight: 0.35, reason: 'has a start and an end', test: timeSpan },
      { weight: 0.15, reason: 'has a title', roles: ['title', 'label', 'name'] },
      { weight: 0.1, reason: 'has a status', roles: ['status', 'done'] },
      { weight: 0.15, reason: 'has who attends', roles: ['assignee'] },
      { weight: 0.1, reason: 'says where it takes place', test: place },
      { weight: 0.15, reason: 'has a description', roles: ['body'] },
      { weight: 0.15, reason: 'holds appointments as rows of one kind', test: appointmentRows },
    ],
    links: [{ to: ['appointmentRequest', ...CLIENT_SIDE], weight: 1, reason: 'tied to an appointment request or a client' }],
    graph: (profile, context) => {
      const requests = context.chosen.get('appointmentRequest');
      const from = requests ? context.byName.get(requests) : undefined;
      const link = from?.outgoing.find((l) => l.to === profile.qualified);
      return link ? { score: 1, reason: `the appointment requests point here (${link.from}.${link.columns.join(', ')})` } : null;
    },
    polymorphicCountsAsLink: true,
    penalty: detailOfAnotherEntry,
    ceiling: eventsOfEveryKind,
    essential: { test: timeSpan, what: 'no start and end say when it takes place' },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'kbArticle',
    label: 'Knowledge base articles',
    words: TABLE_WORDS.kbArticle,
    columns: [
      { weight: 0.15, reason: 'has a title', test: heading },
      { weight: 0.2, reason: 'has a body', test: bodyElsewhere },
      { weight: 0.25, reason: 'says whether it is published', test: publishedOrStatus },
      { weight: 0.2, reason: 'says who may read it', test: audience },
      { weight: 0.1, reason: 'has a category', test: category },
      { weight: 0.1, reason: 'has a language', test: language },
    ],
    links: [],
    essential: { test: publishedOrStatus, what: 'nothing says whether an article is published or a draft' },
    headWords: new Set(['base', 'entry', 'item', 'page', 'record', 'post']),
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'surveyTemplate',
    label: 'Satisfaction survey templates',
    words: TABLE_WORDS.surveyTemplate,
    nameEvidence: pair(SURVEY_WORDS, new Set(['template', 'form', 'definition', 'question', 'vorlage', 'modele']), 'survey templates'),
    columns: [
      { weight: 0.35, reason: 'defines how answers are rated', test: ratingScale },
      { weight: 0.25, reason: 'has the text a client reads', test: prompt },
      { weight: 0.15, reason: 'has a name', roles: ['name', 'title', 'label'] },
      { weight: 0.1, reason: 'can be switched on or off', test: enabled },
      { weight: 0.15, reason: 'has a description', roles: ['body'] },
    ],
    links: [],
    graph: pointedAtBy(SURVEY_WORDS, 'the surveys sent and answered'),
    essential: { test: ratingScale, what: 'nothing defines the questions or how they are rated' },
    allowModifiers: ['template'],
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'surveyInvitation',
    label: 'Survey invitations',
    words: TABLE_WORDS.surveyInvitation,
    nameEvidence: pair(
      SURVEY_WORDS,
      new Set(['invitation', 'invite', 'request', 'recipient', 'participant', 'send', 'dispatch']),
      'survey invitations',
    ),
    columns: [
      { weight: 0.35, reason: 'follows the invitation', test: invitationTrack },
      { weight: 0.3, reason: 'opens by a token', test: tokenWithExpiry },
      { weight: 0.15, reason: 'has an expiry', roles: ['expiresAt'] },
      { weight: 0.2, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [
      { to: ['surveyTemplate'], weight: 0.6, reason: 'sends a survey template' },
      { to: [...CLIENT_SIDE, 'ticket'], weight: 0.4, reason: 'to a client, about a record' },
    ],
    mustLink: tiedTo(['surveyTemplate'], SURVEY_WORDS, 'neither tied to a survey nor named for one'),
    essential: { test: invitationTrack, what: 'nothing records that an invitation was sent or answered' },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'surveyResponse',
    label: 'Survey responses',
    words: TABLE_WORDS.surveyResponse,
    nameEvidence: pair(
      SURVEY_WORDS,
      new Set(['response', 'answer', 'result', 'submission', 'reply', 'rating', 'antwort', 'reponse']),
      'survey responses',
    ),
    columns: [
      { weight: 0.4, reason: 'holds a rating', test: ratingValue },
      { weight: 0.2, reason: 'has a comment', roles: ['body'] },
      { weight: 0.2, reason: 'has a date', roles: ['timestamp'] },
      { weight: 0.2, reason: 'names who answered', roles: ['actor', 'email'] },
    ],
    links: [
      { to: ['surveyTemplate', 'surveyInvitation'], weight: 0.6, reason: 'answers a survey' },
      { to: [...CLIENT_SIDE, 'ticket'], weight: 0.4, reason: 'from a client, about a record' },
    ],
    mustLink: tiedTo(['surveyTemplate', 'surveyInvitation'], SURVEY_WORDS, 'neither tied to a survey nor named for one'),
    essential: { test: ratingValue, what: 'no column holds a rating or score' },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'surveyTrigger',
    label: 'Survey triggers',
    words: TABLE_WORDS.surveyTrigger,
    nameEvidence: pair(
      SURVEY_WORDS,
      new Set(['trigger', 'rule', 'automation', 'schedule', 'ausloeser', 'declencheur']),
      'what sends a survey',
    ),
    columns: [
      { weight: 0.4, reason: 'names what sends it', test: triggerKind },
      { weight: 0.3, reason: 'has conditions', test: conditions },
      { weight: 0.3, reason: 'can be switched on or off', test: enabled },
    ],
    links: [{ to: ['surveyTemplate'], weight: 1, reason: 'sends a survey template' }],
    mustLink: tiedTo(['surveyTemplate'], SURVEY_WORDS, 'neither tied to a survey nor named for one'),
    essential: { test: triggerKind, what: 'nothing names the event that sends a survey' },
    genericSignature: true,
    lookupPenalty: true,
  },
];
