// The one reader of multipart/form-data bodies (busboy) behind every form of the portal that
// carries files: the client's attachments, a document upload, a staff reply's attachments, the
// admin's logo. It owns what they all need the same way: the parser and its limits, the fields
// as they arrive, each file handed over as a stream while it arrives (never held whole here),
// the limits a form goes past reported as typed refusals in the order they happen, and the end
// of the reading. A form that is broken off (the client goes away, the body is malformed, a caller
// stops at a refusal) ends every file still being read with an error, so whatever a file was
// being streamed into (storage) undoes its part, and the promise settles only once every file's
// handler has. What a refusal means (a status, a message, carrying on or stopping) is each form's
// own: the reader only says what happened.
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { typedMultipartName } from './multipart-names.ts';

export interface MultipartLimits {
  /** Bytes per file. A file past it has its stream cut there (`truncated`) and a fileTooLarge refusal. */
  fileSize: number;
  files: number;
  fields: number;
  parts: number;
  /** Bytes per field value; a longer value is cut there, with a fieldTooLong refusal. */
  fieldSize: number;
  /** The whole body: past it the reading stops (bodyTooLarge), whatever the form would still send. */
  bodyBytes?: number;
}

/** A limit the form went past, or a part no form of a page sends. */
export type MultipartRefusal =
  | { kind: 'fileTooLarge'; name: string }
  | { kind: 'tooManyFiles' }
  | { kind: 'tooManyFields' }
  | { kind: 'tooManyParts' }
  | { kind: 'fieldTooLong'; name: string }
  /** A part without a name; it is still handed over, named ''. */
  | { kind: 'unnamedPart' }
  | { kind: 'bodyTooLarge' };

export interface MultipartField {
  /** As typed (typedMultipartName); '' for a part without a name. */
  name: string;
  value: string;
}

export interface MultipartFile {
  /** The part's name, as typed; '' for a part without a name. */
  name: string;
  /** The file's name as typed; '' for an empty file input. */
  filename: string;
  mimeType: string;
  /**
   * The file's bytes as they arrive. What the handler leaves unread (however it read) is read and
   * dropped after it settles; a handler that destroys it stops the form, as stop() does.
   */
  stream: Readable;
  /** True once the file went past limits.fileSize: its stream then ends short of the file. */
  readonly truncated: boolean;
}

/** How far a form has got, for the handlers while it is read. */
export interface MultipartProgress {
  /** The fields read so far, in the order they came (a token before the files is among them). */
  readonly fields: readonly MultipartField[];
  /** Aborted once the reading ends early (stopped, malformed, aborted): a file then will not end. */
  readonly signal: AbortSignal;
  /** Stops reading at once: files being read end with an error, the rest of the body is dropped. */
  stop(): void;
}

export interface ReadMultipartOptions {
  limits: MultipartLimits;
  /**
   * Called for each file as it starts; the reading goes on while it reads the stream, and the
   * form settles only once every returned promise has. A handler that fails makes a form read to
   * its end fail with its error (after the others settled); a form broken off settles with its
   * status, whatever its handlers did.
   */
  onFile(file: MultipartFile, form: MultipartProgress): Promise<void> | void;
  /** Each refusal as it happens, before any later part is read (a caller that stops here reads no further). */
  onRefusal?(refusal: MultipartRefusal, form: MultipartProgress): void;
}

/**
 * read: to its end, refusals noted on the way; stopped: a caller's stop() or the body limit ended
 * it; malformed: no multipart body a browser sends (no boundary, a broken part header, cut short);
 * aborted: the request ended before its body did.
 */
type MultipartStatus = 'read' | 'stopped' | 'malformed' | 'aborted';

export interface MultipartForm {
  status: MultipartStatus;
  fields: MultipartField[];
  refusals: MultipartRefusal[];
}

/** The rest of a body the reader stopped at: read before the answer, so the browser is not cut off mid-upload. */
function bodyRead(req: Request): Promise<void> {
  if (!req.readable || req.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    req
      .once('end', resolve)
      .once('error', () => resolve())
      .once('close', resolve);
  });
}

/**
 * Reads and drops what a handler left of its file, however it was reading it. busboy ends the form
 * only once every file's stream has ended, so a file left half-read holds the form, and its answer,
 * until the client gives up. resume() is not enough: a handler that read through an async iterator
 * and stopped (a file refused part-way) leaves the iterator's 'readable' listener behind, and while
 * one is there resume() does nothing; reading does, and a read past the end is what emits 'end'.
 */
