// Attachments on messages: a size cap, a type allow-list checked by the file's first bytes (the
// declared type and the name are whatever the sender's machine said), a safe stored name.
//
// The documents feature brings its own upload checks and a streaming FileStorage; until those are
// shared, messages keep files in memory up to ATTACHMENT_MAX_BYTES and store them through the
// existing FileStorage port (portal_files by default).
import { detectImageType } from '../admin/uploads.ts';

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_FILES = 5;
export const ATTACHMENT_FIELD = 'attachments';

export interface IncomingFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface CheckedFile {
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Buffer;
}

const startsWith = (content: Buffer, bytes: number[], at = 0) => bytes.every((byte, i) => content[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf', 'text/plain': 'txt',
};

/** PDF, the web's image types, or plain UTF-8 text without control characters; anything else is refused. */
export function detectAttachmentType(content: Buffer): string | null {
  const image = detectImageType(content);
  if (image) return image;
  if (startsWith(content, ascii('%PDF-'))) return 'application/pdf';
  const text = content.toString('utf8');
  if (content.length > 0 && Buffer.from(text, 'utf8').equals(content) && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return 'text/plain';
  return null;
}

export function safeFilename(originalName: string, contentType: string): string {
  const base = originalName
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N}._ -]+/gu, '')
    .trim()
    .slice(0, 100);
  return `${base || 'attachment'}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

/** The files that pass, or the reason (an i18n key) the first one that does not fails. */
export function checkAttachments(files: IncomingFile[]): { ok: true; files: CheckedFile[] } | { ok: false; error: 'messages:errors.attachmentType' | 'messages:errors.attachmentSize' } {
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.size > ATTACHMENT_MAX_BYTES) return { ok: false, error: 'messages:errors.attachmentSize' };
    const contentType = detectAttachmentType(file.buffer);
    if (!contentType) return { ok: false, error: 'messages:errors.attachmentType' };
    checked.push({ filename: safeFilename(file.originalname, contentType), contentType, sizeBytes: file.size, content: file.buffer });
  }
  return { ok: true, files: checked };
}
