// Findings for the portal's newer sections: service requests, appointments, knowledge base and
// satisfaction surveys. Recognising the table is most of it; what the portal also needs is read off
// the tables around it: where a request's files are kept, which version of a form it answered,
// where an article's body, categories and translations are, and which rows of a shared calendar
// are appointments (a kind column whose declared values name them becomes the row filter).
import { AGREEMENT_CONCEPT_IDS } from '../recognition/agreement-concepts.ts';
import { hasRole } from '../recognition/column-roles.ts';
import { learnedApplies } from '../recognition/learned.ts';
import { tokenize } from '../recognition/names.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { appointmentKind, eventsOfEveryKind, namesAppointment, undeclaredKind } from '../recognition/section-concepts.ts';
import { NAME_MODIFIERS } from '../recognition/vocabulary.ts';
import { chosenProfile, columnEvidence, tableEvidence, type DraftFinding, type FindingsContext } from './context.ts';
import { tableFinding } from './table-findings.ts';

const FILE_WORDS = new Set(['file', 'attachment', 'upload', 'document', 'fichier', 'datei', 'anhang']);
const VERSION_WORDS = NAME_MODIFIERS.find((m) => m.kind === 'archive or staging copy')?.words ?? new Set<string>();
const TRANSLATION_WORDS = new Set(['translation', 'i18n', 'locale', 'lang', 'language', 'uebersetzung', 'traduction']);
const CATEGORY_WORDS = new Set(['category', 'categorie', 'kategorie', 'categoria', 'topic']);

/** Tables pointing at this one whose names say what they are (its files, its versions, its translations). */
function children(context: FindingsContext, profile: TableProfile, words: ReadonlySet<string>): TableProfile[] {
  const seen = new Set<string>();
  const found: TableProfile[] = [];
  for (const link of profile.incoming) {
    const child = context.model.byName.get(link.from);
    if (!child || child === profile || seen.has(child.qualified)) continue;
    if (!child.tokens.some((t) => words.has(t))) continue;
    seen.add(child.qualified);
    found.push(child);
  }
  return found;
}

function serviceRequestTypeFinding(context: FindingsContext): DraftFinding {
  const base = tableFinding(context, 'serviceRequestType');
  const profile = chosenProfile(context, 'serviceRequestType');
  if (!profile) return base;
  const notes = [...base.notes];
  const evidence = [...base.evidence];
  for (const form of profile.table.columns.filter(
    (c) => (c.baseType === 'json' || c.baseType === 'jsonb') && /form|schema|field/.test(c.name),
  ))
    evidence.push(columnEvidence(profile.qualified, form, 'the form a client fills in, kept as JSON'));
  for (const versions of children(context, profile, VERSION_WORDS)) {
    notes.push(
      `a published form is kept in ${versions.qualified} as a version: a request records the version it answered, and the portal must write the same one`,
    );
    evidence.push(tableEvidence(versions.qualified, 'versions of the requestable services'));
  }
  return { ...base, evidence, notes };
}

function serviceRequestFinding(context: FindingsContext): DraftFinding {
  const base = tableFinding(context, 'serviceRequest');
  const profile = chosenProfile(context, 'serviceRequest');
  if (!profile) return base;
  const notes = [...base.notes];
  const evidence = [...base.evidence];
  const files = children(context, profile, FILE_WORDS).filter(
    (c) => hasRole(c.roles, 'fileName') || c.table.columns.some((col) => tokenize(col.name).some((w) => w === 'file')),
  );
  for (const table of files) {
    evidence.push(tableEvidence(table.qualified, 'the files attached to a request'));
    notes.push(`a request's attachments are kept in ${table.qualified}, each pointing at the file it stores elsewhere`);
  }
  if (files.length === 0)
    notes.push("no table keeps a request's attachments: the portal keeps the files a client attaches in its own storage");
  return { ...base, evidence, notes };
}

