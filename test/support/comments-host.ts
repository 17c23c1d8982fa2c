// Comments the host keeps, for the test host (test-host.ts, option `hostComments`): a CommentsPort
// over one tiny table it creates, host_comments, the way a CRM with its own comments table plugs in
// (no real binding keeps comments the portal can use: Dolibarr's llx_comment authors are users,
// Alga PSA's comments belong to tickets). A comment is written with the contact as author when the
// contact is one of the workspace's; soft-deleted rows (deleted_at) are never listed; the host keeps
// no quotations, so it refuses comments on one.
import type { Knex } from 'knex';
import type { HostClaim } from '../../src/core/ports/host.ts';
import type { CommentsPort, HostComment } from '../../src/features/messages/port.ts';

export const HOST_COMMENTS_CLAIM: HostClaim = {
  concept: 'comment',
  table: 'host_comments',
  columns: ['id', 'workspace_id', 'subject_type', 'subject_id', 'body', 'author_contact_id', 'author_name', 'created_at', 'deleted_at'],
};

export async function createHostCommentsTable(db: Knex): Promise<void> {
  if (await db.schema.hasTable('host_comments')) return;
  await db.schema.createTable('host_comments', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id');
    t.string('subject_type', 20).notNullable();
    t.string('subject_id', 40).notNullable();
    t.text('body').notNullable();
    // Null for a comment by agency staff.
    t.integer('author_contact_id').references('contacts.id');
    t.string('author_name', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('deleted_at', { useTz: true });
  });
}

interface Row {
  id: number;
  subject_type: HostComment['subjectType'];
  subject_id: string;
  body: string;
  author_contact_id: number | null;
  author_name: string;
  created_at: Date;
}

const present = (row: Row): HostComment => ({
  id: String(row.id),
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  body: row.body,
  authorContactId: row.author_contact_id === null ? null : String(row.author_contact_id),
  authorName: row.author_name,
  createdAt: row.created_at,
});

const COLUMNS = ['id', 'subject_type', 'subject_id', 'body', 'author_contact_id', 'author_name', 'created_at'];
const isId = (value: string) => /^[0-9]{1,9}$/.test(value);

export function hostComments(db: Knex): CommentsPort {
  return {
    async list(workspaceId, subject) {
      if (!isId(workspaceId)) return [];
      const rows: Row[] = await db('host_comments')
        .where({ workspace_id: Number(workspaceId), subject_type: subject.type, subject_id: subject.id })
        .whereNull('deleted_at')
        .orderBy('created_at')
        .orderBy('id')
        .select(COLUMNS);
      return rows.map(present);
    },
    async add(workspaceId, comment) {
      if (comment.subjectType === 'quotation') throw new Error('test host: it keeps no quotations');
      if (!isId(workspaceId) || !isId(comment.authorContactId)) throw new Error('test host: no such contact');
      const author = await db('contacts')
        .where({ workspace_id: Number(workspaceId), id: Number(comment.authorContactId) })
        .first('id', 'name');
      if (!author) throw new Error('test host: the author is no contact of this workspace');
      const [row] = await db('host_comments')
        .insert({
          workspace_id: Number(workspaceId),
          subject_type: comment.subjectType,
          subject_id: comment.subjectId,
          body: comment.body,
          author_contact_id: author.id,
          author_name: author.name,
        })
        .returning(COLUMNS);
      return present(row as Row);
    },
  };
}
