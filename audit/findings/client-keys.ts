// A record the portal shows a client (a proposal, an invoice, an order, a contract, a ticket, a
// device) is that client's only where a key says so: a declared foreign key to the client's table,
// or a column named and typed like that table's key, not contradicted by the rows where the audit
// may read them. A name is no such evidence: a manufacturing work order is named like the client's
// orders, a help-desk table like the client's tickets. Without a key, or where the client pick it
// points at is itself unsure, the pick is at most "unsure", the candidates are named, and the note
// says what a developer should check. The rule reads no table name of any CRM.
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import type { ConceptFinding, ConceptId } from '../report-schema.ts';

/**
 * What this rule reads of the audit's samples (samples.ts keeps them): how each key is used. Named
 * here, not imported, as samples.ts takes the key uses' shape from this module.
 */
interface KeyUseSamples {
  keyUse?: Map<string, KeyUse | null>;
}

/** How a key column of a client record is used: rows read, rows with a value, values found in the client table. */
export interface KeyUse {
  rows: number;
  filled: number;
  matched: number;
}

export function keyUseKey(table: string, column: string): string {
  return `${table}.${column}`;
}

/** The picks a client record may hang off: the client company, or the person at the client. */
const CLIENT_SIDE: ConceptId[] = ['company', 'contact'];
/**
 * What each record the portal shows a client must hang off by a key: the client itself for what a
 * client receives or owns; a shipment may hang off its order, a task off its project, its phase
 * or its ticket, a phase off its project.
 * Payments, documents, comments and the people at a client are not held to it: they hang off
 * invoices, any record or the company through link tables and pairs naming any record, which a
 * key alone does not show (measured: the rule would leave Dolibarr's llx_paiement, Alga's
 * documents and Tryton's ir_note unsure with every rule on). Their own evidence is read in
 * record-evidence.ts.
 */
const HANGS_OFF: Partial<Record<ConceptId, ConceptId[]>> = {
  proposal: CLIENT_SIDE,
  quotation: CLIENT_SIDE,
  invoice: CLIENT_SIDE,
  salesOrder: CLIENT_SIDE,
  contract: CLIENT_SIDE,
  ticket: CLIENT_SIDE,
  project: CLIENT_SIDE,
  asset: CLIENT_SIDE,
  shipment: [...CLIENT_SIDE, 'salesOrder'],
  task: [...CLIENT_SIDE, 'project', 'projectPhase', 'ticket'],
  // A phase is the client's through its project: no surer than that.
  projectPhase: ['project'],
};

/** The records checked here, each with what it may hang off (the samples read those keys). */
export const KEYED_RECORDS: ReadonlyArray<[ConceptId, ConceptId[]]> = Object.entries(HANGS_OFF) as Array<[ConceptId, ConceptId[]]>;

export interface MissingEvidence {
  /** Why the pick is at most unsure. */
  why: string;
  /** What a developer should check before relying on it. */
  check: string;
  /** The candidate that stands against the pick, where the evidence names one. */
  rival?: string;
}

interface KeyTo {
  to: string;
  column: string;
  /** What the key is worth as evidence; null where the rows never use it. */
  evidence: string | null;
}

/** The keys of a table to the parent picks: its own, or through a link table between the two. */
function keysTo(profile: TableProfile, parents: readonly string[], model: SchemaModel, samples: KeyUseSamples): KeyTo[] {
  const found: KeyTo[] = [];
  for (const link of profile.outgoing) {
    if (!parents.includes(link.to) || link.to === profile.qualified) continue;
    const use = link.columns.length === 1 ? samples.keyUse?.get(keyUseKey(profile.qualified, link.columns[0] ?? '')) : undefined;
    found.push({ to: link.to, column: link.columns.join(', '), evidence: evidenceOf(link.declared, use) });
  }
  for (const link of profile.incoming) {
    const bridge = model.byName.get(link.from);
    if (!bridge?.linkShaped || bridge === profile) continue;
    const other = bridge.outgoing.find((l) => parents.includes(l.to) && l.to !== profile.qualified);
    if (!other) continue;
    const declared = link.declared && other.declared;
    found.push({
      to: other.to,
      column: `through ${bridge.qualified}`,
      evidence: declared ? 'declared foreign keys of a link table' : 'a link table named and typed like both keys',
    });
  }
  return found;
}

/**
 * A declared key is evidence (the database keeps it true); a key named and typed like the target's
 * is, unless the sampled rows never use it.
 */
function evidenceOf(declared: boolean, use: KeyUse | null | undefined): string | null {
  if (!declared && use && use.rows > 0 && use.matched === 0) return null;
  const used = use && use.matched > 0 ? `, used by ${use.matched} of ${use.rows} sampled rows` : '';
  return declared ? `a declared foreign key${used}` : `named and typed like its key${used}`;
}

/**
 * Why a client record marked "exists" is at most unsure for want of a key to a sure client pick,
 * or null where such a key exists (or the finding is not a client record marked "exists").
 */
export function missingClientKey(
  finding: ConceptFinding,
  byId: ReadonlyMap<ConceptId, ConceptFinding>,
  model: SchemaModel,
  samples: KeyUseSamples,
): MissingEvidence | null {
  const wanted = HANGS_OFF[finding.id];
  if (!wanted || finding.status !== 'exists' || !finding.chosenTable) return null;
  const profile = model.byName.get(finding.chosenTable);
  if (!profile) return null;
  const parents = wanted.map((id) => byId.get(id)).filter((c): c is ConceptFinding => Boolean(c?.chosenTable));
  const keys = keysTo(
    profile,
    parents.map((p) => p.chosenTable ?? ''),
    model,
    samples,
  );
  const sure = new Set(parents.filter((c) => c.status === 'exists').map((c) => c.chosenTable));
  if (keys.some((k) => k.evidence && sure.has(k.to))) return null;
  const table = finding.chosenTable;
  const keyed = keys.find((k) => k.evidence);
  if (keyed) {
    return {
      why: `it hangs off ${keyed.to} (${keyed.column}), whose pick is itself unsure`,
      check: `check what ${keyed.to} holds before relying on ${table}`,
    };
  }
  const unused = keys[0];
  if (unused) {
    return {
      why: `its key ${table}.${unused.column} → ${unused.to} is set on none of the sampled rows`,
      check: `check which column of ${table} names the record it belongs to`,
    };
  }
  const targets = parents.map((c) => c.chosenTable).join(' or ') || `a ${wanted.join(' or ')} table, which the audit did not find`;
  return {
    why: `no declared or used key ties it to what it belongs to (${targets}): only its name and columns say it`,
    check: `check that the rows of ${table} belong to clients, and which column names what each belongs to (a key to ${targets})`,
  };
}
