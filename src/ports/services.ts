// Ports for the services the portal uses besides the host: flags, mail and file storage.
import type { Knex } from 'knex';

export interface FlagContext {
  workspaceId: string;
  workspaceSlug?: string;
}

export interface FeatureFlags {
  isEnabled(flag: string, context: FlagContext): boolean;
  close(): Promise<void>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailSendOptions {
  /**
   * The transaction the message belongs to: with the portal's outbox the message is queued in it,
   * so it goes out only if the transaction commits. A transport (SMTP) ignores it.
   */
  trx?: Knex.Transaction;
}

/**
 * Sends email. The host provides a transport (SMTP, or the development outbox); inside the portal
 * every feature gets the outbox's mailer, which queues the message for the delivery worker.
 */
export interface Mailer {
  send(message: MailMessage, options?: MailSendOptions): Promise<void>;
}

export interface StoredFile {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Buffer;
}

export interface FileStorage {
  put(workspaceId: string, purpose: string, file: Omit<StoredFile, 'id'>): Promise<string>;
  get(workspaceId: string, id: string): Promise<StoredFile | null>;
  delete(workspaceId: string, id: string): Promise<void>;
}
