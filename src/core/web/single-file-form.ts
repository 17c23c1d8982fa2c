// The forms that carry one file beside their fields (the admin's logo, a version staff share with
// a client), read before the CSRF check that finds `_csrf` among the same fields. Each file they
// allow is small, so it is held in memory until it is whole, then handed to the form's own reading
// (its type from its bytes, its name); the fields become the body, with that reading under the
// file's field name. What each limit the form goes past answers is the form's own.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { badRequest, type HttpError } from '../http/http-error.ts';
import { type MultipartLimits, type MultipartRefusal, readMultipart } from './read-multipart.ts';

export interface SingleFileFormOptions<T> {
  /** The one field a file may come in. */
  field: string;
  limits: MultipartLimits;
  /** The answer to a limit the form goes past, or null to read on (a file past its size is cut short, `truncated`). */
  refusal(refusal: MultipartRefusal): HttpError | null;
  /** The answer to a file in another field (a new one for each request). */
  otherFile: () => HttpError;
  /** The message for a body that cannot be read as a form. */
  unreadable: string;
  /** What the body holds for the file, read whole or cut at limits.fileSize. */
  read(file: { filename: string; mimeType: string; content: Buffer; truncated: boolean }): Promise<T>;
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
      limits: options.limits,
      onRefusal: (refusal) => fail(options.refusal(refusal)),
      async onFile(file) {
        if (file.name !== field) return fail(options.otherFile());
        const chunks: Buffer[] = [];
        for await (const chunk of file.stream) chunks.push(chunk as Buffer);
        // A file input left empty still sends a part, without a name and without bytes.
        if (!file.filename && chunks.length === 0) return;
        const content = Buffer.concat(chunks);
        read = { value: await options.read({ filename: file.filename, mimeType: file.mimeType, content, truncated: file.truncated }) };
      },
    }).then(
      (form) => {
        if (form.status === 'malformed' || form.status === 'aborted') fail(badRequest(options.unreadable));
        if (failure) return next(failure);
        const body: Record<string, unknown> = {};
        for (const { name, value } of form.fields) if (name !== field && !(name in body)) body[name] = value;
        if (read) body[field] = (read as { value: T }).value;
        req.body = body;
        next();
      },
      () => next(badRequest(options.unreadable)),
    );
  };
}
