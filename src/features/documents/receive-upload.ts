// Reading one uploaded file from a multipart request as a stream (readMultipart), without ever holding it
// whole: the first bytes are sniffed for the type, then the rest flows straight into the
// FileStorage port with a byte counter that stops it at the workspace's limit. The CSRF token
// travels in the form's `_csrf` field, which the form puts before the file, so the token is
// checked before a single byte of the file is stored. A client that goes away mid-upload makes
// the content fail, and the storage removes what it had written.
import type { Request } from 'express';
import {
  detectAllowedType,
  type DetectedType,
  type MultipartField,
  type MultipartFile,
  readHead,
  readMultipart,
  safeFilename,
  SNIFF_BYTES,
} from '../../core/index.ts';

const UPLOAD_FIELD = 'file';

export type UploadRefusal = 'not_multipart' | 'csrf' | 'no_file' | 'empty' | 'too_large' | 'wrong_type' | 'aborted' | 'storage_full';

export class UploadRefused extends Error {
  constructor(readonly reason: UploadRefusal) {
    super(`upload refused: ${reason}`);
  }
}

export interface ReceivedFile<T> {
  filename: string;
  type: DetectedType;
  stored: T;
}

export interface ReceiveOptions<T> {
  maxBytes: number;
  /** True when the request's CSRF token was already checked (the htmx header). */
  csrfVerified: boolean;
  csrfMatches(token: string): boolean;
  /** Stores the content; must leave nothing behind when the content iterator throws. */
  store(meta: { filename: string; contentType: string }, content: AsyncIterable<Buffer>): Promise<T>;
}

export async function receiveUpload<T>(req: Request, options: ReceiveOptions<T>): Promise<ReceivedFile<T>> {
  if (!req.is('multipart/form-data')) throw new UploadRefused('not_multipart');
  // A body the browser already says is far over the limit is refused before reading any of it
  // (the form's other fields take well under 64 KB).
  const declared = Number(req.get('Content-Length'));
  if (Number.isFinite(declared) && declared > options.maxBytes + 64 * 1024) throw new UploadRefused('too_large');

  let handling: Promise<ReceivedFile<T>> | null = null;
  /** The first reason the upload failed, in the order things happened. */
  let failed: Error | null = null;
  const csrfOk = (fields: readonly MultipartField[]) =>
    options.csrfVerified || fields.some((field) => field.name === '_csrf' && options.csrfMatches(field.value));

  const storeFile = async (file: MultipartFile): Promise<ReceivedFile<T>> => {
    const { stream } = file;
    const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const { head, done } = await readHead(iterator, SNIFF_BYTES);
    if (head.length === 0) throw new UploadRefused('empty');
    if (head.length > options.maxBytes) throw new UploadRefused('too_large');
    const type = await detectAllowedType(head, file.filename, done);
    if (!type) throw new UploadRefused('wrong_type');
    const filename = safeFilename(file.filename, type);
    let received = 0;
    const content = async function* () {
      received += head.length;
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        received += next.value.length;
        if (received > options.maxBytes || file.truncated) throw new UploadRefused('too_large');
        yield next.value;
      }
      if (file.truncated) throw new UploadRefused('too_large');
      if (failed) throw failed;
    };
    const stored = await options.store({ filename, contentType: type.mime }, content());
    return { filename, type, stored };
  };

  const form = await readMultipart(req, {
    // One byte over the limit is enough to know it is too large. Past the counts, parts are dropped unread.
    limits: { files: 1, fields: 5, fieldSize: 1024, parts: 6, fileSize: options.maxBytes + 1 },
    async onFile(file, progress) {
      // Nothing is stored before the token matched, nor a second file, nor once the upload has failed.
      const tokenOk = csrfOk(progress.fields);
      if (file.name !== UPLOAD_FIELD || handling || !tokenOk || failed) {
        if (!tokenOk) failed ??= new UploadRefused('csrf');
        return;
      }
      handling = storeFile(file);
      try {
        await handling;
      } catch (err) {
        // A refusal counts in the order it happened; a file the reader broke off fails for the
        // form's reason (the status below), and any other failure is the stored file's own (below).
        if (!progress.signal.aborted && err instanceof UploadRefused) failed ??= err;
      }
    },
  });
  // The request went away (whatever else went wrong before), or the body broke: the storage has
  // undone its part by now.
  if (form.status === 'aborted') throw new UploadRefused('aborted');
  if (form.status !== 'read') throw failed ?? new UploadRefused('not_multipart');
  if (!handling) throw failed ?? new UploadRefused('no_file');
  if (failed) throw failed;
  return await (handling as Promise<ReceivedFile<T>>);
}
