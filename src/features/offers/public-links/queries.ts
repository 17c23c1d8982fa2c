// SQL for public links and their access log. A link is found only by the SHA-256 of its token and
// only inside one workspace; the token itself is never stored.
import type { Knex } from 'knex';
import { accessColumns } from '../../../core/index.ts';

type Db = Knex | Knex.Transaction;

export type PublicLinkSubject = 'proposal' | 'quotation' | 'invoice';
export type PublicLinkAction = 'opened' | 'pdf' | 'accepted' | 'declined';

export interface PublicLinkRow {
  id: string;
  workspace_id: string;
  client_id: string;
  subject_type: PublicLinkSubject;
  subject_id: string;
  token_salt: string;
  allow_decision: boolean;
  created_by_staff_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by_staff_id: string | null;
}

export interface PublicLinkAccessRow {
  id: string;
  link_id: string;
  action: PublicLinkAction;
  ip: string | null;
  user_agent: string | null;
  at: Date;
}

const LINK_COLUMNS = [
  'id',
  'workspace_id',
  'client_id',
  'subject_type',
  'subject_id',
  'token_salt',
  'allow_decision',
  'created_by_staff_id',
  'created_at',
  'expires_at',
  'revoked_at',
  'revoked_by_staff_id',
];
const withStringId = <T extends { id: unknown }>(row: T) => ({ ...row, id: String(row.id) });

export async function insertPublicLink(
  db: Db,
  link: {
    workspaceId: string;
    clientId: string;
    subjectType: PublicLinkSubject;
    subjectId: string;
    tokenSalt: string;
    tokenHash: string;
    allowDecision: boolean;
    staffId: string;
    expiresAt: Date;
    createdAt: Date;
  },
): Promise<string> {
  const [row] = await db('portal_public_links')
    .insert({
      workspace_id: link.workspaceId,
      client_id: link.clientId,
      subject_type: link.subjectType,
      subject_id: link.subjectId,
      token_salt: link.tokenSalt,
      token_hash: link.tokenHash,
      allow_decision: link.allowDecision,
      created_by_staff_id: link.staffId,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
    })
    .returning<Array<{ id: string | number }>>(['id']);
  return String(row!.id);
}

/** A usable link: known, not revoked, not expired. Anything else is null, all alike. */
/** A live link, with what the agency hides from the link's company (its layer of client access), in one read. */
export async function findLiveLink(
  db: Db,
  args: { workspaceId: string; tokenHash: string; at: Date },
): Promise<(PublicLinkRow & { client_denied_permissions: string[] }) | null> {
  const row = await db('portal_public_links as l')
    .where({ 'l.workspace_id': args.workspaceId, 'l.token_hash': args.tokenHash })
    .whereNull('l.revoked_at')
    .where('l.expires_at', '>', args.at)
    // The company's layer as a client user's row reads it (accessColumns: its workspace by value, so
    // on Citus the read stays on one shard).
    .first([
      ...LINK_COLUMNS.map((column) => `l.${column}`),
      db.raw(`coalesce(${accessColumns('l', '?').client_denied_permissions}, ?) as client_denied_permissions`, [args.workspaceId, '{}']),
    ]);
  return row ? (withStringId(row) as PublicLinkRow & { client_denied_permissions: string[] }) : null;
}

export async function listLinksForSubject(
  db: Db,
  args: { workspaceId: string; clientId: string; subjectType: PublicLinkSubject; subjectId: string },
): Promise<PublicLinkRow[]> {
  const rows = await db('portal_public_links')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, subject_type: args.subjectType, subject_id: args.subjectId })
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .select(LINK_COLUMNS);
  return rows.map((row) => withStringId(row) as PublicLinkRow);
}

export async function revokeLink(
  db: Db,
  args: {
    workspaceId: string;
    clientId: string;
    subjectType: PublicLinkSubject;
    subjectId: string;
    linkId: string;
    staffId: string;
    at: Date;
  },
): Promise<boolean> {
  if (!/^[1-9][0-9]{0,17}$/.test(args.linkId)) return false;
  const changed = await db('portal_public_links')
    .where({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      subject_type: args.subjectType,
      subject_id: args.subjectId,
      id: args.linkId,
    })
    .whereNull('revoked_at')
    .update({ revoked_at: args.at, revoked_by_staff_id: args.staffId });
  return changed === 1;
}

export async function insertPublicLinkAccess(
  db: Db,
  access: { linkId: string; workspaceId: string; action: PublicLinkAction; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db('portal_public_link_accesses').insert({
    link_id: access.linkId,
    workspace_id: access.workspaceId,
    action: access.action,
    ip: access.ip?.slice(0, 64) ?? null,
    user_agent: access.userAgent?.slice(0, 400) ?? null,
  });
}

/**
 * The access log of a subject's links, newest first, at most `limit` rows: each link's newest
 * `limit` from the index on (link_id, at), then the newest of those, so a link opened thousands of
 * times costs no more than one opened a hundred.
 */
export async function listAccessesForLinks(
  db: Db,
  args: { workspaceId: string; linkIds: string[]; limit: number },
): Promise<PublicLinkAccessRow[]> {
  if (args.linkIds.length === 0) return [];
  const newestOfEach = db('portal_public_link_accesses as a')
    .where('a.workspace_id', args.workspaceId)
    .whereRaw('a.link_id = l.id')
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(args.limit)
    .select('a.id', 'a.link_id', 'a.action', 'a.ip', 'a.user_agent', 'a.at');
  const rows = await db
    .fromRaw(db.raw('unnest(?::bigint[]) as l(id)', [args.linkIds]))
    .crossJoin(db.raw('lateral (?) as a', [newestOfEach]))
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(args.limit)
    .select('a.id', 'a.link_id', 'a.action', 'a.ip', 'a.user_agent', 'a.at');
  return rows.map((row) => ({ ...row, id: String(row.id), link_id: String(row.link_id) }));
}
