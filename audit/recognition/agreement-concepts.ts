// What a client already has with the agency, as host concepts: orders and their lines, shipments,
// contracts and their lines, the allowance used per period, the time worked, the devices the agency
// looks after, and the versions of a document. As with the newer sections (section-concepts.ts), a
// name says little ("order" is also a sort order, "usage" a metric, "asset" a fixed asset on the
// books): each concept names the columns or links that make it, and a table without them is at most
// "unsure" (`essential`). A line hangs off its parent by a key of its own; a device is the client's
// only where a key ties it to the client.
import type { CatalogColumn } from '../catalog/types.ts';
import { hasRole } from './column-roles.ts';
import type { ScoringContext, TableConceptSpec } from './concept-spec.ts';
import { learnedApplies, weightOf } from './learned.ts';
import { tokenize } from './names.ts';
import type { TableProfile } from './schema-model.ts';
import { NAME_MODIFIERS, TABLE_WORDS, type TableConceptId } from './vocabulary.ts';

type Test = (profile: TableProfile, context: ScoringContext) => string | null;

const anyWord =
  (...wanted: string[]) =>
  (words: string[]): boolean =>
    words.some((w) => wanted.includes(w));

function columnWhere(profile: TableProfile, test: (words: string[], column: CatalogColumn) => boolean): CatalogColumn | undefined {
  return profile.table.columns.find((c) => test(tokenize(c.name), c));
}

const isKey = (words: string[]): boolean => words.includes('id') || words.includes('fk');
const temporal = (c: CatalogColumn): boolean => c.category === 'D';
const numeric = (c: CatalogColumn): boolean => c.category === 'N';

const LINE_WORDS = NAME_MODIFIERS.find((m) => m.kind === 'line items')?.words ?? new Set<string>();
const VERSION_WORDS = new Set(['version', 'revision', 'draft', 'proof', 'fassung', 'entwurf', 'epreuve']);

/**
 * The chosen tables of these concepts, and the record a chosen assignment stands for: where the
 * chosen contract is the client's assignment of a contract (client_contracts.contract_id →
 * contracts), the contract it assigns is named for the same concept and its lines hang off that.
 */
function parentsOf(context: ScoringContext, ids: TableConceptId[]): string[] {
  const found: string[] = [];
  for (const id of ids) {
    const chosen = context.chosen.get(id);
    if (!chosen) continue;
    found.push(chosen);
    // The record an assignment stands for: learned on Alga PSA's client_contracts (401cfd46).
    if (!learnedApplies('alga-psa')) continue;
    const words = TABLE_WORDS[id];
    for (const link of context.byName.get(chosen)?.outgoing ?? []) {
      const target = context.byName.get(link.to);
      if (!target || link.to === context.tenantTable || link.to === chosen) continue;
      if (target.tokens.length === 1 && (weightOf(words, target.tokens[0] ?? '') ?? 0) >= 0.8) found.push(link.to);
    }
  }
  return found;
}

/** Whether a table points at another concept's chosen table (or the record it assigns) by a key of its own. */
function linkTo(profile: TableProfile, context: ScoringContext, ids: TableConceptId[]): string | null {
  const targets = parentsOf(context, ids);
  const link = profile.outgoing.find((l) => targets.includes(l.to) && l.to !== profile.qualified);
  return link ? `${link.columns.join(', ')} → ${link.to}` : null;
}

/** A name word of a concept, alone or glued to a line word (commandedet, contratdet): which one, and the line word. */
function lineOfName(profile: TableProfile, parent: ReadonlyMap<string, number>): { words: string[]; reason: string } | null {
  const parentWord = profile.tokens.find((t) => (weightOf(parent, t) ?? 0) >= 0.6);
  const lineWord = profile.tokens.find((t) => LINE_WORDS.has(t));
  if (parentWord && lineWord) return { words: [parentWord, lineWord], reason: `"${parentWord}" and "${lineWord}"` };
  // A line word glued to the name: learned on Dolibarr's commandedet and contratdet (401cfd46).
  if (!learnedApplies('dolibarr')) return null;
  for (const token of profile.tokens) {
    for (const word of parent.keys()) {
      if ((weightOf(parent, word) ?? 0) < 0.6 || !token.startsWith(word)) continue;
      const rest = token.slice(word.length);
      if (LINE_WORDS.has(rest)) return { words: [token], reason: `"${word}" glued to "${rest}"` };
    }
  }
  return null;
}

