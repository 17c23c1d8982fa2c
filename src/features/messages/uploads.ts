// Multipart parsing for the staff side's message attachments (the client's form streams its files
// into storage instead: core/web/attachments-form.ts): at most ATTACHMENT_MAX_FILES files of at most
// ATTACHMENT_MAX_BYTES each, held in memory until checked and stored. A plain (urlencoded) form
// passes through without attachments. Read with readMultipart, as every multipart form of the
// portal; the first limit a form passes ends it, and the rest of the body is read and dropped
// before the answer, so the browser is not cut off mid-upload.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ATTACHMENT_FIELD,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_FILES,
  HttpError,
  type MultipartProgress,
  type MultipartRefusal,
  readMultipart,
} from '../../core/index.ts';
import type { IncomingFile } from './attachments.ts';

type FormError = 'common:attachments.attachmentSize' | 'common:attachments.attachmentCount' | 'common:attachments.formTooLarge';

const STATUS: Record<FormError, number> = {
  'common:attachments.attachmentSize': 413,
  'common:attachments.attachmentCount': 400,
  'common:attachments.formTooLarge': 413,
};

/** What each limit a form goes past is reported as; every one ends the form. */
const REFUSED: Record<MultipartRefusal['kind'], FormError> = {
  fileTooLarge: 'common:attachments.attachmentSize',
  tooManyFiles: 'common:attachments.attachmentCount',
  tooManyFields: 'common:attachments.formTooLarge',
  tooManyParts: 'common:attachments.formTooLarge',
  // A part without a name, or with a value past its limit, is no form a page sends.
  fieldTooLong: 'common:attachments.formTooLarge',
  unnamedPart: 'common:attachments.formTooLarge',
  bodyTooLarge: 'common:attachments.formTooLarge',
};

export function parseMessageForm(translate: (res: Response, key: string) => string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      // Files come only from the multipart parser: a text field named like them is not one.
      if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>).attachments;
      return next();
    }
    const unreadable = () => new HttpError(400, translate(res, 'common:attachments.formUnreadable'));
    const files: IncomingFile[] = [];
    let reading = 0;
    /** The first limit the form went past: it ended the form there. */
    let refusal: FormError | null = null;
    const refuse = (error: FormError, form: MultipartProgress) => {
      refusal ??= error;
      form.stop();
    };
    readMultipart(req, {
      // One more than allowed of each, so that reaching a limit is not yet passing it.
      limits: { fileSize: ATTACHMENT_MAX_BYTES + 1, files: ATTACHMENT_MAX_FILES, fields: 10, parts: 16, fieldSize: 64 * 1024 + 1 },
      onRefusal: (refused, form) => refuse(REFUSED[refused.kind], form),
      async onFile(file, form) {
        // An empty file input sends a part without a file name; it is no attachment.
        if (!file.filename) return;
        if (file.name !== ATTACHMENT_FIELD || files.length + reading >= ATTACHMENT_MAX_FILES) {
          return refuse('common:attachments.attachmentCount', form);
        }
        reading += 1;
        const chunks: Buffer[] = [];
        for await (const chunk of file.stream) chunks.push(chunk as Buffer);
        reading -= 1;
        const buffer = Buffer.concat(chunks);
        files.push({ originalname: file.filename, mimetype: file.mimeType, size: buffer.length, buffer });
      },
    }).then(
      (form) => {
        if (form.status === 'stopped' && refusal) return next(new HttpError(STATUS[refusal], translate(res, refusal)));
        if (form.status !== 'read') return next(unreadable());
        const body: Record<string, unknown> = Object.create(null);
        for (const { name, value } of form.fields) {
          const prior = body[name];
          // A repeated field becomes a list (which the schema then refuses), as a urlencoded form's does.
          body[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
        }
        // Empty file inputs arrive as a part without a name; they are no attachment.
        body.attachments = files.filter((file) => file.originalname !== '' && file.size > 0);
        req.body = body;
        next();
      },
      () => next(unreadable()),
    );
  };
}
