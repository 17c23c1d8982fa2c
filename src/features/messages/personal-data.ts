// The messages' part of a person's data: the messages they wrote with their attachments, the
// comments they wrote (the portal's, or the host's where it keeps them: found through the records
// their activity says they commented on), and their email preference. On erasure the agency keeps
// the threads under a name that no longer names them; their read markers and preferences go.
import type { Knex } from 'knex';
import { type ArchiveEntry, archiveStoredFile, type FileStorage, iso, personActivity, type PersonalDataHook } from '../../core/index.ts';
import type { CommentsPort, CommentSubjectType, HostComment } from './port.ts';
import { anonymiseContactComments } from './comments/queries.ts';
import {
  anonymisePersonMessages,
  countPersonMessages,
  deletePersonPreferences,
  deletePersonReadMarkers,
  personMessageEmails,
  personMessages,
} from './queries.ts';

const COMMENT_SUBJECTS: readonly CommentSubjectType[] = ['proposal', 'quotation', 'invoice', 'request'];

export function messagesPersonalData(deps: {
  db: Knex;
  storage: FileStorage;
  comments: CommentsPort;
  /** False where the host keeps the comments: they are its records then, and stay as they are. */
  portalKeepsComments: boolean;
}): PersonalDataHook {
  const { db, storage } = deps;

  /** The comments the person wrote, found through the records their activity says they commented on. */
  async function authoredComments(workspaceId: string, clientUserId: string, contactId: string): Promise<HostComment[]> {
    const commentedOn = new Map<string, { type: CommentSubjectType; id: string }>();
    for (const row of await personActivity(db, workspaceId, clientUserId)) {
      const type = row.details?.subjectType;
      const id = row.details?.subjectId;
      if (row.event === 'comment.added' && COMMENT_SUBJECTS.includes(type as CommentSubjectType) && typeof id === 'string')
        commentedOn.set(`${type}:${id}`, { type: type as CommentSubjectType, id });
    }
    const subjects = [...commentedOn.values()];
    if (subjects.length === 0) return [];
    const all = deps.comments.listMany
      ? await deps.comments.listMany(workspaceId, subjects)
      : (await Promise.all(subjects.map((s) => deps.comments.list(workspaceId, s)))).flat();
    return all.filter((comment) => comment.authorContactId === contactId);
  }

  return {
    tables: [
      'portal_messages',
      'portal_message_attachments',
      'portal_read_markers',
      'portal_client_preferences',
      // The host's comments are its records (and it has no such table then).
      ...(deps.portalKeepsComments ? ['client_comments'] : []),
    ],

    async export({ workspaceId, user }) {
      const [messages, messageEmails, comments] = await Promise.all([
        personMessages(db, workspaceId, user.id),
        personMessageEmails(db, workspaceId, user.id),
        authoredComments(workspaceId, user.id, user.contact_id),
      ]);
      const entries: ArchiveEntry[] = [];
      const messageEntries = [];
      for (const message of messages) {
        const attachments = [];
        for (const attachment of message.attachments) {
          const path = await archiveStoredFile(storage, workspaceId, entries, 'attachments', attachment);
          attachments.push({
            filename: attachment.filename,
            contentType: attachment.content_type,
            sizeBytes: attachment.size_bytes,
            path,
          });
        }
        messageEntries.push({
          id: message.id,
          conversation: message.conversation_id,
          at: iso(message.created_at),
          body: message.body,
          attachments,
        });
      }
      entries.push({ path: 'messages.json', json: messageEntries });
      entries.push({
        path: 'comments.json',
        json: comments.map((c) => ({ id: c.id, on: { type: c.subjectType, id: c.subjectId }, at: iso(c.createdAt), body: c.body })),
      });
      return { profile: { messageEmails }, entries };
    },

    async erase(trx, person) {
      const preferences = await deletePersonPreferences(trx, person.workspaceId, person.id);
      const read_markers = await deletePersonReadMarkers(trx, person.workspaceId, person.id);
      const messages = await anonymisePersonMessages(trx, person.workspaceId, person.id);
      // Where the host keeps comments, they are its records and stay as they are.
      const comments = deps.portalKeepsComments ? await anonymiseContactComments(trx, person.workspaceId, person.contactId) : 0;
      return { counts: { preferences, read_markers, messages, comments } };
    },

    counts: (db, person) => ({ messages: countPersonMessages(db, person.workspaceId, person.id) }),
  };
}
