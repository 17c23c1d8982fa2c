// The picks client-keys.ts does not hold to a client key (the people at a client, comments, the
// activity log, the client company itself, payments and the payment gateway) still need evidence
// beyond their names to be reported as existing. Each rule here is a principle of what the concept
// is, read off keys, (type, id) pairs and column roles, never off a table name:
// - the people at a client hang off the client company by a key (or are rows of its very table);
// - a comment is written on a record: a key to a sure record pick, or a pair naming any record;
// - an activity log names what each row is about (any record, not one kind of it) and who acted
//   or what was done;
// - the client company is what the client records point at; where they point at another candidate
//   as much, the two stand equal;
// - a pick that points at another candidate for the same concept is that candidate's detail (its
//   extra e-mails, its hashes, its saved tokens), not the concept's own table;
// - documents hang off folders, uploaders, records and link tables: a table no key ties to any
//   other is known by its names alone, and a store of every file attached to anything is named
//   just like the documents an agency shares with a client.
// Without the evidence, the pick is "unsure", both candidates named, with what a person should check.
import { hasRole } from '../recognition/column-roles.ts';
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import { recordReference } from '../recognition/table-concepts.ts';
import type { ConceptFinding, ConceptId } from '../report-schema.ts';
import { KEYED_RECORDS, keyUseKey, type MissingEvidence } from './client-keys.ts';
import type { Samples } from './samples.ts';

type Picks = ReadonlyMap<ConceptId, ConceptFinding>;

/** The records a client sees and a comment may be written on. */
const COMMENTED: ConceptId[] = [
  'proposal',
  'quotation',
  'invoice',
  'payment',
  'task',
  'document',
  'ticket',
  'project',
  'salesOrder',
  'contract',
  'company',
  'contact',
];
/** Who acts: a log's keys to these say who did it, not what it was done to. */
const ACTORS: ConceptId[] = ['staffUser', 'contact', 'company', 'workspace', 'clientCredentials'];
/** The concepts whose pick may be a detail of another candidate for the same concept. */
// Not comments or documents: those nest in threads and folders of their own kind, which they point at.
const NO_DETAIL: ConceptId[] = ['payment', 'paymentGateway'];

/** A key the sampled rows do not contradict: declared, or named and typed like the target's key. */
function keyBetween(from: TableProfile, to: string, samples: Samples): TableProfile['outgoing'][number] | undefined {
  return from.outgoing.find((link) => {
    if (link.to !== to || link.to === from.qualified) return false;
    if (link.declared) return true;
    const use = link.columns.length === 1 ? samples.keyUse?.get(keyUseKey(from.qualified, link.columns[0] ?? '')) : undefined;
    return !(use && use.rows > 0 && use.matched === 0);
  });
}

/** A third table tying the two: a key to each, or a key to one and a pair naming any record. */
function bridgeBetween(profile: TableProfile, others: readonly string[], model: SchemaModel, linkTablesOnly = false): string | null {
  for (const link of profile.incoming) {
    const bridge = model.byName.get(link.from);
    // Replies and messages point at their thread too: for comments only a link table is a bridge.
    if (!bridge || bridge === profile || (linkTablesOnly && !bridge.linkShaped)) continue;
    const other = bridge.outgoing.find((l) => others.includes(l.to) && l.to !== profile.qualified);
    if (other) return `through ${bridge.qualified} (${link.columns.join(', ')}; ${other.columns.join(', ')})`;
    if (namesAnyRecord(bridge)) return `through ${bridge.qualified}, which names any record`;
  }
  return null;
}

/** A (type, id) pair or one column naming the record: the rows may be about any record. */
function namesAnyRecord(profile: TableProfile): boolean {
  return profile.polymorphic.length > 0 || recordReference(profile) !== null;
}

/** The tables other concepts picked: a candidate that is one of them is that concept's table, no rival. */
// Reported from tables other concepts may also pick (a client's gateway tokens, its recurring
// invoices), they vouch for no other pick: a saved card table is not the payment integration.
const REPORTED_ONLY = new Set<ConceptId>(['savedPaymentMethods', 'recurringInvoices']);

function otherPicks(byId: Picks, id: ConceptId): Set<string> {
  return new Set(
    [...byId.values()]
      .filter((f) => f.id !== id && !REPORTED_ONLY.has(f.id) && f.chosenTable && f.status === 'exists')
      .map((f) => f.chosenTable ?? ''),
  );
}

function pickOf(byId: Picks, id: ConceptId): ConceptFinding | undefined {
  const found = byId.get(id);
  return found?.chosenTable && found.status !== 'missing' ? found : undefined;
}

