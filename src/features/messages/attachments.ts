// Attachments on messages pass the same checks as uploads on the documents page, from the same
// module (documents/file-types.ts): the type allow-list decided by the file's first bytes
// (file-type; the declared type and the name are whatever the sender's machine said), the safe
// stored name, the workspace's size limit (capped per attachment, since they are held in memory),
// and the virus scanner when the host plugged one in. A refused or interrupted form stores
// nothing: files are only stored once every one of them passed (see service.ts).
import { Readable } from 'node:stream';
import {
  ATTACHMENT_MAX_BYTES,
  type AttachmentError,
  detectAllowedType,
  safeFilename,
  SNIFF_BYTES,
  type VirusScanner,
} from '../../core/index.ts';

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

/** The files that pass, or the reason (an i18n key) the first one that does not fails. */
export async function checkAttachments(
  files: IncomingFile[],
  options: { maxBytes?: number; virusScanner?: VirusScanner | undefined } = {},
): Promise<{ ok: true; files: CheckedFile[] } | { ok: false; error: AttachmentError }> {
  const maxBytes = options.maxBytes ?? ATTACHMENT_MAX_BYTES;
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.size > maxBytes || file.buffer.length > maxBytes) return { ok: false, error: 'common:attachments.attachmentSize' };
    const type = await detectAllowedType(file.buffer.subarray(0, SNIFF_BYTES), file.originalname, file.buffer.length <= SNIFF_BYTES);
    if (!type) return { ok: false, error: 'common:attachments.attachmentType' };
    checked.push({
      filename: safeFilename(file.originalname, type),
      contentType: type.mime,
      sizeBytes: file.buffer.length,
      content: file.buffer,
    });
  }
  if (options.virusScanner) {
    for (const file of checked) {
      const verdict = await options.virusScanner.scan(Readable.from([file.content]));
      if (verdict.infected) return { ok: false, error: 'common:attachments.attachmentInfected' };
    }
  }
  return { ok: true, files: checked };
}
