// The approvals the portal keeps, as an ApprovalsPort, for a host without approvals of its own but
// with a place for their files and events (HostApprovalFilesPort): the work and its versions are
// the portal's rows (kept-queries.ts), each version's file is read back through the host by the
// reference it gave when keeping it, and a decision is written as the host's own event on the
// client. The same contract as a host's approvals (plugins/reference-crm/binding/portal-approvals.ts):
// scoped by workspace and client (another company's is "not found"), latest shared first, searched
// by title, keyset pages, and `find` inside a decision's transaction locks the approval so no version
// is shared meanwhile.
import type { Knex } from 'knex';
import type { ApprovalsPort, ApprovalVersion, HostApprovalFilesPort } from './port.ts';
import {
  findKeptApproval,
  findKeptVersion,
  type KeptApprovalsKey,
  type KeptVersionRow,
  listKeptApprovals,
  listKeptVersions,
} from './kept-queries.ts';

const PAGE_MAX = 100;
/** Ids of this port are the portal's uuids; anything else is not found, never a database error. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isKeptApprovalId = (id: string) => UUID.test(id);

function presentKeptVersion(row: Omit<KeptVersionRow, 'shared_at' | 'file_ref' | 'shared_by'>, sharedAt: Date): ApprovalVersion {
  return {
    number: row.number,
    fileName: row.file_name,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    message: row.message,
    sharedAt,
  };
}

/** A page's end as an opaque cursor: the latest share's moment and the id. */
export function encodeKeptCursor(key: KeptApprovalsKey): string {
  return Buffer.from(JSON.stringify([key.sharedAt.toISOString(), key.id]), 'utf8').toString('base64url');
}

/** The cursor read back; null for anything this port did not hand out. */
export function decodeKeptCursor(cursor: string): KeptApprovalsKey | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || !isKeptApprovalId(id)) return null;
    const sharedAt = new Date(at);
    return Number.isNaN(sharedAt.getTime()) || sharedAt.toISOString() !== at ? null : { sharedAt, id };
  } catch {
    return null;
  }
}

export function portalKeptApprovals(db: Knex, files: HostApprovalFilesPort): ApprovalsPort {
  return {
    async list(workspaceId, clientId, search, page) {
      const after = page.after ? decodeKeptCursor(page.after) : null;
      if (page.after && !after) return { items: [], next: null };
      const limit = Number.isInteger(page.limit) ? Math.min(Math.max(page.limit, 1), PAGE_MAX) : 20;
      const rows = await listKeptApprovals(db, { workspaceId, clientId, search, limit: limit + 1, after });
      const items = rows.slice(0, limit).map((row) => ({
        id: row.id,
        title: row.title,
        latest: presentKeptVersion(row, row.latest_shared_at),
      }));
      const last = rows.length > limit ? rows[limit - 1]! : null;
      return { items, next: last ? encodeKeptCursor({ sharedAt: last.latest_shared_at, id: last.id }) : null };
    },

    async find(workspaceId, clientId, id, read) {
      if (!isKeptApprovalId(id)) return null;
      const on = read?.trx ?? db;
      // Inside the portal's decision: held against a next version until the decision commits.
      const approval = await findKeptApproval(on, { workspaceId, clientId, id, lock: Boolean(read?.trx) });
      if (!approval) return null;
      const versions = await listKeptVersions(on, { workspaceId, approvalId: approval.id });
      return { id: approval.id, title: approval.title, versions: versions.map((v) => presentKeptVersion(v, v.shared_at)) };
    },

    async open(workspaceId, clientId, id, version) {
      if (!isKeptApprovalId(id)) return null;
      const row = await findKeptVersion(db, { workspaceId, clientId, approvalId: id, number: version });
      if (!row) return null;
      const file = await files.open(workspaceId, clientId, row.file_ref);
      // The name and type the agency shared it under, whatever the host's document store calls it.
      return file && { ...file, name: row.file_name, contentType: row.content_type };
    },

    async recordDecision(workspaceId, clientId, decision, write) {
      if (!isKeptApprovalId(decision.approvalId)) return;
      const row = await findKeptVersion(write?.trx ?? db, {
        workspaceId,
        clientId,
        approvalId: decision.approvalId,
        number: decision.version,
      });
      if (!row) return;
      await files.recordDecision(workspaceId, clientId, { ...decision, fileRef: row.file_ref, sharedBy: row.shared_by }, write);
    },
  };
}