function lineName(parent: ReadonlyMap<string, number>, what: string) {
  return (profile: TableProfile): { score: number; reason: string; words: string[] } | null => {
    const found = lineOfName(profile, parent);
    return found ? { score: 1, reason: `named for ${what} (${found.reason})`, words: found.words } : null;
  };
}

// ---------------------------------------------------------------------------------------------
// Column shapes.

const quantity: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => numeric(col) && !isKey(w) && anyWord('qty', 'quantity', 'menge', 'quantite', 'cantidad')(w));
  return c ? `has a quantity: ${c.name}` : null;
};

const productLink: Test = (profile) => {
  const c = columnWhere(profile, (w) => isKey(w) && anyWord('product', 'service', 'item', 'article', 'produit', 'artikel')(w));
  return c ? `names what was ordered: ${c.name}` : null;
};

/** How it travels: a tracking number, a carrier or a shipping method. */
const carriage: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) =>
      (col.category === 'S' || (isKey(w) && col.category === 'N')) &&
      anyWord('tracking', 'carrier', 'shipping', 'shipper', 'courier', 'sendungsnummer', 'transporteur')(w),
  );
  return c ? `says how it travels (tracking, carrier or method): ${c.name}` : null;
};

const deliveryDate: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => temporal(col) && anyWord('delivery', 'ship', 'shipped', 'expedition', 'livraison', 'lieferung', 'dispatch')(w),
  );
  return c ? `has a delivery or shipping date: ${c.name}` : null;
};

const START_WORDS = ['start', 'begin', 'from', 'debut', 'ouverture', 'beginn', 'effective', 'valid'];
const END_WORDS = ['end', 'until', 'fin', 'ende', 'expiry', 'expire', 'validite', 'cloture', 'renewal', 'stop'];

/** A period the agreement runs for: a start and an end (or a validity). */
const term: Test = (profile) => {
  const dates = profile.table.columns.filter(temporal);
  const start = dates.find((c) => anyWord(...START_WORDS)(tokenize(c.name)));
  const end = dates.find((c) => c !== start && anyWord(...END_WORDS)(tokenize(c.name)));
  if (start && end) return `runs for a period: ${start.name}, ${end.name}`;
  return end ? `has an end or a validity: ${end.name}` : null;
};

/** A period of usage: a start and an end of the period. */
const period: Test = (profile) => {
  const dates = profile.table.columns.filter(temporal);
  const start = dates.find((c) => anyWord('start', 'from', 'begin', 'debut')(tokenize(c.name)));
  const end = dates.find((c) => c !== start && anyWord('end', 'to', 'until', 'fin')(tokenize(c.name)));
  return start && end ? `covers a period: ${start.name}, ${end.name}` : null;
};

/** How much was used: minutes, hours or units consumed. */
const used: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => numeric(col) && !isKey(w) && anyWord('used', 'consumed', 'usage', 'verbraucht', 'consomme', 'drawdown')(w),
  );
  return c ? `records how much was used: ${c.name}` : null;
};

const remaining: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => numeric(col) && !isKey(w) && anyWord('overage', 'remaining', 'rolled', 'balance', 'left', 'rest')(w),
  );
  return c ? `records what is over or left: ${c.name}` : null;
};

const DURATION_WORDS = ['duration', 'duree', 'dauer', 'minute', 'minutes', 'hour', 'hours', 'stunden'];

/**
 * Time worked: a duration (minutes, hours, duree), by its name or, for a column named only for
 * what it counts (amount, quantity), by its comment: "Hours the work used" says what the name
 * does not.
 */
