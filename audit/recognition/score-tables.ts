// Scores every host table against each table concept and picks one per concept, with the reasons
// and a confidence between 0 and 1. The name counts for half, the column signature and the links
// for the rest; names that say "line items", "supplier", "archive" or "dictionary" are penalised.
// Below MIN_CONFIDENCE nothing is chosen: the answer is "not found", with what was looked at.
import { learnedApplies, learnedRule } from './learned.ts';
import { compareText } from '../catalog/read-catalog.ts';
import { hasRole, type ColumnRole } from './column-roles.ts';
import { bestWordMatch, tokenize } from './names.ts';
import type { TableProfile, SchemaModel } from './schema-model.ts';
import { logSubject, pipelineRecord, recordReference, TABLE_CONCEPTS, typedClientLedger, typedClientOrders } from './table-concepts.ts';
import { parentPathTo, type ScoringContext, type TableConceptSpec } from './concept-spec.ts';
import { GENERAL_LOG_WORDS, MACHINERY_WORDS, NAME_MODIFIERS, TABLE_WORDS, type TableConceptId } from './vocabulary.ts';

const MIN_CONFIDENCE = 0.45;
const HIGH_CONFIDENCE = 0.65;

interface Candidate {
  table: string;
  confidence: number;
  reasons: string[];
}

export interface TableConceptResult {
  id: TableConceptId;
  label: string;
  chosen: string | null;
  confidence: number;
  lowConfidence: boolean;
  candidates: Candidate[];
  /** Another concept already uses the chosen table (a host that keeps quotations as proposals). */
  sharedWith: TableConceptId | null;
  notes: string[];
  /** What was searched, for an honest "not found". */
  lookedAt: { tables: number; words: string[] };
  /**
   * Why the chosen table can be this concept at most "unsure", however well it scores: the kind of
   * record it is says it may not be what the portal means (a sales pipeline record for proposals,
   * a store of every record's files next to a client's own documents).
   */
  atMostUnsure: string | null;
}

/** Concepts of documents a client receives: a deal in the sales pipeline is none of them. */
const CLIENT_DOCUMENTS = new Set<TableConceptId>(['proposal', 'quotation', 'invoice']);

/** Why this table can be the concept at most "unsure" (see TableConceptResult.atMostUnsure). */
function ceilingOf(id: TableConceptId, profile: TableProfile, context: ScoringContext): string | null {
  if (QUOTE_CONCEPTS.has(id) && !bestWordMatch(profile.tokens, TABLE_WORDS[id])) {
    const orders = typedClientOrders(profile, context);
    if (orders) return orders;
  }
  if (CLIENT_DOCUMENTS.has(id)) return pipelineRecord(profile, context);
  if (id === 'document') return fileStoreBesideClientDocuments(profile, context);
  const spec = TABLE_CONCEPTS.find((c) => c.id === id);
  if (spec?.essential && !spec.essential.test(profile, context)) return `only its name says it: ${spec.essential.what}`;
  return spec?.ceiling?.(profile, context) ?? null;
}

// Concepts that may legitimately live in one table; any other reuse is penalised.
const MAY_SHARE: ReadonlyArray<[TableConceptId, TableConceptId]> = [['proposal', 'quotation']];

/**
 * One party table for companies and their people (Odoo's res_partner): it links to itself (a
 * person's company) and a column tells companies from persons. Companies and contacts may share it.
 */
export function isPartyTable(profile: TableProfile): boolean {
  const selfLink = profile.outgoing.some((l) => l.to === profile.qualified);
  const kindColumn = profile.table.columns.some((c) => {
    const words = tokenize(c.name);
    return (
      (c.category === 'B' && words.some((w) => ['company', 'individual', 'person', 'organization', 'organisation'].includes(w))) ||
      (words.includes('type') && words.some((w) => ['company', 'party', 'partner'].includes(w)))
    );
  });
  return selfLink && kindColumn;
}

/** Concepts an ERP may keep as a kind of sales order (typedClientOrders). */
const QUOTE_CONCEPTS = new Set<TableConceptId>(['proposal', 'quotation']);
/** What an order table's name says of quotations: they may be a kind of order. */
const ORDERS_NAME_SCORE = 0.5;

