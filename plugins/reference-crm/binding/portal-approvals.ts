// The reference CRM's approvals as the portal's ApprovalsPort sees them: the work staff shared with
// a client, its versions (newest first), each version's file, and the decision the portal records,
// kept beside the request so the agency's page shows it. Every read is scoped by workspace and
// client (another company's approval is "not found").
import { Readable } from 'node:stream';
import type { ApprovalsPort, ApprovalVersion } from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import {
  findApproval,
  findApprovalFile,
  insertApprovalDecision,
  listApprovalVersions,
  listClientApprovals,
  type ApprovalVersionRow,
} from '../queries/approvals.ts';
import type { Db } from '../queries/db.ts';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.ts';

function presentVersion(
  row: Pick<ApprovalVersionRow, 'number' | 'filename' | 'content_type' | 'size_bytes' | 'message'>,
  sharedAt: Date,
): ApprovalVersion {
  return {
    number: row.number,
    fileName: row.filename,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    message: row.message,
    sharedAt,
  };
}

export function referenceApprovals(db: Db): ApprovalsPort {
  return {
    // The CRM's own page of it, on the origin that serves the portal's staff pages too.
    staffPageOf(id) {
      const rowid = parseId(id);
      return rowid === null ? null : `/approvals/${rowid}`;
    },

    async list(workspaceId, clientId, search, page) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      if (ws === null || client === null) return { items: [], next: null };
      let afterId: number | null = null;
      if (page.after) {
        const key = decodeCursor(page.after, ['number']);
        if (!key) return { items: [], next: null };
        afterId = key[0] as number;
      }
      const limit = pageLimit(page.limit);
      const rows = await listClientApprovals(db, { workspaceId: ws, clientId: client, search, limit: limit + 1, afterId });
      const items = rows.slice(0, limit).map((row) => ({
        id: toHostId(row.id),
        title: row.title,
        latest: presentVersion(row, row.shared_at),
      }));
      return { items, next: rows.length > limit ? encodeCursor([rows[limit - 1]!.id]) : null };
    },

    async find(workspaceId, clientId, id, read) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const requestId = parseId(id);
      if (ws === null || client === null || requestId === null) return null;
      const on = read?.trx ?? db;
      // Inside the portal's decision: held against a next version until the decision commits.
      const request = await findApproval(on, { workspaceId: ws, clientId: client, id: requestId, lock: Boolean(read?.trx) });
      if (!request) return null;
      const versions = await listApprovalVersions(on, { workspaceId: ws, requestId });
      return { id: toHostId(request.id), title: request.title, versions: versions.map((v) => presentVersion(v, v.created_at)) };
    },

    async open(workspaceId, clientId, id, version) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const requestId = parseId(id);
      if (ws === null || client === null || requestId === null) return null;
      const file = await findApprovalFile(db, { workspaceId: ws, clientId: client, requestId, number: version });
      if (!file) return null;
      return {
        name: file.filename,
        contentType: file.content_type,
        sizeBytes: file.content.length,
        content: Readable.from([file.content]),
      };
    },

    async recordDecision(workspaceId, clientId, decision, write) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const requestId = parseId(decision.approvalId);
      if (ws === null || client === null || requestId === null) return;
      await insertApprovalDecision(write?.trx ?? db, {
        workspaceId: ws,
        requestId,
        version: decision.version,
        outcome: decision.outcome,
        comment: decision.comment,
        point: decision.point,
        contactId: parseId(decision.contactId),
        decidedBy: decision.decidedBy,
        fileSha256: decision.fileSha256,
        ip: write?.ip ?? null,
        userAgent: decision.userAgent ?? null,
        decidedAt: decision.decidedAt,
      });
    },
  };
}
