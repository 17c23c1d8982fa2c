// What a file attached to a form (a message, a ticket and its answers) may be: the same limits
// wherever it is attached, so a file one form takes is never refused by the next. The per-file
// cap holds because the staff side's forms keep their files in memory until checked.

/** Multipart parsing on the staff side holds attachments in memory, so each is capped here whatever the workspace allows. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_FILES = 5;
export const ATTACHMENT_FIELD = 'attachments';

export type AttachmentError =
  | 'common:attachments.attachmentType'
  | 'common:attachments.attachmentSize'
  | 'common:attachments.attachmentInfected';

/** The per-file limit: the workspace's upload limit, at most ATTACHMENT_MAX_BYTES. */
export function attachmentLimitBytes(workspaceMaxMb?: number): number {
  return workspaceMaxMb === undefined ? ATTACHMENT_MAX_BYTES : Math.min(ATTACHMENT_MAX_BYTES, workspaceMaxMb * 1024 * 1024);
}

/** Reads up to `bytes` from the start of the stream, keeping the iterator for the rest. */
export async function readHead(iterator: AsyncIterator<Buffer>, bytes: number): Promise<{ head: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) return { head: Buffer.concat(parts, length), done: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(parts, length), done: false };
}
