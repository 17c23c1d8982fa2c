// SQL for portal_offer_decisions: the evidence of a client's decision. Every read is scoped by
// workspace and client company in the query itself.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export type DecisionOutcome = 'accepted' | 'declined';
export type DecisionMethod = 'portal' | 'public_link';

export interface NewDecision {
  workspaceId: string;
  clientId: string;
  kind: 'proposal' | 'quotation';
  offerId: string;
  outcome: DecisionOutcome;
  method: DecisionMethod;
  clientUserId: string | null;
  contactId: string | null;
  publicLinkId: string | null;
  typedName: string;
  email: string | null;
  note: string | null;
  poNumber: string | null;
  signaturePng: Buffer | null;
  /** Canonical JSON of the drawn strokes (signature-strokes.ts); absent for a typed name or an older PNG. */
  signatureStrokes?: string | null;
  snapshot: string;
  snapshotSha256: string;
  ip: string | null;
  userAgent: string | null;
  decidedAt: Date;
}

export interface DecisionRow {
  id: string;
  workspace_id: string;
  client_id: string;
  offer_kind: 'proposal' | 'quotation';
  offer_id: string;
  outcome: DecisionOutcome;
  method: DecisionMethod;
  client_user_id: string | null;
  contact_id: string | null;
  public_link_id: string | null;
  typed_name: string;
  email: string | null;
  note: string | null;
  po_number: string | null;
  has_signature: boolean;
  snapshot: string;
  snapshot_sha256: string;
  ip: string | null;
  user_agent: string | null;
  decided_at: Date;
}

const COLUMNS = [
  'id',
  'workspace_id',
  'client_id',
  'offer_kind',
  'offer_id',
  'outcome',
  'method',
  'client_user_id',
  'contact_id',
  'public_link_id',
  'typed_name',
  'email',
  'note',
  'po_number',
  'snapshot',
  'snapshot_sha256',
  'ip',
  'user_agent',
  'decided_at',
];

export async function insertDecision(db: Db, d: NewDecision): Promise<string> {
  const [row] = await db('portal_offer_decisions')
    .insert({
      workspace_id: d.workspaceId,
      client_id: d.clientId,
      offer_kind: d.kind,
      offer_id: d.offerId,
      outcome: d.outcome,
      method: d.method,
      client_user_id: d.clientUserId,
      contact_id: d.contactId,
      public_link_id: d.publicLinkId,
      typed_name: d.typedName,
      email: d.email,
      note: d.note,
      po_number: d.poNumber,
      signature_png: d.signaturePng,
      signature_strokes: d.signatureStrokes ?? null,
      snapshot: d.snapshot,
      snapshot_sha256: d.snapshotSha256,
      ip: d.ip?.slice(0, 64) ?? null,
      user_agent: d.userAgent?.slice(0, 400) ?? null,
      decided_at: d.decidedAt,
    })
    .returning<Array<{ id: string | number }>>(['id']);
  return String(row!.id);
}

/**
 * The snapshot a decision binds, replaced within the decision's own transaction: an acceptance
 * whose optional items changed the offer binds the offer as it left it.
 */
export async function updateDecisionSnapshot(
  db: Db,
  args: { workspaceId: string; clientId: string; id: string; snapshot: string; snapshotSha256: string },
): Promise<void> {
  await db('portal_offer_decisions')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, id: args.id })
    .update({ snapshot: args.snapshot, snapshot_sha256: args.snapshotSha256 });
}

export async function findDecision(
  db: Db,
  args: { workspaceId: string; clientId: string; kind: 'proposal' | 'quotation'; offerId: string },
): Promise<DecisionRow | null> {
  const row = await db('portal_offer_decisions')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, offer_kind: args.kind, offer_id: args.offerId })
    .first([...COLUMNS, db.raw('signature_png is not null as has_signature')]);
  return row ? { ...row, id: String(row.id), public_link_id: row.public_link_id === null ? null : String(row.public_link_id) } : null;
}

export async function findSignaturePng(
  db: Db,
  args: { workspaceId: string; clientId: string; kind: 'proposal' | 'quotation'; offerId: string },
): Promise<Buffer | null> {
  const row = await db('portal_offer_decisions')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, offer_kind: args.kind, offer_id: args.offerId })
    .first<{ signature_png: Buffer | null } | undefined>('signature_png');
  return row?.signature_png ?? null;
}

/** The decision and its drawn signature in one read: what the ordinary PDF of an accepted offer shows. */
export async function findDecisionWithSignature(
  db: Db,
  args: { workspaceId: string; clientId: string; kind: 'proposal' | 'quotation'; offerId: string },
): Promise<{ decision: DecisionRow; signaturePng: Buffer | null } | null> {
  const row = await db('portal_offer_decisions')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, offer_kind: args.kind, offer_id: args.offerId })
    .first([...COLUMNS, 'signature_png', db.raw('signature_png is not null as has_signature')]);
  if (!row) return null;
  const { signature_png: signaturePng, ...decision } = row;
  return {
    decision: { ...decision, id: String(row.id), public_link_id: row.public_link_id === null ? null : String(row.public_link_id) },
    signaturePng: signaturePng ?? null,
  };
}

// ---- one person's data (their export; an erasure keeps their decisions as the agreement's evidence) ----

export interface PersonDecisionRow {
  id: string;
  offer_kind: string;
  offer_id: string;
  outcome: string;
  method: string;
  typed_name: string | null;
  email: string | null;
  note: string | null;
  po_number: string | null;
  signature_png: Buffer | null;
  snapshot: string | null;
  snapshot_sha256: string | null;
  ip: string | null;
  user_agent: string | null;
  decided_at: Date;
}

/** The decisions the person made while signed in, oldest first. */
export function personDecisions(db: Db, workspaceId: string, clientUserId: string): Promise<PersonDecisionRow[]> {
  return db('portal_offer_decisions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('decided_at')
    .select(
      'id',
      'offer_kind',
      'offer_id',
      'outcome',
      'method',
      'typed_name',
      'email',
      'note',
      'po_number',
      'signature_png',
      'snapshot',
      'snapshot_sha256',
      'ip',
      'user_agent',
      'decided_at',
    );
}

/** The person's decisions, counted for the agency's review of an erasure (they are kept). */
export function countPersonDecisions(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_offer_decisions').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}
