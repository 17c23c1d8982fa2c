// SQL for the files the portal keeps beside one host record where the host keeps none itself (a
// ticket's attachments, the files sent with a service request). Each feature owns its table and
// names its columns; the reads are the same for every such table, so they are written once: by
// workspace, client and record for the client's and the staff's pages, by workspace and person for
// the person's own data.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** The columns every such table has for the file itself, in the order the features' reads name them. */
export const RECORD_FILE_COLUMNS = ['file_id', 'filename', 'content_type', 'size_bytes', 'created_at'] as const;

/** A row's file, as RECORD_FILE_COLUMNS read it. */
export interface RecordFileRow {
  file_id: string;
  filename: string;
  content_type: string;
  size_bytes: string | number;
  created_at: Date;
}

/** A feature's table of files kept beside host records. */
export interface RecordAttachmentTable {
  table: string;
  /** The column naming the host record the files belong to (`ticket_id`, `request_id`). */
  recordColumn: string;
  /** What a read returns: the feature's row, column by column. */
  columns: readonly string[];
}

/** The record whose files are read: the client's own, in the workspace. */
export interface RecordScope {
  workspaceId: string;
  clientId: string;
  recordId: string;
}

// The reads come back untyped (knex cannot type a row from a table named at run time); each
// method's return type is the feature's row, as the feature's columns make it.
export function recordAttachmentQueries<Row>(source: RecordAttachmentTable) {
  const { table, recordColumn, columns } = source;
  const scopeOf = (scope: RecordScope) => ({
    workspace_id: scope.workspaceId,
    client_id: scope.clientId,
    [recordColumn]: scope.recordId,
  });
  return {
    /** The record's files in the order they came; the id orders files sent in one go the same on every read. */
    async list(db: Db, scope: RecordScope): Promise<Row[]> {
      const rows = await db(table)
        .where(scopeOf(scope))
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .select(columns);
      return rows;
    },

    /** One of the record's files; another record's file id is not found. */
    async find(db: Db, scope: RecordScope & { attachmentId: string }): Promise<Row | null> {
      const row = await db(table)
        .where({ ...scopeOf(scope), id: scope.attachmentId })
        .first(columns);
      return row ?? null;
    },

    /** Every file the person sent, oldest first, for their own data. */
    async ofPerson(db: Db, workspaceId: string, clientUserId: string): Promise<Row[]> {
      const rows = await db(table).where({ workspace_id: workspaceId, client_user_id: clientUserId }).orderBy('created_at').select(columns);
      return rows;
    },
  };
}
