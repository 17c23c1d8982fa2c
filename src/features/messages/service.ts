// Messages between a client company and the agency: sending (with attachments), reading, read
// receipts, marking unread, assigning. Each change and its live event are written in one
// transaction, then announced on the bus (after commit, so no page fetches a message that is not
// there yet).
import type { Knex } from 'knex';
import { announce, type EventBus, type FileStorage, type LiveEvent, recordLiveEvent, type StoredAttachment } from '../../core/index.ts';
import type { CheckedFile } from './attachments.ts';
import {
  assignConversation,
  ensureConversation,
  findConversation,
  insertAttachment,
  insertMessage,
  markRead,
  markUnread,
  type Reader,
  type Side,
} from './queries.ts';

export const MESSAGE_MAX_LENGTH = 10_000;
export const CONVERSATION_PAGE = 100;

export interface MessagesServiceDeps {
  db: Knex;
  bus: EventBus;
  storage: FileStorage;
  logger: { error(message: string, err?: unknown): void };
  /** Told after a staff message is committed (the client's notifications); a failure is logged. */
  staffMessageSent?: (message: { workspaceId: string; clientId: string; messageId: string }) => Promise<unknown>;
}

export interface NewMessage {
  workspaceId: string;
  clientId: string;
  side: Side;
  clientUserId?: string;
  staffId?: string;
  authorName: string;
  body: string;
  /** Attachments held in memory (the staff form), stored here. */
  files: CheckedFile[];
  /** Attachments already streamed into storage (the client's form): recorded here, or removed if the message is not written. */
  stored?: StoredAttachment[];
}

export function createMessagesService(deps: MessagesServiceDeps) {
  const { db, bus, storage } = deps;

  const publish = (events: LiveEvent[]) =>
    // The change is committed; a bus hiccup must not turn it into an error page. Pages catch up on reload.
    announce(bus, events).catch((err) => deps.logger.error('could not announce a live event', err));

  return {
    async send(message: NewMessage): Promise<{ messageId: string }> {
      // Files first, outside the transaction (the storage port has its own connection); removed
      // again if the message is not written, so a failure leaves no orphan.
      const stored: StoredAttachment[] = [...(message.stored ?? [])];
      try {
        for (const file of message.files) {
          const id = await storage.put(message.workspaceId, 'message-attachment', file);
          stored.push({ id, filename: file.filename, sentName: file.filename, contentType: file.contentType, sizeBytes: file.sizeBytes });
        }
        const { event, messageId } = await db.transaction(async (trx) => {
          const conversation = await ensureConversation(trx, message.workspaceId, message.clientId);
          const inserted = await insertMessage(trx, { ...message, conversationId: conversation.id });
          for (const file of stored) {
            await insertAttachment(trx, {
              workspaceId: message.workspaceId,
              clientId: message.clientId,
              messageId: inserted.id,
              fileId: file.id,
              filename: file.filename,
              contentType: file.contentType,
              sizeBytes: file.sizeBytes,
            });
          }
          // The writer has read their own message (and everything before it).
          const reader: Reader = { side: message.side, id: message.side === 'client' ? message.clientUserId! : message.staffId! };
          await markRead(trx, message.workspaceId, message.clientId, reader, 'conversation', inserted.id);
          const event = await recordLiveEvent(trx, {
            type: 'message-created',
            workspaceId: message.workspaceId,
            clientId: message.clientId,
            data: { conversationId: conversation.id, messageId: inserted.id, side: message.side },
          });
          return { event, messageId: inserted.id };
        });
        await publish([event]);
        if (message.side === 'staff' && deps.staffMessageSent)
          await deps
            .staffMessageSent({ workspaceId: message.workspaceId, clientId: message.clientId, messageId })
            .catch((err) => deps.logger.error('could not notify the client of a staff message', err));
        return { messageId };
      } catch (err) {
        for (const file of stored) await storage.delete(message.workspaceId, file.id).catch(() => {});
        throw err;
      }
    },

    /** Marks the conversation read up to a message; a moved receipt is announced to the other side. */
    async read(workspaceId: string, clientId: string, reader: Reader, upToMessageId: string): Promise<void> {
      if (upToMessageId === '0') return;
      const event = await db.transaction(async (trx) => {
        const moved = await markRead(trx, workspaceId, clientId, reader, 'conversation', upToMessageId);
        if (!moved) return null;
        return recordLiveEvent(trx, { type: 'message-read', workspaceId, clientId, data: { side: reader.side, upTo: upToMessageId } });
      });
      if (event) await publish([event]);
    },

    async markUnread(workspaceId: string, clientId: string, reader: Reader): Promise<boolean> {
      return db.transaction(async (trx) => {
        const conversation = await findConversation(trx, workspaceId, clientId);
        return conversation ? markUnread(trx, workspaceId, clientId, reader, conversation.id) : false;
      });
    },

    async assign(workspaceId: string, clientId: string, staffId: string | null): Promise<boolean> {
      const event = await db.transaction(async (trx) => {
        const conversation = await ensureConversation(trx, workspaceId, clientId);
        await assignConversation(trx, workspaceId, clientId, staffId);
        return recordLiveEvent(trx, {
          type: 'conversation-changed',
          workspaceId,
          clientId,
          data: { conversationId: conversation.id, assignedStaffId: staffId },
        });
      });
      await publish([event]);
      return true;
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