/** Concepts kept as kinds of row in a client's ledger (typedClientLedger), which may share it. */
const LEDGER_CONCEPTS = new Set<TableConceptId>(['invoice', 'payment']);
/** What a ledger's name says of its invoices or payments: they are among its rows, not all of them. */
const LEDGER_NAME_SCORE = 0.6;

/**
 * Concepts that may live in one table without either borrowing the other's when it has none: a
 * host whose comments are the messages of its tickets (Alga PSA's comments), or whose log of events
 * holds them, or its appointments, as rows of one kind.
 */
const MAY_SHARE_OWN: ReadonlyArray<[TableConceptId, TableConceptId]> = [
  ['comment', 'ticketMessage'],
  ['activityLog', 'ticketMessage'],
  // A shared agenda records what happened and the meetings planned, told apart by a kind column.
  ['activityLog', 'booking'],
  ['task', 'booking'],
  // An appointment asked for and then confirmed in the same row is both the request and the booking.
  ['appointmentRequest', 'booking'],
];

// A sale that is a quotation until the client confirms it, then an order, in one table (Tryton's
// sale_sale, state 'quotation' → 'confirmed'). Learned on Tryton: switched off when scored there.
const quotationBecomesOrder = learnedRule('tryton', (a: TableConceptId, b: TableConceptId): true | null => {
  const pair = new Set([a, b]);
  return pair.has('salesOrder') && (pair.has('quotation') || pair.has('proposal')) ? true : null;
});

function mayShare(a: TableConceptId, b: TableConceptId, profile: TableProfile | undefined, context?: ScoringContext): boolean {
  if ([...MAY_SHARE, ...MAY_SHARE_OWN].some(([x, y]) => (x === a && y === b) || (x === b && y === a))) return true;
  if (quotationBecomesOrder(a, b)) return true;
  const pair = new Set([a, b]);
  if (pair.has('company') && pair.has('contact') && profile !== undefined && isPartyTable(profile)) return true;
  return (
    [...pair].every((id) => LEDGER_CONCEPTS.has(id)) &&
    profile !== undefined &&
    context !== undefined &&
    typedClientLedger(profile, context) !== null
  );
}

