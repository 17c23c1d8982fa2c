// SQL for client_comments, the portal's own comments table (used when the host keeps none).
import type { Knex } from 'knex';
import { ERASED_NAME } from '../../../core/index.ts';
import type { CommentSubjectType } from '../port.ts';

type Db = Knex | Knex.Transaction;

export interface CommentRow {
  id: number;
  subject_type: CommentSubjectType;
  subject_id: string;
  author_contact_id: string | null;
  author_name: string;
  body: string;
  created_at: Date;
}

const COLUMNS = ['id', 'subject_type', 'subject_id', 'author_contact_id', 'author_name', 'body', 'created_at'];

export async function listComments(db: Db, workspaceId: string, subject: { type: CommentSubjectType; id: string }): Promise<CommentRow[]> {
  return db('client_comments')
    .where({ workspace_id: workspaceId, subject_type: subject.type, subject_id: subject.id })
    .orderBy('created_at')
    .orderBy('id')
    .select(COLUMNS);
}

/** The comments of several records in one query, oldest first. */
export async function listCommentsOf(
  db: Db,
  workspaceId: string,
  subjects: Array<{ type: CommentSubjectType; id: string }>,
): Promise<CommentRow[]> {
  if (subjects.length === 0) return [];
  return db('client_comments')
    .where({ workspace_id: workspaceId })
    .whereIn(
      ['subject_type', 'subject_id'],
      subjects.map((s) => [s.type, s.id]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .select(COLUMNS);
}

export async function insertComment(
  db: Db,
  comment: {
    workspaceId: string;
    subjectType: CommentSubjectType;
    subjectId: string;
    authorContactId: string | null;
    authorStaffId?: string;
    authorName: string;
    body: string;
  },
): Promise<CommentRow> {
  const [row] = await db('client_comments')
    .insert({
      workspace_id: comment.workspaceId,
      subject_type: comment.subjectType,
      subject_id: comment.subjectId,
      author_contact_id: comment.authorContactId,
      author_staff_id: comment.authorStaffId ?? null,
      author_name: comment.authorName,
      body: comment.body,
    })
    .returning(COLUMNS);
  return row as CommentRow;
}

/** Puts ERASED_NAME where the person's name stood on the comments they wrote (the agency keeps the thread); resolves with how many. */
export function anonymiseContactComments(trx: Knex.Transaction, workspaceId: string, contactId: string): Promise<number> {
  return trx('client_comments').where({ workspace_id: workspaceId, author_contact_id: contactId }).update({ author_name: ERASED_NAME });
}