function bookingFinding(context: FindingsContext): DraftFinding {
  const base = tableFinding(context, 'booking');
  const profile = chosenProfile(context, 'booking');
  if (!profile) return base;
  const kind = appointmentKind(profile);
  if (kind) {
    const column = profile.table.columns.find((c) => c.name === kind.column);
    return {
      ...base,
      rowFilter: { [kind.column]: kind.value },
      evidence: column
        ? [...base.evidence, columnEvidence(profile.qualified, column, `a declared kind of entry names appointments: '${kind.value}'`)]
        : base.evidence,
      notes: [
        ...base.notes,
        `the appointments are the rows of ${profile.qualified} where ${kind.column} = '${kind.value}'; the other kinds are the agency's own work`,
      ],
    };
  }
  const shared = eventsOfEveryKind(profile);
  const column = undeclaredKind(profile);
  // Appointments as sampled codes of a shared agenda: learned on Dolibarr's AC_RDV (b51f438c).
  if (!shared || !column || !learnedApplies('dolibarr')) return base;
  // The kind is data: sampled codes say which rows are appointments (AC_RDV), or nothing does.
  const sampled = context.samples.appointmentKinds?.get(`${profile.qualified}.${column.name}`);
  const visible = (sampled ?? []).filter(namesAppointment).sort((a, b) => a.length - b.length)[0];
  if (visible)
    return {
      ...base,
      rowFilter: { [column.name]: visible },
      evidence: [...base.evidence, columnEvidence(profile.qualified, column, `sampled values name appointments: ${visible}`)],
      notes: [
        ...base.notes,
        `the appointments are the rows of ${profile.qualified} where ${column.name} = '${visible}' (sampled values of ${column.name}: ${(sampled ?? []).slice(0, 8).join(', ')}); the other kinds are calls, e-mails and the agency's own events`,
      ],
    };
  const why =
    sampled === undefined || sampled === null
      ? 'it could not be read'
      : sampled.length === 0
        ? 'it has no rows'
        : 'no sampled value names one';
  return { ...base, notes: [...base.notes, `${profile.qualified} holds ${shared}; ${why}`] };
}

function kbArticleFinding(context: FindingsContext): DraftFinding {
  const base = tableFinding(context, 'kbArticle');
  const profile = chosenProfile(context, 'kbArticle');
  if (!profile) return base;
  const notes = [...base.notes];
  const evidence = [...base.evidence];
  const documents = chosenProfile(context, 'document');
  const body = documents ? profile.outgoing.find((l) => l.to === documents.qualified) : undefined;
  if (body && !hasRole(profile.roles, 'body'))
    notes.push(`an article's title and body are kept in ${body.to} (${body.columns.join(', ')}), not in ${profile.qualified}`);
  for (const column of profile.table.columns) {
    const words = tokenize(column.name);
    if (words.some((w) => ['audience', 'visibility', 'visible', 'public', 'internal'].includes(w)) && !words.includes('note'))
      evidence.push(columnEvidence(profile.qualified, column, 'may say who may read the article'));
  }
  const translations = children(context, profile, TRANSLATION_WORDS);
  const lang = profile.table.columns.find((c) => tokenize(c.name).some((w) => ['lang', 'language', 'locale'].includes(w)));
  if (translations.length > 0) notes.push(`translations are kept in ${translations.map((t) => t.qualified).join(', ')}`);
  else if (lang) notes.push(`one language per article (${lang.name}): a translation is another article`);
  else notes.push('no language is recorded: articles are shown in the language they were written in');
  const categories = profile.outgoing.filter((l) => context.model.byName.get(l.to)?.tokens.some((t) => CATEGORY_WORDS.has(t)));
  const categoryLinks = profile.incoming.filter((l) => context.model.byName.get(l.from)?.tokens.some((t) => CATEGORY_WORDS.has(t)));
  if (categories.length > 0) notes.push(`categories are ${categories.map((l) => `${l.to} (${l.columns.join(', ')})`).join(', ')}`);
  else if (categoryLinks.length > 0) notes.push(`categories are linked through ${categoryLinks.map((l) => l.from).join(', ')}`);
  return { ...base, evidence, notes };
}

export function sectionFindings(context: FindingsContext): DraftFinding[] {
  return [
    serviceRequestTypeFinding(context),
    serviceRequestFinding(context),
    tableFinding(context, 'appointmentRequest'),
    tableFinding(context, 'availability'),
    bookingFinding(context),
    kbArticleFinding(context),
    tableFinding(context, 'surveyTemplate'),
    tableFinding(context, 'surveyInvitation'),
    tableFinding(context, 'surveyResponse'),
    tableFinding(context, 'surveyTrigger'),
    ...AGREEMENT_CONCEPT_IDS.map((id) => tableFinding(context, id)),
  ];
}