export function recognizeTableConcepts(model: SchemaModel): Map<TableConceptId, TableConceptResult> {
  const chosen = new Map<TableConceptId, string>();
  const results = new Map<TableConceptId, TableConceptResult>();
  const context: ScoringContext = {
    chosen,
    tenantTable: model.tenant?.table ?? null,
    tenantColumn: model.tenant?.column ?? null,
    byName: model.byName,
    prefix: model.prefix,
    mostReferenced: Math.max(0, ...model.profiles.filter((p) => p.qualified !== model.tenant?.table).map(referencedBy)),
  };
  const candidatesOf = model.profiles.filter((p) => p.table.kind !== 'view' || p.table.columns.length > 0);

  for (const spec of TABLE_CONCEPTS) {
    const scored = candidatesOf
      .map((profile) => ({ profile, ...scoreTable(spec, profile, context) }))
      .filter((s) => s.score >= 0.15)
      // By the unclamped score: two tables at the ceiling are still told apart by their evidence.
      .sort((a, b) => b.raw - a.raw || compareText(a.profile.qualified, b.profile.qualified));

    const top = scored[0];
    const notes: string[] = [];
    let confidence = top?.score ?? 0;
    let pick: string | null = null;
    let sharedWith: TableConceptId | null = null;
    if (top && top.score >= MIN_CONFIDENCE) {
      pick = top.profile.qualified;
      const second = scored[1];
      if (second && top.score - second.score < 0.05) {
        confidence *= 0.9;
        notes.push(`close call with ${second.profile.qualified} (${round(second.score)})`);
      }
      for (const [other, table] of chosen) {
        if (table === pick) {
          sharedWith = other;
          const ledger = typedClientLedger(top.profile, context);
          if (isPartyTable(top.profile)) {
            notes.push(
              `the same table holds ${labelOf(other)}: companies and people are told apart by a column and linked through a parent link`,
            );
          } else if (ledger && mayShare(other, spec.id, top.profile, context)) {
            notes.push(`the same table holds ${labelOf(other)}: rows of several kinds told apart by ${ledger.kindColumn}`);
          } else if (MAY_SHARE_OWN.some(([x, y]) => (x === other && y === spec.id) || (x === spec.id && y === other))) {
            notes.push(`the same table holds ${labelOf(other)}`);
          } else {
            confidence *= 0.8;
            notes.push(`the same table was chosen for ${labelOf(other)}: the host does not keep them apart`);
          }
        }
      }
      const ledger = LEDGER_CONCEPTS.has(spec.id) ? typedClientLedger(top.profile, context) : null;
      if (ledger)
        notes.push(
          `rows of several kinds share this table, told apart by ${ledger.kindColumn}, whose codes the schema does not name: the adapter reads only the ${spec.id === 'invoice' ? 'invoices' : 'payments'}`,
        );
      chosen.set(spec.id, pick);
    }
    results.set(spec.id, {
      id: spec.id,
      label: spec.label,
      chosen: pick,
      confidence: round(pick ? confidence : (top?.score ?? 0)),
      lowConfidence: pick !== null && confidence < HIGH_CONFIDENCE,
      candidates: scored.slice(0, 5).map((s) => ({ table: s.profile.qualified, confidence: round(s.score), reasons: s.reasons })),
      sharedWith,
      notes,
      lookedAt: { tables: model.profiles.length, words: [...spec.words.keys()].slice(0, 12) },
      atMostUnsure: null,
    });
  }
  // A host that keeps proposals as quotations (or the reverse) has one table for both: the one
  // missing borrows its partner's table, as a low-confidence pick.
  for (const [a, b] of MAY_SHARE) {
    for (const [missing, partner] of [
      [a, b],
      [b, a],
    ] as const) {
      const result = results.get(missing);
      const table = chosen.get(partner);
      if (!result || result.chosen || !table) continue;
      const own = result.candidates.find((c) => c.table === table)?.confidence ?? 0;
      result.chosen = table;
      result.sharedWith = partner;
      result.confidence = round(Math.max(MIN_CONFIDENCE, own));
      result.lowConfidence = true;
      result.notes.push(`no table of its own: the host keeps these as ${labelOf(partner)}, in the same table`);
      chosen.set(missing, table);
    }
  }
  for (const result of results.values()) {
    const profile = result.chosen ? model.byName.get(result.chosen) : undefined;
    if (profile) result.atMostUnsure = ceilingOf(result.id, profile, context);
  }
  return results;
}

function labelOf(id: TableConceptId): string {
  return TABLE_CONCEPTS.find((c) => c.id === id)?.label.toLowerCase() ?? id;
}

