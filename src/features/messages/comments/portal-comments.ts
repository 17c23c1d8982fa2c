// The portal's own CommentsPort, on client_comments, for hosts that keep no comments.
import type { Knex } from 'knex';
import type { ContactsPort } from '../../../core/index.ts';
import type { CommentsPort, HostComment } from '../port.ts';
import { insertComment, listComments, listCommentsOf, type CommentRow } from './queries.ts';

function present(row: CommentRow): HostComment {
  return {
    id: String(row.id),
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    body: row.body,
    authorContactId: row.author_contact_id,
    authorName: row.author_name,
    createdAt: row.created_at,
  };
}

export function createPortalComments(db: Knex, contacts: ContactsPort): CommentsPort {
  return {
    // Its own table keeps a thread on every kind of record.
    subjectTypes: ['proposal', 'quotation', 'invoice', 'request'],
    async list(workspaceId, subject) {
      return (await listComments(db, workspaceId, subject)).map(present);
    },
    async listMany(workspaceId, subjects) {
      return (await listCommentsOf(db, workspaceId, subjects)).map(present);
    },
    async add(workspaceId, comment) {
      const author = await contacts.findById(workspaceId, comment.authorContactId);
      if (!author) throw new Error(`contact ${comment.authorContactId} is not in workspace ${workspaceId}`);
      return present(await insertComment(db, { workspaceId, ...comment, authorName: author.name }));
    },
    async addFromStaff(workspaceId, { author, ...comment }) {
      return present(
        await insertComment(db, { workspaceId, ...comment, authorContactId: null, authorStaffId: author.id, authorName: author.name }),
      );
    },
  };
}