/** People at a client hang off the client company (or are rows of its own table). */
function contactEvidence(profile: TableProfile, byId: Picks, model: SchemaModel, samples: Samples): MissingEvidence | null {
  const company = pickOf(byId, 'company');
  if (!company?.chosenTable) return null;
  const to = company.chosenTable;
  if (to === profile.qualified) return company.status === 'exists' ? null : unsureParent(company);
  const companyProfile = model.byName.get(to);
  const tied =
    keyBetween(profile, to, samples) ??
    (companyProfile ? keyBetween(companyProfile, profile.qualified, samples) : undefined) ??
    bridgeBetween(profile, [to], model);
  if (!tied) {
    return {
      why: `no key ties it to the client companies (${to}): only its name and columns say it holds the people at a client`,
      check: `check which table holds the people at each client, and which column of it names their company (a key to ${to})`,
    };
  }
  return company.status === 'exists' ? null : unsureParent(company);
}

function unsureParent(parent: ConceptFinding): MissingEvidence {
  return {
    why: `it hangs off ${parent.chosenTable}, whose pick for ${parent.label.toLowerCase()} is itself unsure`,
    check: `check what ${parent.chosenTable} holds before relying on this pick`,
  };
}

/** A comment is written on a record: a pair naming any record, or a key to a sure record pick. */
function commentEvidence(profile: TableProfile, byId: Picks, model: SchemaModel, samples: Samples): MissingEvidence | null {
  if (namesAnyRecord(profile)) return null;
  const records = COMMENTED.map((id) => pickOf(byId, id)).filter((p): p is ConceptFinding => Boolean(p));
  const keyed = records.filter((r) => keyBetween(profile, r.chosenTable ?? '', samples));
  if (keyed.some((r) => r.status === 'exists')) return null;
  if (
    bridgeBetween(
      profile,
      records.filter((r) => r.status === 'exists').map((r) => r.chosenTable ?? ''),
      model,
      true,
    )
  )
    return null;
  const unsure = keyed[0];
  if (unsure) return unsureParent(unsure);
  const on = records.map((r) => r.chosenTable).slice(0, 4);
  return {
    why: 'no key or pair ties its rows to a record a client sees: only its name and columns say it holds comments',
    check: `check on which records the rows of ${profile.qualified} are written, and which column names the record (a key to ${on.join(', ') || 'a proposal, invoice or task'}, or a pair naming any record)`,
  };
}

/** An activity log names what each row is about (any record) and who acted or what was done. */
function activityEvidence(profile: TableProfile, byId: Picks, model: SchemaModel): MissingEvidence | null {
  const people = new Set(ACTORS.map((id) => pickOf(byId, id)?.chosenTable).filter(Boolean));
  const tenant = model.tenant?.table;
  // Who acted may be a contact or a login as well as a staff user (actor_contact_id).
  const actorColumns = new Set((profile.roles.get('actor') ?? []).map((c) => c.name));
  const subjects = [
    ...new Set(
      profile.outgoing
        .filter((l) => l.to !== profile.qualified && l.to !== tenant && !people.has(l.to) && !model.byName.get(l.to)?.lookupShaped)
        .filter((l) => !l.columns.some((name) => actorColumns.has(name)))
        .map((l) => l.to),
    ),
  ];
  const who = hasRole(profile.roles, 'actor') || hasRole(profile.roles, 'eventName') || hasRole(profile.roles, 'body');
  if (!who) {
    return {
      why: 'its rows name no one who acted, no action and no description: a record of amounts or dates, not of who did what',
      check: `check that the rows of ${profile.qualified} say who did what, and to which record`,
    };
  }
  const records = new Set(COMMENTED.filter((id) => !ACTORS.includes(id)).map((id) => pickOf(byId, id)?.chosenTable));
  // Of the records a client sees, its keys name one kind only: that record's history.
  const seen = subjects.filter((s) => records.has(s));
  if (seen.length === 1) {
    return {
      why: `of the records a client sees, its rows hang off one kind only (${seen[0]}): the history of that record, not a log of any record`,
      check: `check whether ${profile.qualified} records what is done to every kind of record, or to ${seen[0]} only`,
    };
  }
  if (subjects.length === 0 && !namesAnyRecord(profile)) {
    return {
      why: 'its rows name no record they are about (no key to a record, no pair naming any record)',
      check: `check which column of ${profile.qualified} names the record each row is about`,
    };
  }
  return null;
}

/** The client records picked, with the tables their keys point at. */
function clientRecordTargets(byId: Picks, model: SchemaModel, samples: Samples): Map<string, string[]> {
  const pointedBy = new Map<string, string[]>();
  for (const [id, parents] of KEYED_RECORDS) {
    if (!parents.includes('company')) continue;
    const record = pickOf(byId, id);
    const profile = record?.chosenTable ? model.byName.get(record.chosenTable) : undefined;
    if (!profile) continue;
    for (const link of profile.outgoing) {
      if (!keyBetween(profile, link.to, samples)) continue;
      const by = pointedBy.get(link.to) ?? [];
      if (!by.includes(profile.qualified)) by.push(profile.qualified);
      pointedBy.set(link.to, by);
    }
  }
  return pointedBy;
}