const workDuration: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) =>
      numeric(col) &&
      !isKey(w) &&
      (anyWord(...DURATION_WORDS, 'billable', 'spent', 'worked')(w) ||
        (col.comment !== null && anyWord(...DURATION_WORDS)(tokenize(col.comment)))) &&
      !anyWord('max', 'min', 'threshold', 'default', 'round', 'rate')(w),
  );
  return c ? `records time worked: ${c.name}${anyWord(...DURATION_WORDS)(tokenize(c.name)) ? '' : ` (its comment: "${c.comment}")`}` : null;
};

const workSpan: Test = (profile) => {
  const dates = profile.table.columns.filter(temporal);
  const start = dates.find((c) => anyWord('start', 'begin', 'from', 'debut')(tokenize(c.name)));
  const end = dates.find((c) => c !== start && anyWord('end', 'until', 'stop', 'fin')(tokenize(c.name)));
  return start && end ? `records when the work started and ended: ${start.name}, ${end.name}` : null;
};

const worked: Test = (profile, context) => workDuration(profile, context) ?? workSpan(profile, context);

const workDate: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => temporal(col) && (anyWord('work', 'date', 'datei', 'day')(w) || col.name === 'date'));
  return c ? `has the day the work was done: ${c.name}` : null;
};

const identification: Test = (profile) => {
  const c = columnWhere(
    profile,
    (w, col) => col.category === 'S' && anyWord('serial', 'tag', 'imei', 'mac', 'hostname', 'seriennummer', 'inventory')(w),
  );
  return c ? `identifies a device (serial number, tag): ${c.name}` : null;
};

const kind: Test = (profile) => {
  const c = columnWhere(profile, (w) => anyWord('type', 'kind', 'model', 'category', 'typ')(w));
  return c ? `has a type or model: ${c.name}` : null;
};

const lifetime: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => temporal(col) && anyWord('warranty', 'purchase', 'installed', 'acquisition', 'garantie')(w));
  return c ? `has a purchase or warranty date: ${c.name}` : null;
};

const versionNumber: Test = (profile) => {
  const c = columnWhere(profile, (w, col) => numeric(col) && !isKey(w) && anyWord('version', 'revision', 'rev')(w));
  return c ? `numbers its versions: ${c.name}` : null;
};

const fileOf: Test = (profile) => {
  const role = (['fileName', 'fileContent', 'mimeType', 'fileSize'] as const).find((r) => hasRole(profile.roles, r));
  if (role) return `keeps a file: ${(profile.roles.get(role) ?? [])[0]?.name}`;
  const c = columnWhere(profile, (w) => anyWord('file', 'path', 'storage', 'blob', 'content')(w));
  return c ? `keeps a file: ${c.name}` : null;
};

// ---------------------------------------------------------------------------------------------
// What must be true of a pick.

const toClient: Test = (profile, context) => {
  const link = linkTo(profile, context, ['company', 'contact']);
  return link ? `tied to the client (${link})` : null;
};

function hangsOff(id: TableConceptId, what: string): Test {
  return (profile, context) => {
    const link = linkTo(profile, context, [id]);
    return link ? `hangs off ${what} (${link})` : null;
  };
}

/** A delivery reaches the client directly or through the order it delivers (the order is the client's). */
const toClientOrOrder: Test = (profile, context) => toClient(profile, context) ?? hangsOff('salesOrder', 'an order')(profile, context);

/** A line or a count hangs off its parent: scored as the link, and penalised without it. */
function parent(id: TableConceptId, what: string): Pick<TableConceptSpec, 'graph' | 'mustLink'> {
  const test = hangsOff(id, what);
  return {
    graph: (profile, context) => {
      const found = test(profile, context);
      return found ? { score: 1, reason: found } : null;
    },
    mustLink: {
      factor: 0.6,
      reason: `not tied to ${what} by a key of its own`,
      test: (profile, context) => test(profile, context) !== null,
    },
  };
}

const both =
  (...tests: Test[]): Test =>
  (profile, context) => {
    const found = tests.map((t) => t(profile, context));
    return found.every(Boolean) ? found.join('; ') : null;
  };

const CLIENT_SIDE: TableConceptId[] = ['company', 'contact'];
const DOCUMENT_WORDS = TABLE_WORDS.document;