function scoreTable(
  spec: TableConceptSpec,
  profile: TableProfile,
  context: ScoringContext,
): { score: number; raw: number; reasons: string[] } {
  const reasons: string[] = [];
  const penalties: Array<{ factor: number; reason: string }> = [];

  // 1. Name.
  const match = bestWordMatch(profile.tokens, spec.words);
  let nameScore = match?.weight ?? 0;
  const described = commentWord(profile, spec);
  if (described && described.score > nameScore) {
    nameScore = described.score;
    reasons.push(described.reason);
    // Only a comment says it: the name's own words still say what else the table is (a kind of line).
    // Learned on Tryton (7877a257).
    if (!match && learnedApplies('tryton')) {
      for (const modifier of NAME_MODIFIERS) {
        if (spec.allowModifiers?.includes(modifier.kind)) continue;
        const word = profile.tokens.find((w) => modifier.words.has(w) && !spec.words.has(w));
        if (word) penalties.push({ factor: modifier.factor, reason: `name suggests ${modifier.kind} ("${word}")` });
      }
    }
  }
  // A pair of words that together say the concept (a request and a definition of one).
  const named = spec.nameEvidence?.(profile);
  if (named && named.score > nameScore) {
    nameScore = named.score;
    reasons.push(named.reason);
    // The other words of the name still say what else the table is (versions of a definition).
    if (!match) {
      for (const modifier of NAME_MODIFIERS) {
        if (spec.allowModifiers?.includes(modifier.kind)) continue;
        const word = profile.tokens.find((w) => modifier.words.has(w) && !named.words.includes(w) && !spec.words.has(w));
        if (word) penalties.push({ factor: modifier.factor, reason: `name suggests ${modifier.kind} ("${word}")` });
      }
    }
  }
  // The table the schema's tenant column points at is the workspace, whatever it is called (a
  // company table named by a company column on the agency's own records).
  // Learned on Tryton (7877a257).
  if (spec.id === 'workspace' && context.tenantTable === profile.qualified && nameScore < 0.8 && learnedApplies('tryton')) {
    nameScore = 0.8;
    reasons.push(`the tenant column ${context.tenantColumn ?? ''} names it on the schema's records`);
  }
  // Invoices and payments as kinds of row in the client's ledger: named for neither, but holding both.
  const ledger = LEDGER_CONCEPTS.has(spec.id) ? typedClientLedger(profile, context) : null;
  if (ledger && nameScore < LEDGER_NAME_SCORE && (spec.id !== 'invoice' || hasRole(profile.roles, 'dueDate'))) {
    nameScore = LEDGER_NAME_SCORE;
    reasons.push(`${ledger.reason}: ${spec.id === 'invoice' ? 'invoices' : 'payments'} among its rows`);
  }
  const orders = QUOTE_CONCEPTS.has(spec.id) && nameScore < ORDERS_NAME_SCORE ? typedClientOrders(profile, context) : null;
  if (orders) {
    nameScore = ORDERS_NAME_SCORE;
    reasons.push(orders);
  }
  if (match) {
    reasons.push(match.kind === 'exact' ? `name word "${match.word}"` : `name contains "${match.word}" (in "${match.token}")`);
    const otherWords = profile.tokens.filter((_, i) => i !== match.position);
    if (match.rest) otherWords.push(match.rest);
    for (const modifier of NAME_MODIFIERS) {
      if (spec.allowModifiers?.includes(modifier.kind)) continue;
      const word = otherWords.find((w) => modifier.words.has(w) && !spec.words.has(w));
      if (word) penalties.push({ factor: modifier.factor, reason: `name suggests ${modifier.kind} ("${word}")` });
    }
    // English compounds put the head noun last: invoice_payments are payments.
    // A word the pair of name words used is part of what the name says (survey + response).
    const later = profile.tokens.slice(match.position + 1).filter((w) => !named?.words.includes(w));
    for (const [otherId, otherWordsMap] of Object.entries(TABLE_WORDS) as Array<[TableConceptId, ReadonlyMap<string, number>]>) {
      if (otherId === spec.id || mayShare(spec.id, otherId, undefined)) continue;
      const word = later.find((w) => (otherWordsMap.get(w) ?? 0) >= 0.8 && !spec.words.has(w));
      if (word) {
        penalties.push({ factor: 0.6, reason: `name is mainly about ${labelOf(otherId)} ("${word}")` });
        break;
      }
    }
  }

  // 2. Column signature.
  let columnScore = 0;
  for (const expectation of spec.columns) {
    const columns = (expectation.roles ?? []).flatMap((role) => profile.roles.get(role) ?? []);
    if (columns.length > 0) {
      columnScore += expectation.weight;
      reasons.push(
        `${expectation.reason}: ${unique(columns.map((c) => c.name))
          .slice(0, 3)
          .join(', ')}`,
      );
      continue;
    }
    const viaTest = expectation.test?.(profile, context);
    if (viaTest) {
      columnScore += expectation.weight;
      reasons.push(viaTest);
    }
  }

  // 3. Links.
  let graphScore = 0;
  const hasGraph = spec.links.length > 0 || spec.graph !== undefined;
  for (const expectation of spec.links) {
    const targets = expectation.to.map((id) => context.chosen.get(id)).filter((t): t is string => Boolean(t));
    const direct = profile.outgoing.find((l) => targets.includes(l.to));
    if (direct) {
      graphScore += expectation.weight * (direct.declared ? 1 : 0.9);
      reasons.push(
        `${expectation.reason} (${direct.columns.join(', ')} → ${direct.to}${direct.declared ? '' : ', implied by the column name'})`,
      );
      continue;
    }
    // Payments among the rows of the client's ledger that holds the invoices: allocated to them
    // within the one table.
    if (spec.id === 'payment' && ledger && targets.includes(profile.qualified)) {
      graphScore += expectation.weight * 0.6;
      reasons.push(`${expectation.reason}: the invoices are other rows of the same ledger`);
      continue;
    }
    const bridge = linkTableBetween(profile, targets, context);
    if (bridge) {
      graphScore += expectation.weight * 0.8;
      reasons.push(`${expectation.reason} through ${bridge}`);
      continue;
    }
    // Learned on Alga PSA's project_tasks (07b4c080).
    const path = targets.length > 0 && learnedApplies('alga-psa') ? parentPathTo(profile, targets, context) : null;
    if (path) {
      graphScore += expectation.weight * 0.6;
      reasons.push(`${expectation.reason} through its parent records (${path})`);
      continue;
    }
    const pivot = polymorphicPivot(profile, context);
    if (pivot) {
      graphScore += expectation.weight * 0.7;
      reasons.push(`${expectation.reason} through ${pivot}, a pivot naming any record`);
      continue;
    }
    const pair = spec.polymorphicCountsAsLink ? profile.polymorphic[0] : undefined;
    if (pair) {
      graphScore += expectation.weight * 0.8;
      reasons.push(`points at any record through ${pair.typeColumn}/${pair.idColumn}`);
      continue;
    }
    const reference = spec.polymorphicCountsAsLink ? recordReference(profile) : null;
    if (reference) {
      graphScore += expectation.weight * 0.7;
      reasons.push(`points at any record through ${reference} (one column naming the record)`);
    }
  }
  const extra = spec.graph?.(profile, context);
  if (extra) {
    graphScore = Math.max(graphScore, extra.score);
    reasons.push(extra.reason);
  }

  // 4. Shape, neighbourhood and reuse.
  const machinery = machineryWord(profile, context, spec);
  if (machinery) penalties.push({ factor: 0.5, reason: machinery });
  if (spec.id === 'activityLog') {
    const feature = profile.tokens.find((t) => !GENERAL_LOG_WORDS.has(t) && !spec.words.has(t) && t !== context.prefix);
    // Named after one feature: a log of that feature, even where its rows may point at other
    // records (ticket_audit_logs); less so than a log with no subject of its own.
    // The milder penalty for a feature's log about any record was learned on Alga PSA (74e98655).
    if (feature && profile.polymorphic.length === 0)
      penalties.push({ factor: 0.5, reason: `a log of one feature ("${feature}"), not of any record` });
    else if (feature && learnedApplies('alga-psa')) penalties.push({ factor: 0.8, reason: `named after one feature ("${feature}")` });
  }
  // Who did what: a log names who acted, or says what was done (an action, a description). Rows of
  // amounts that name neither are entries of a ledger (a general-ledger journal), not a log.
  // Learned on FrontAccounting's general-ledger journal (d608e798).
  if (spec.id === 'activityLog' && learnedApplies('frontaccounting')) {
    const says = (['actor', 'eventName', 'body'] as const).some((role) => hasRole(profile.roles, role));
    if (!says) penalties.push({ factor: 0.5, reason: 'names no one who acted and no action' });
    if (hasRole(profile.roles, 'amount'))
      penalties.push({ factor: 0.6, reason: 'carries amounts: entries of a ledger, not a log of what was done' });
  }
  // Who did what to which record: a log that names no record it is about (no pair, no record
  // reference, no key per kind of record) records events of the system, not what was done to records.
  // Learned on Invoice Ninja's system_logs (2d5a7cfb).
  if (spec.id === 'activityLog' && learnedApplies('invoiceninja') && !logSubject(profile, context) && !recordReference(profile))
    penalties.push({ factor: 0.8, reason: 'names no record its rows are about' });
  const tenantItself = spec.id === 'workspace' && context.tenantTable === profile.qualified;
  // The tenant is the agency using the CRM (its own company, where a company column names it):
  // never the client, whatever its name says.
  // Learned on Tryton's company_company (7877a257), as are the next two.
  if ((spec.id === 'company' || spec.id === 'contact') && context.tenantTable === profile.qualified && learnedApplies('tryton'))
    penalties.push({ factor: 0.3, reason: "the tenant table: the agency's own company, not a client" });
  // A comment is written on something; messages attached to no record are the UI's own strings,
  // templates or notifications.
  if (spec.id === 'comment' && learnedApplies('tryton') && !attachedToRecord(profile, context))
    penalties.push({ factor: 0.5, reason: 'attached to no record (UI messages, templates or notifications, not comments)' });
  // A table named for tickets holds a support ticket's conversation, not comments on proposals,
  // quotations and invoices; a comments table that tickets use too (Alga's comments) is named for
  // comments and stays one.
  if (spec.id === 'comment' && profile.tokens.some((token) => token === 'ticket' || token === 'tickets'))
    penalties.push({ factor: 0.2, reason: 'named for support tickets: a ticket conversation, not comments on records' });
  // Activities with a due date or a done flag are to-dos to schedule, not a record of what happened.
  if (
    spec.id === 'activityLog' &&
    learnedApplies('tryton') &&
    (profile.roles.get('dueDate')?.length ?? 0) + (profile.roles.get('done')?.length ?? 0) > 0
  )
    penalties.push({ factor: 0.5, reason: 'schedules to-dos (a due date or done flag): planned activities, not a log' });
  // A ticket's messages hang off the ticket; messages of other records are comments.
  if (spec.id === 'ticketMessage') {
    const ticket = context.chosen.get('ticket');
    if (!ticket || !profile.outgoing.some((l) => l.to === ticket))
      penalties.push({ factor: 0.5, reason: 'not tied to a ticket by a key of its own' });
  }
  if (spec.mustLink && !spec.mustLink.test(profile, context))
    penalties.push({ factor: spec.mustLink.factor, reason: spec.mustLink.reason });
  const own = spec.penalty?.(profile, context);
  if (own) penalties.push(own);
  if (CLIENT_DOCUMENTS.has(spec.id)) {
    const pipeline = pipelineRecord(profile, context);
    if (pipeline) penalties.push({ factor: 0.8, reason: pipeline });
  }
  if (spec.id === 'document') {
    const store = fileStoreBesideClientDocuments(profile, context);
    if (store) penalties.push({ factor: 0.8, reason: store });
  }
  // A table with the columns that make the concept is that record, however many keys it carries
  // or however few links it has (a catalogue entry, a template, an article).
  const made = spec.essential?.test(profile, context) ?? null;
  if (spec.lookupPenalty && profile.lookupShaped && !made)
    penalties.push({ factor: 0.4, reason: 'looks like a dictionary (code/label) table' });
  // A view usually re-presents a table; prefer the table it reads from.
  if (profile.table.kind === 'view' || profile.table.kind === 'materialized view')
    penalties.push({ factor: 0.85, reason: `a ${profile.table.kind}, not a table` });
  if (profile.linkShaped && spec.id !== 'workspace' && !made)
    penalties.push({ factor: 0.5, reason: 'looks like a link table between two others' });
  if (spec.genericSignature && nameScore === 0 && !tenantItself)
    penalties.push({ factor: 0.7, reason: 'no name match; columns alone are not specific' });
  for (const [other, table] of context.chosen) {
    if (table === profile.qualified && !mayShare(other, spec.id, profile, context))
      penalties.push({ factor: 0.3, reason: `already chosen for ${labelOf(other)}` });
  }

  // English compounds put the head noun last: client_locations are locations of a client, and
  // comment_threads threads of comments. A head word that is not this concept's is a satellite.
  // Learned on Alga PSA's client_locations and comment_threads (74e98655).
  if (match && match.kind === 'exact' && spec.id !== 'activityLog' && learnedApplies('alga-psa')) {
    const head = profile.tokens[profile.tokens.length - 1];
    if (
      head &&
      match.position < profile.tokens.length - 1 &&
      !spec.words.has(head) &&
      !GENERAL_LOG_WORDS.has(head) &&
      !named?.words.includes(head) &&
      !spec.headWords?.has(head)
    ) {
      penalties.push({ factor: 0.9, reason: `the name is about its last word ("${head}")` });
    }
  }

  const base = hasGraph ? 0.5 * nameScore + 0.3 * columnScore + 0.2 * graphScore : 0.55 * nameScore + 0.45 * columnScore;
  let factor = penalties.reduce((f, p) => Math.min(f, p.factor), 1) * (penalties.length > 1 ? 0.9 : 1);
  // Learned on Alga PSA's clients, which 39 tables reference (74e98655, 990b0622).
  if (spec.central && (context.mostReferenced ?? 0) > 0 && learnedApplies('alga-psa')) {
    // Centrality, against the schema's most referenced table (up to sixteen references): 0.8 for
    // a table nothing points at, 1 for one referenced like the schema's hubs. A schema that
    // declares no links (and implies none) leaves every table at 1.
    const refs = referencedBy(profile);
    const ceiling = Math.log2(1 + Math.min(16, context.mostReferenced ?? 0));
    factor *= 0.8 + 0.2 * Math.min(1, Math.log2(1 + refs) / ceiling);
  }
  for (const p of penalties) reasons.push(`penalty: ${p.reason}`);
  return { score: Math.max(0, Math.min(1, base * factor)), raw: base * factor, reasons };
}