/**
 * The client company is what the client records point at. Another candidate for it that they point
 * at as often (and that is no part of the pick: a branch or billing profile keyed to it, or the
 * workspace, the tenant) stands equal to it.
 */
function companyEvidence(
  finding: ConceptFinding,
  profile: TableProfile,
  byId: Picks,
  model: SchemaModel,
  samples: Samples,
): MissingEvidence | null {
  const pointedBy = clientRecordTargets(byId, model, samples);
  if (pointedBy.size === 0) return null;
  const mine = pointedBy.get(profile.qualified)?.length ?? 0;
  const workspace = pickOf(byId, 'workspace')?.chosenTable;
  const taken = otherPicks(byId, 'company');
  const rivals = finding.candidates.filter((c) => {
    if (c.table === profile.qualified || c.table === workspace || c.table === model.tenant?.table || taken.has(c.table)) return false;
    const other = model.byName.get(c.table);
    if (!other || keyBetween(other, profile.qualified, samples)) return false;
    const theirs = pointedBy.get(c.table)?.length ?? 0;
    return theirs > 0 && theirs >= mine;
  });
  // Of two rivals, one keyed to the other is a part of it (a party's addresses): name the whole.
  const rival = rivals.find((r) => {
    const other = model.byName.get(r.table);
    return !rivals.some((o) => o !== r && other && keyBetween(other, o.table, samples));
  });
  if (!rival) return null;
  const by = pointedBy.get(rival.table) ?? [];
  return {
    why: `the client records point at ${rival.table} (${by.slice(0, 3).join(', ')}) ${mine > 0 ? 'as often as at' : 'and not at'} ${profile.qualified}`,
    check: `check which of ${profile.qualified} and ${rival.table} holds the clients the proposals and invoices are for`,
    rival: rival.table,
  };
}

/** A pick that points at another candidate for the same concept is that candidate's detail. */
function detailOfRival(
  finding: ConceptFinding,
  profile: TableProfile,
  byId: Picks,
  model: SchemaModel,
  samples: Samples,
): MissingEvidence | null {
  const taken = otherPicks(byId, finding.id);
  // A table another concept is sure of as well (a ledger of invoices and payments): its keys may be
  // that concept's (an invoice's payment terms).
  if (taken.has(profile.qualified)) return null;
  const tenant = model.tenant?.column;
  const scoped = (p: TableProfile) => Boolean(tenant && p.table.columns.some((c) => c.name === tenant));
  for (const candidate of finding.candidates) {
    const rival = model.byName.get(candidate.table);
    if (candidate.table === profile.qualified || !rival || taken.has(candidate.table)) continue;
    // A dictionary, or a catalogue shared by every tenant (the providers a gateway is set up from),
    // is what a row refers to, not a row it details.
    if (rival.lookupShaped || (scoped(profile) && !scoped(rival))) continue;
    const key = keyBetween(profile, candidate.table, samples);
    if (!key) continue;
    return {
      why: `it points at ${candidate.table} (${key.columns.join(', ')}), another candidate for ${finding.label.toLowerCase()}: its rows are details of that table's rows`,
      check: `check whether ${candidate.table} or ${profile.qualified} holds one row per ${finding.label.toLowerCase().replace(/s$/, '')}`,
      rival: candidate.table,
    };
  }
  return null;
}

/** Documents: some key declared or used ties the rows to another table, either way. */
function documentEvidence(profile: TableProfile, samples: Samples): MissingEvidence | null {
  const keyed = profile.incoming.length > 0 || profile.outgoing.some((link) => keyBetween(profile, link.to, samples));
  if (keyed) return null;
  return {
    why: 'no key declared or used ties its rows to any other table: only its name and columns say it holds documents, as they would for a store of every file attached to anything',
    check: `check which table holds the documents shared with a client, and which column or link table ties each one to the client or to its record`,
  };
}

/**
 * Why a pick marked "exists" lacks the evidence its concept needs beyond its name, or null where it
 * has it (or the concept is not one of these).
 */
export function missingRecordEvidence(finding: ConceptFinding, byId: Picks, model: SchemaModel, samples: Samples): MissingEvidence | null {
  if (finding.status !== 'exists' || !finding.chosenTable) return null;
  const profile = model.byName.get(finding.chosenTable);
  if (!profile) return null;
  const detail = NO_DETAIL.includes(finding.id) ? detailOfRival(finding, profile, byId, model, samples) : null;
  if (detail) return detail;
  switch (finding.id) {
    case 'contact':
      return contactEvidence(profile, byId, model, samples);
    case 'comment':
      return commentEvidence(profile, byId, model, samples);
    case 'activityLog':
      return activityEvidence(profile, byId, model);
    case 'company':
      return companyEvidence(finding, profile, byId, model, samples);
    case 'document':
      return documentEvidence(profile, samples);
    default:
      return null;
  }
}
