// Reading one uploaded file from a multipart request as a stream (busboy), without ever holding it
// whole: the first bytes are sniffed for the type, then the rest flows straight into the
// FileStorage port with a byte counter that stops it at the workspace's limit. The CSRF token
// travels in the form's `_csrf` field, which the form puts before the file, so the token is
// checked before a single byte of the file is stored. A client that goes away mid-upload makes
// the content fail, and the storage removes what it had written.
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { detectAllowedType, type DetectedType, readHead, safeFilename, SNIFF_BYTES, typedMultipartName } from '../../core/index.ts';

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

export function receiveUpload<T>(req: Request, options: ReceiveOptions<T>): Promise<ReceivedFile<T>> {
  return new Promise<ReceivedFile<T>>((resolve, reject) => {
    if (!req.is('multipart/form-data')) return reject(new UploadRefused('not_multipart'));
    // A body the browser already says is far over the limit is refused before reading any of it
    // (the form's other fields take well under 64 KB).
    const declared = Number(req.get('Content-Length'));
    if (Number.isFinite(declared) && declared > options.maxBytes + 64 * 1024) return reject(new UploadRefused('too_large'));
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send the file name as UTF-8.
        defParamCharset: 'utf8',
        // One byte over the limit is enough to know it is too large.
        limits: { files: 1, fields: 5, fieldSize: 1024, parts: 6, fileSize: options.maxBytes + 1 },
      });
    } catch {
      return reject(new UploadRefused('not_multipart'));
    }

    let csrfOk = options.csrfVerified;
    let handling: Promise<ReceivedFile<T>> | null = null;
    let failed: Error | null = null;
    let fileStream: Readable | null = null;
    let finished = false;

    const fail = (err: Error) => {
      failed ??= err;
      // The content iterator throws, so the storage cleans up; the rest of the body is drained.
      fileStream?.destroy(err);
    };

    // The body will never end, so busboy will not close: settle here once the storage has undone its part.
    const onAborted = () => {
      if (finished) return;
      finished = true;
      const err = new UploadRefused('aborted');
      fail(err);
      req.unpipe(parser);
      if (handling)
        handling.then(
          () => reject(err),
          () => reject(err),
        );
      else reject(err);
    };
    req.once('aborted', onAborted);
    req.once('close', () => {
      if (!req.complete) onAborted();
    });

    parser.on('field', (name, value) => {
      if (name === '_csrf' && options.csrfMatches(value)) csrfOk = true;
    });

    parser.on('file', (name, stream, info) => {
      // Nothing is stored once the upload has failed or settled (busboy may still hand over parts it had).
      if (name !== UPLOAD_FIELD || handling || !csrfOk || failed || finished) {
        if (!csrfOk) failed ??= new UploadRefused('csrf');
        stream.resume();
        return;
      }
      fileStream = stream;
      handling = (async () => {
        const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        const { head, done } = await readHead(iterator, SNIFF_BYTES);
        if (head.length === 0) throw new UploadRefused('empty');
        if (head.length > options.maxBytes) throw new UploadRefused('too_large');
        const original = typedMultipartName(info.filename ?? '');
        const type = await detectAllowedType(head, original, done);
        if (!type) throw new UploadRefused('wrong_type');
        const filename = safeFilename(original, type);
        let received = 0;
        const content = async function* () {
          received += head.length;
          yield head;
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            received += next.value.length;
            if (received > options.maxBytes || (stream as Readable & { truncated?: boolean }).truncated)
              throw new UploadRefused('too_large');
            yield next.value;
          }
          if ((stream as Readable & { truncated?: boolean }).truncated) throw new UploadRefused('too_large');
          if (failed) throw failed;
        };
        const stored = await options.store({ filename, contentType: type.mime }, content());
        return { filename, type, stored };
      })();
      // Whatever happened, the rest of this file's bytes are read and dropped so busboy can finish.
      handling.catch((err: Error) => {
        failed ??= err;
        stream.resume();
      });
    });

    const settle = () => {
      if (finished) return;
      finished = true;
      if (!handling) return reject(failed ?? new UploadRefused('no_file'));
      handling.then(
        (result) => (failed ? reject(failed) : resolve(result)),
        (err: Error) => reject(failed ?? err),
      );
    };
    // A malformed body (a part header busboy cannot read): the request is unpiped from the parser
    // on its error, so the parser never closes; settle here, once a file being stored is undone,
    // and drop the rest of the body. It is the sender's mistake, refused as an unreadable form.
    // Listened to for good, not once: busboy may report the next malformed part of what it had
    // already been given, and an error nobody listens to ends the process.
    parser.on('error', () => {
      fail(new UploadRefused('not_multipart'));
      req.unpipe(parser);
      req.resume();
      settle();
    });
    parser.once('close', settle);
    req.pipe(parser);
  });
}