/**
 * The schema's own words for a table: its comment, and the comments of columns that list its
 * states or kinds ("draft: Quotation, sent: Quotation Sent"). Weaker than the name.
 */
function commentWord(profile: TableProfile, spec: TableConceptSpec): { score: number; reason: string } | null {
  const texts: Array<[string, string]> = [];
  if (profile.table.comment) texts.push(['the table comment', profile.table.comment]);
  for (const column of profile.table.columns) {
    if (!column.comment) continue;
    const words = tokenize(column.name);
    if (words.some((w) => ['status', 'state', 'statut', 'type', 'kind', 'stage'].includes(w)))
      texts.push([`the comment on ${column.name}`, column.comment]);
  }
  let best: { score: number; reason: string } | null = null;
  for (const [where, text] of texts) {
    const match = bestWordMatch(tokenize(text), spec.words);
    if (match && match.kind === 'exact' && (!best || match.weight * 0.6 > best.score))
      best = { score: match.weight * 0.6, reason: `${where} says "${match.word}"` };
  }
  return best;
}

/** An integration, pipeline or telemetry table, or one hanging off such a table. */
function machineryWord(profile: TableProfile, context: ScoringContext, spec: TableConceptSpec): string | null {
  // A word the concept itself is named by (the usage of a contract) is not machinery for it.
  const own = profile.tokens.find((t) => MACHINERY_WORDS.has(t) && !spec.words.has(t));
  if (own) return `part of an integration or pipeline ("${own}")`;
  // A table many others point at is a core record, whatever optional settings it refers to
  // (clients.inbound_ticket_defaults_id); only a row that cannot exist without its integration
  // (a NOT NULL link to it) hangs off one.
  // Learned on Alga PSA's clients.inbound_ticket_defaults_id (74e98655).
  const coreRecords = learnedApplies('alga-psa');
  if (coreRecords && referencedBy(profile) >= CORE_RECORD_REFERENCES) return null;
  for (const link of profile.outgoing) {
    if (link.to === context.tenantTable || link.to === profile.qualified) continue;
    const own = link.columns.filter((c) => c !== context.tenantColumn);
    if (coreRecords && own.some((c) => profile.table.columns.find((col) => col.name === c)?.nullable !== false)) continue;
    const parent = context.byName.get(link.to);
    const word = parent?.tokens.find((t) => MACHINERY_WORDS.has(t) && !spec.words.has(t));
    if (word) return `hangs off an integration or pipeline (${link.columns.join(', ')} → ${link.to}, "${word}")`;
  }
  return null;
}

