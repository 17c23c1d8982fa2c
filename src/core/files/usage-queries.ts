// How much a workspace has stored through the portal: the bytes of what people uploaded (client
// uploads on the documents page, message attachments from either side), read from the portal's
// own records of them, so it is the same whichever FileStorage holds the content.
import type { Knex } from 'knex';

/** Bytes of every client upload and message attachment the workspace keeps. */
export async function storedUploadBytes(db: Knex | Knex.Transaction, workspaceId: string): Promise<number> {
  const row = await db
    .select(
      db.raw(
        '(select coalesce(sum(size_bytes), 0) from client_uploads where workspace_id = ?) + (select coalesce(sum(size_bytes), 0) from portal_message_attachments where workspace_id = ?) as bytes',
        [workspaceId, workspaceId],
      ),
    )
    .first<{ bytes: string | number }>();
  return Number(row?.bytes ?? 0);
}
