// The staff forms that share a version carry one file (multipart). They are read here, before the
// CSRF check that finds `_csrf` among the same fields, with the limits of every other upload of the
// portal: at most ATTACHMENT_MAX_BYTES, a type read from the file's first bytes (never its name or
// the declared type), from the same list of allowed types. The file stays in memory (at most the
// cap, plus one byte to know it is over) until the share hands it to the host.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ATTACHMENT_MAX_BYTES,
  badRequest,
  detectAllowedType,
  HttpError,
  type MultipartRefusal,
  readMultipart,
  safeFilename,
} from '../../core/index.ts';

const SHARED_FILE_FIELD = 'file';

/** The form's file once read: its safe name, the type its bytes are (null: none allowed), and whether it went past the cap. */
export interface SharedFile {
  name: string;
  contentType: string | null;
  size: number;
  tooLarge: boolean;
  content: Buffer;
}

const FIELD_LIMITS = { fields: 10, fieldSize: 16 * 1024 };
const UNREADABLE = 'We could not read that form. Please try again.';
const ONE_FILE = 'Only one file can be shared with this form.';
const TOO_MANY_FIELDS = 'That form had too many or too long fields.';
const TOO_LARGE = 'The file is larger than 10 MB. Share a smaller file.';

function refusalError(refusal: MultipartRefusal): HttpError | null {
  switch (refusal.kind) {
    case 'fileTooLarge':
    case 'unnamedPart':
      return null;
    case 'tooManyFiles':
      return new HttpError(400, ONE_FILE);
    case 'bodyTooLarge':
      return new HttpError(413, TOO_LARGE);
    case 'fieldTooLong':
    case 'tooManyFields':
    case 'tooManyParts':
      return new HttpError(413, TOO_MANY_FIELDS);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
const withoutControls = (name: string) => name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

export function parseSharedFileForm(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    let failure: HttpError | null = null;
    const fail = (error: HttpError | null) => {
      failure ??= error;
    };
    let shared: SharedFile | null = null;
    readMultipart(req, {
      limits: {
        // One byte past the cap is enough to know the file is too large.
        fileSize: ATTACHMENT_MAX_BYTES + 1,
        files: 1,
        fields: FIELD_LIMITS.fields,
        parts: FIELD_LIMITS.fields + 1,
        fieldSize: FIELD_LIMITS.fieldSize,
        bodyBytes: ATTACHMENT_MAX_BYTES + 256 * 1024,
      },
      onRefusal: (refusal) => fail(refusalError(refusal)),
      async onFile(file) {
        if (file.name !== SHARED_FILE_FIELD) return fail(badRequest(ONE_FILE));
        const chunks: Buffer[] = [];
        for await (const chunk of file.stream) chunks.push(chunk as Buffer);
        // A file input left empty still sends a part, without a name and without bytes.
        if (!file.filename && chunks.length === 0) return;
        const content = Buffer.concat(chunks);
        const tooLarge = file.truncated || content.length > ATTACHMENT_MAX_BYTES;
        const type = tooLarge || content.length === 0 ? null : await detectAllowedType(content, file.filename, true).catch(() => null);
        shared = {
          name: type ? safeFilename(file.filename, type) : withoutControls(file.filename).slice(0, 255),
          contentType: type?.mime ?? null,
          size: content.length,
          tooLarge,
          content: tooLarge ? Buffer.alloc(0) : content,
        };
      },
    }).then(
      (form) => {
        if (form.status === 'malformed' || form.status === 'aborted') fail(badRequest(UNREADABLE));
        if (failure) return next(failure);
        const body: Record<string, unknown> = {};
        for (const { name, value } of form.fields) if (name !== SHARED_FILE_FIELD && !(name in body)) body[name] = value;
        if (shared) body[SHARED_FILE_FIELD] = shared;
        req.body = body;
        next();
      },
      () => next(badRequest(UNREADABLE)),
    );
  };
}