/**
 * A store of the files of every kind of record (parent_type/parent_id, a record reference), with
 * nothing that shows them to clients (no visibility flag, share link or link to a client), while
 * another table is a client's own documents: named for documents or files and tied to the client
 * directly or through a link table (document → account_document → account). The store holds
 * avatars, imports and mail attachments as much as anything a client sees; the tied table is what
 * a person who knows the CRM calls its documents.
 */
const SHOWN_TO_CLIENTS: ColumnRole[] = ['visibility', 'portalFlag', 'shareToken'];

// Learned on EspoCRM's attachment beside document → account_document (24e29682).
const fileStoreBesideClientDocuments = learnedRule('espocrm', fileStoreBeside);

function fileStoreBeside(profile: TableProfile, context: ScoringContext): string | null {
  if (profile.polymorphic.length === 0 && !recordReference(profile)) return null;
  if (SHOWN_TO_CLIENTS.some((role) => hasRole(profile.roles, role))) return null;
  const clients = (['company', 'contact'] as const).map((id) => context.chosen.get(id)).filter((t): t is string => Boolean(t));
  if (clients.length === 0 || profile.outgoing.some((l) => clients.includes(l.to))) return null;
  const rival = clientDocumentTable(profile, clients, context);
  if (!rival) return null;
  const pair = profile.polymorphic[0];
  const how = pair ? `${pair.typeColumn}/${pair.idColumn}` : (recordReference(profile) ?? '');
  return `holds the files of any record (${how}) with nothing showing them to clients, while ${rival} is tied to the clients`;
}

