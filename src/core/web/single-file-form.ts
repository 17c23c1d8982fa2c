// The forms that carry one file beside their fields (the admin's logo, a version staff share with
// a client), read before the CSRF check that finds `_csrf` among the same fields. Each file they
// allow is small, so it is held in memory until it is whole, then handed to the form's own reading
// (its type from its bytes, its name); the fields become the body, with that reading under the
// file's field name. Every such form answers the limits it goes past the same way, in its own
// words where they name its file: a file past its size is not refused here but cut short, so the
// form's reading reports it beside the other fields and nothing typed in the same submit is lost.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { badRequest, HttpError } from '../http/http-error.ts';
import { type MultipartLimits, type MultipartRefusal, readMultipart } from './read-multipart.ts';

export interface SingleFileFormOptions<T> {
  /** The one field a file may come in. */
  field: string;
  /** Bytes of the file kept; past them it is cut short (`truncated`). */
  fileSize: number;
  /** How many fields may come beside the file, and the bytes of each. */
  fields: number;
  fieldSize: number;
  /** The whole body: past it the form is refused, whatever it holds. */
  bodyBytes: number;
  /** The form's words for a second file (400) and for a body past bodyBytes (413). */
  messages: { oneFile: string; bodyTooLarge: string };
  /** What the body holds for the file, read whole or cut at fileSize. */
  read(file: { filename: string; mimeType: string; content: Buffer; truncated: boolean }): Promise<T>;
}

const UNREADABLE = 'We could not read that form. Please try again.';
const TOO_MANY_FIELDS = 'That form had too many or too long fields.';

function limitsOf(options: SingleFileFormOptions<unknown>): MultipartLimits {
  return {
    fileSize: options.fileSize,
    files: 1,
    fields: options.fields,
    // Every field and the file: a part more is none the form sends.
    parts: options.fields + 1,
    fieldSize: options.fieldSize,
    bodyBytes: options.bodyBytes,
  };
}

/** The answer to a limit the form goes past, or null to read on. */
function refusalAnswer(refusal: MultipartRefusal, messages: SingleFileFormOptions<unknown>['messages']): HttpError | null {
  switch (refusal.kind) {
    case 'fileTooLarge':
    case 'unnamedPart':
      return null;
    case 'tooManyFiles':
      return new HttpError(400, messages.oneFile);
    case 'bodyTooLarge':
      return new HttpError(413, messages.bodyTooLarge);
    case 'fieldTooLong':
    case 'tooManyFields':
    case 'tooManyParts':
      return new HttpError(413, TOO_MANY_FIELDS);
  }
}

export function singleFileForm<T>(options: SingleFileFormOptions<T>): RequestHandler {
  const { field } = options;
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    let failure: HttpError | null = null;
    const fail = (error: HttpError | null) => {
      failure ??= error;
    };
    let read: { value: T } | null = null;
    readMultipart(req, {
      limits: limitsOf(options),
      onRefusal: (refusal) => fail(refusalAnswer(refusal, options.messages)),
      async onFile(file) {
        if (file.name !== field) return fail(badRequest(options.messages.oneFile));
        const chunks: Buffer[] = [];
        for await (const chunk of file.stream) chunks.push(chunk as Buffer);
        // A file input left empty still sends a part, without a name and without bytes.
        if (!file.filename && chunks.length === 0) return;
        const content = Buffer.concat(chunks);
        read = { value: await options.read({ filename: file.filename, mimeType: file.mimeType, content, truncated: file.truncated }) };
      },
    }).then(
      (form) => {
        if (form.status === 'malformed' || form.status === 'aborted') fail(badRequest(UNREADABLE));
        if (failure) return next(failure);
        const body: Record<string, unknown> = {};
        for (const { name, value } of form.fields) if (name !== field && !(name in body)) body[name] = value;
        if (read) body[field] = (read as { value: T }).value;
        req.body = body;
        next();
      },
      () => next(badRequest(UNREADABLE)),
    );
  };
}
