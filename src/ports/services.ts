// Ports for the services the portal uses besides the host: flags, mail and file storage.

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

export interface Mailer {
  send(message: MailMessage): Promise<void>;
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