function clientDocumentTable(store: TableProfile, clients: string[], context: ScoringContext): string | null {
  for (const candidate of context.byName.values()) {
    if (candidate === store || candidate.linkShaped || candidate.lookupShaped) continue;
    const match = bestWordMatch(candidate.tokens, TABLE_WORDS.document);
    if (match?.kind !== 'exact' || match.weight < 0.9) continue;
    // The name is about documents (its last word), not a document's folder or category.
    if (match.position !== candidate.tokens.length - 1) continue;
    const direct = candidate.outgoing.find((l) => clients.includes(l.to));
    const bridge = direct ? null : linkTableBetween(candidate, clients, context);
    if (direct) return `${candidate.qualified} (${direct.columns.join(', ')} → ${direct.to})`;
    if (bridge) return `${candidate.qualified} (through ${bridge})`;
  }
  return null;
}

/** Linked to a record other than its tenant, its author or itself, or to any record by a polymorphic pair or reference. */
function attachedToRecord(profile: TableProfile, context: ScoringContext): boolean {
  if (profile.polymorphic.length > 0 || recordReference(profile)) return true;
  const staff = context.chosen.get('staffUser');
  return profile.outgoing.some((l) => l.to !== context.tenantTable && l.to !== profile.qualified && l.to !== staff);
}