export const AGREEMENT_CONCEPTS: TableConceptSpec[] = [
  {
    id: 'salesOrder',
    label: 'Client orders',
    words: TABLE_WORDS.salesOrder,
    columns: [
      { weight: 0.2, reason: 'has a number', roles: ['number'] },
      { weight: 0.25, reason: 'has amounts', roles: ['amount'] },
      { weight: 0.2, reason: 'has a status', roles: ['status'] },
      { weight: 0.15, reason: 'has a delivery date', test: deliveryDate },
      { weight: 0.2, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [
      { to: CLIENT_SIDE, weight: 0.8, reason: 'ordered by the client' },
      { to: ['quotation', 'proposal'], weight: 0.2, reason: 'follows a quote' },
    ],
    essential: { test: toClient, what: 'no key ties an order to a client' },
    lookupPenalty: true,
    central: true,
  },
  {
    id: 'orderLine',
    label: 'Order lines',
    words: TABLE_WORDS.orderLine,
    nameEvidence: lineName(TABLE_WORDS.salesOrder, 'the lines of an order'),
    columns: [
      { weight: 0.35, reason: 'has a quantity', test: quantity },
      { weight: 0.25, reason: 'has a price or amount', roles: ['amount'] },
      { weight: 0.25, reason: 'names what was ordered', test: productLink },
      { weight: 0.15, reason: 'has a label or description', roles: ['label', 'body', 'title'] },
    ],
    links: [],
    ...parent('salesOrder', 'an order'),
    essential: { test: hangsOff('salesOrder', 'an order'), what: 'no key ties a line to an order' },
    allowModifiers: ['line items'],
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'shipment',
    label: 'Shipments (deliveries)',
    words: TABLE_WORDS.shipment,
    columns: [
      { weight: 0.4, reason: 'says how it travels', test: carriage },
      { weight: 0.2, reason: 'has a delivery date', test: deliveryDate },
      { weight: 0.15, reason: 'has a number', roles: ['number'] },
      { weight: 0.15, reason: 'has a status', roles: ['status'] },
      { weight: 0.1, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [{ to: ['salesOrder', ...CLIENT_SIDE], weight: 1, reason: 'delivers to the client' }],
    essential: { test: both(carriage, toClientOrOrder), what: 'nothing says how it travels (tracking, carrier) to a client' },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'contract',
    label: 'Client contracts',
    words: TABLE_WORDS.contract,
    columns: [
      { weight: 0.35, reason: 'runs for a period', test: term },
      { weight: 0.15, reason: 'has a number or name', roles: ['number', 'name', 'title', 'label'] },
      { weight: 0.2, reason: 'has a status', roles: ['status', 'done'] },
      { weight: 0.15, reason: 'has amounts', roles: ['amount'] },
      { weight: 0.15, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [{ to: CLIENT_SIDE, weight: 1, reason: "the client's agreement" }],
    essential: { test: both(term, toClient), what: 'no period and client make it an agreement with a client' },
    lookupPenalty: true,
  },
  {
    id: 'contractLine',
    label: 'Contract lines (what a contract includes)',
    words: TABLE_WORDS.contractLine,
    nameEvidence: lineName(TABLE_WORDS.contract, 'the lines of a contract'),
    columns: [
      { weight: 0.25, reason: 'names the service', test: productLink },
      { weight: 0.2, reason: 'has a quantity', test: quantity },
      { weight: 0.2, reason: 'runs for a period', test: term },
      { weight: 0.2, reason: 'has a price or amount', roles: ['amount'] },
      { weight: 0.15, reason: 'has a label or description', roles: ['label', 'body', 'title', 'name'] },
    ],
    links: [],
    ...parent('contract', 'a contract'),
    essential: { test: hangsOff('contract', 'a contract'), what: 'no key ties a line to a contract' },
    allowModifiers: ['line items'],
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'contractUsage',
    label: "Usage of a contract's allowance per period",
    words: TABLE_WORDS.contractUsage,
    columns: [
      { weight: 0.35, reason: 'records how much was used', test: used },
      { weight: 0.35, reason: 'covers a period', test: period },
      { weight: 0.3, reason: 'records what is over or left', test: remaining },
    ],
    links: [
      { to: ['contractLine', 'contract'], weight: 0.7, reason: 'counts against a contract' },
      { to: CLIENT_SIDE, weight: 0.3, reason: 'for a client' },
    ],
    essential: { test: both(used, period), what: 'no amount used over a period' },
    mustLink: {
      factor: 0.5,
      reason: 'not tied to a contract or its lines',
      test: (profile, context) => linkTo(profile, context, ['contractLine', 'contract']) !== null,
    },
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'timeEntry',
    label: 'Time worked for a client (time entries, interventions)',
    words: TABLE_WORDS.timeEntry,
    nameEvidence: (profile) => {
      const time = profile.tokens.find((t) => ['time', 'hour', 'zeit', 'temps', 'work'].includes(t));
      const record = profile.tokens.find((t) => ['entry', 'sheet', 'log', 'record', 'spent', 'tracking', 'booking'].includes(t));
      return time && record ? { score: 1, reason: `named for time worked ("${time}" and "${record}")`, words: [time, record] } : null;
    },
    columns: [
      { weight: 0.4, reason: 'records time worked', test: worked },
      { weight: 0.2, reason: 'has the day worked', test: workDate },
      { weight: 0.2, reason: 'has notes', roles: ['body'] },
      { weight: 0.2, reason: 'names who worked', roles: ['actor', 'assignee'] },
    ],
    links: [
      { to: ['contractLine', 'contract'], weight: 0.4, reason: 'counts against a contract' },
      { to: [...CLIENT_SIDE, 'ticket', 'task', 'project'], weight: 0.6, reason: "for a client's work" },
    ],
    polymorphicCountsAsLink: true,
    essential: { test: worked, what: 'no duration or start and end of the work' },
    headWords: new Set(['entry', 'sheet', 'log', 'time']),
    allowModifiers: ['history or log'],
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'asset',
    label: 'Devices and assets the agency manages',
    words: TABLE_WORDS.asset,
    columns: [
      { weight: 0.3, reason: 'identifies a device', test: identification },
      { weight: 0.2, reason: 'has a type or model', test: kind },
      { weight: 0.2, reason: 'has a status', roles: ['status'] },
      { weight: 0.15, reason: 'has a purchase or warranty date', test: lifetime },
      { weight: 0.15, reason: 'has a name', roles: ['name', 'label', 'title'] },
    ],
    links: [{ to: CLIENT_SIDE, weight: 1, reason: "the client's device" }],
    // The agency's own fixed assets (acquisition value, depreciation) are assets too, but no client's.
    essential: { test: toClient, what: "no key ties an asset to a client: it may be the agency's own (fixed assets on its books)" },
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'documentVersion',
    label: 'Document versions',
    words: TABLE_WORDS.documentVersion,
    nameEvidence: (profile) => {
      const doc = profile.tokens.find((t) => (weightOf(DOCUMENT_WORDS, t) ?? 0) >= 0.8);
      const version = profile.tokens.find((t) => VERSION_WORDS.has(t));
      return doc && version
        ? { score: 1, reason: `named for versions of a document ("${doc}" and "${version}")`, words: [doc, version] }
        : null;
    },
    columns: [
      { weight: 0.45, reason: 'numbers its versions', test: versionNumber },
      { weight: 0.25, reason: 'keeps a file', test: fileOf },
      { weight: 0.15, reason: 'names who made it', roles: ['actor'] },
      { weight: 0.15, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [{ to: ['document'], weight: 1, reason: 'a version of a document' }],
    essential: { test: both(versionNumber, hangsOff('document', 'a document')), what: 'no numbered version of a document' },
    allowModifiers: ['archive or staging copy'],
    headWords: new Set(['version', 'revision']),
    genericSignature: true,
    lookupPenalty: true,
  },
];

export const AGREEMENT_CONCEPT_IDS: TableConceptId[] = AGREEMENT_CONCEPTS.map((c) => c.id);
