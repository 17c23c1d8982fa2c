// Ports for the services the portal uses besides the host: flags, mail, file storage and virus scanning.
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';

export interface FlagContext {
  workspaceId: string;
  workspaceSlug?: string;
}

export interface FeatureFlags {
  isEnabled(flag: string, context: FlagContext): boolean;
  /** Whether the flags have data to answer from (readiness); omitted means always. */
  isReady?(): boolean;
  close(): Promise<void>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Where a reply goes when not to the From address (an invitation sent in the agency's name: its own address). */
  replyTo?: string;
  /**
   * An iCalendar object (an appointment's invitation or its cancellation), sent as the message's
   * text/calendar part with its METHOD, so mail programs offer to add it to the calendar.
   */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
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

/** A stored file opened for reading: `content` is read once, in chunks, never as one buffer. */
export interface OpenedFile {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
}

/**
 * The portal's own files (logos, client uploads), scoped by workspace. put/get hold the whole file
 * in memory and are for small ones (a logo); putStream/open stream, for anything a client uploads.
 */
export interface FileStorage {
  put(workspaceId: string, purpose: string, file: Omit<StoredFile, 'id'>): Promise<string>;
  get(workspaceId: string, id: string): Promise<StoredFile | null>;
  delete(workspaceId: string, id: string): Promise<void>;
  /**
   * Stores the content as it arrives. Resolves once all of it is stored; when the content fails
   * (the client went away, a limit was hit) it rejects and leaves nothing behind.
   */
  putStream(
    workspaceId: string,
    purpose: string,
    meta: { filename: string; contentType: string },
    content: AsyncIterable<Buffer>,
  ): Promise<{ id: string; sizeBytes: number }>;
  open(workspaceId: string, id: string): Promise<OpenedFile | null>;
}

export type ScanVerdict = { infected: false } | { infected: true; signature: string };

/** An antivirus the host plugs in (e.g. clamd); the portal runs every client upload through it. */
export interface VirusScanner {
  scan(content: Readable): Promise<ScanVerdict>;
}