/**
 * A polymorphic pivot pointing here: a table named after its own pair (paymentables with
 * paymentable_type/paymentable_id, taggables with taggable_type/taggable_id) and a key to this
 * table. Each of its rows ties one row here to a record of the kind it names, so this table links to
 * those records (a payment applied to invoices and credits) even with no key of its own to them.
 */
// Learned on Invoice Ninja (2d5a7cfb, paymentables): switched off when the audit is scored there.
const polymorphicPivot = learnedRule('invoiceninja', anyRecordPivot);

function anyRecordPivot(profile: TableProfile, context: ScoringContext): string | null {
  for (const link of profile.incoming) {
    const pivot = context.byName.get(link.from);
    if (!pivot || pivot === profile) continue;
    const name = pivot.tokens.join('_');
    const pair = pivot.polymorphic.find((p) => {
      const stem = tokenize(p.typeColumn).slice(0, -1).join('_');
      return stem.length > 0 && (name === `${stem}s` || name === stem);
    });
    if (pair) return `${pivot.qualified} (${link.columns.join(', ')}; ${pair.typeColumn}/${pair.idColumn})`;
  }
  return null;
}

/** How many other tables point at this one. */
function referencedBy(profile: TableProfile): number {
  return new Set(profile.incoming.map((l) => l.from).filter((from) => from !== profile.qualified)).size;
}

const CORE_RECORD_REFERENCES = 5;

function linkTableBetween(profile: TableProfile, targets: string[], context: ScoringContext): string | null {
  for (const link of profile.incoming) {
    const bridge = context.byName.get(link.from);
    if (!bridge?.linkShaped) continue;
    if (bridge.outgoing.some((l) => targets.includes(l.to))) return bridge.qualified;
  }
  return null;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