function dropRest(stream: Readable): void {
  if (stream.readableEnded) return;
  const drop = () => {
    while (stream.read() !== null);
  };
  stream.on('readable', drop);
  drop();
}

export function readMultipart(req: Request, options: ReadMultipartOptions): Promise<MultipartForm> {
  return new Promise<MultipartForm>((resolve, reject) => {
    const fields: MultipartField[] = [];
    const refusals: MultipartRefusal[] = [];
    const controller = new AbortController();
    /** Files still being read: ended with an error when the form is broken off, or storing waits forever. */
    const open = new Set<Readable>();
    const handling: Array<Promise<void>> = [];
    let failure: { error: unknown } | null = null;
    let status: MultipartStatus | null = null;
    let parser: busboy.Busboy | null = null;

    const settle = async (drain: boolean) => {
      await Promise.allSettled(handling);
      if (drain) await bodyRead(req);
      // A form broken off answers for itself: a handler's failure then is most likely its consequence.
      if (failure && status === 'read') reject(failure.error);
      else resolve({ status: status!, fields, refusals });
    };
    const end = (outcome: Exclude<MultipartStatus, 'read'>) => {
      if (status) return;
      status = outcome;
      const reason = new Error(`multipart form ${outcome}`);
      controller.abort(reason);
      for (const stream of open) stream.destroy(reason);
      if (parser) req.unpipe(parser);
      req.resume();
      void settle(outcome !== 'aborted');
    };
    const progress: MultipartProgress = { fields, signal: controller.signal, stop: () => end('stopped') };
    const refuse = (refusal: MultipartRefusal) => {
      if (status) return;
      refusals.push(refusal);
      options.onRefusal?.(refusal, progress);
    };

    // Listened to for good: an 'error' nobody listens to ends the process.
    req.on('error', () => end('aborted'));
    req.once('close', () => {
      if (!req.complete) end('aborted');
    });
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send file names as UTF-8 (busboy would read them as latin1).
        defParamCharset: 'utf8',
        limits: {
          fileSize: options.limits.fileSize,
          files: options.limits.files,
          fields: options.limits.fields,
          parts: options.limits.parts,
          fieldSize: options.limits.fieldSize,
        },
      });
    } catch {
      return end('malformed');
    }

    parser.on('field', (rawName: string | undefined, value, info) => {
      if (status) return;
      const name = rawName ? typedMultipartName(rawName) : '';
      if (!rawName) refuse({ kind: 'unnamedPart' });
      if (info.nameTruncated || info.valueTruncated) refuse({ kind: 'fieldTooLong', name });
      if (!status) fields.push({ name, value });
    });
    parser.on('file', (rawName: string | undefined, stream, info) => {
      const name = rawName ? typedMultipartName(rawName) : '';
      if (!rawName) refuse({ kind: 'unnamedPart' });
      // Nothing is handed over once the form has ended (busboy may still hand over parts it had).
      if (status) {
        stream.resume();
        return;
      }
      open.add(stream);
      // Ending it with an error is how a broken-off form reaches its handler (which may not have
      // begun to read it yet): never an 'error' nobody listens to, which would end the process.
      stream.on('error', () => {});
      // busboy marks the stream truncated only after this event: the refusal is what says so here.
      let truncated = false;
      stream.once('limit', () => {
        truncated = true;
        refuse({ kind: 'fileTooLarge', name });
      });
      const file: MultipartFile = {
        name,
        filename: typedMultipartName(info.filename ?? ''),
        mimeType: info.mimeType,
        stream,
        get truncated() {
          return truncated;
        },
      };
      handling.push(
        (async () => options.onFile(file, progress))()
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => {
            open.delete(stream);
            // A file its handler destroyed before its end can no longer end: busboy would wait for it.
            if (stream.destroyed && !stream.readableEnded) end('stopped');
            else dropRest(stream);
          }),
      );
    });
    parser.on('filesLimit', () => refuse({ kind: 'tooManyFiles' }));
    parser.on('fieldsLimit', () => refuse({ kind: 'tooManyFields' }));
    parser.on('partsLimit', () => refuse({ kind: 'tooManyParts' }));
    // Listened to for good, not once: busboy may report the next malformed part of what it had
    // already been given.
    parser.on('error', () => end('malformed'));
    parser.once('close', () => {
      if (status) return;
      status = 'read';
      void settle(false);
    });
    const { bodyBytes } = options.limits;
    if (bodyBytes !== undefined) {
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > bodyBytes && !status) {
          refuse({ kind: 'bodyTooLarge' });
          end('stopped');
        }
      });
    }
    req.pipe(parser);
  });
}
