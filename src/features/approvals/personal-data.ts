// The approvals' part of a person's data: the decisions they made on work the agency shared (the
// evidence: when, from where, the comment and the point it was about, the file's fingerprint).
// The work and its files are the host's, or the agency's work the portal keeps
// (portal_kept_approvals and its versions: a client company, staff and files, never a client
// user or contact), which a person's export and erasure leave as they are: their part is the
// decisions, on any host. An erasure keeps each decision, the agency's record of what was
// approved, under a name that no longer names the person and without where it came from.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { anonymisePersonApprovals, countPersonApprovalDecisions, personApprovalDecisions } from './queries.ts';

export function approvalsPersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_approval_decisions'],

    async export({ workspaceId, user }) {
      const decisions = (await personApprovalDecisions(db, workspaceId, user.id)).map((row) => ({
        approvalId: row.approval_id,
        title: row.title,
        version: row.version,
        outcome: row.outcome,
        comment: row.comment,
        point: row.point_x === null ? null : { x: Number(row.point_x), y: Number(row.point_y), page: row.point_page },
        fileName: row.file_name,
        fileSha256: row.file_sha256,
        ip: row.ip,
        userAgent: row.user_agent,
        at: iso(row.decided_at),
      }));
      return { entries: [{ path: 'approvals.json', json: { decisions } }] };
    },

    async erase(trx, person) {
      return { counts: { approvalDecisions: await anonymisePersonApprovals(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ approvalDecisions: countPersonApprovalDecisions(db, person.workspaceId, person.id) }),
  };
}
