// Multipart parsing for the staff side's message attachments (the client's form streams its files
// into storage instead: receive-attachments.ts): at most ATTACHMENT_MAX_FILES files of at most
// ATTACHMENT_MAX_BYTES each, held in memory until checked and stored. A plain (urlencoded) form
// passes through without attachments.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpError } from '../../core/http/http-error.ts';
import { ATTACHMENT_FIELD, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES } from './attachments.ts';

export function parseMessageForm(translate: (res: Response, key: string) => string): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: ATTACHMENT_MAX_BYTES, files: ATTACHMENT_MAX_FILES, fields: 10, parts: 15, fieldSize: 64 * 1024 },
  }).array(ATTACHMENT_FIELD, ATTACHMENT_MAX_FILES);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      // Files come only from the multipart parser: a text field named like them is not one.
      if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>).attachments;
      return next();
    }
    upload(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new HttpError(413, translate(res, 'messages:errors.attachmentSize')));
        if (err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE')
          return next(new HttpError(400, translate(res, 'messages:errors.attachmentCount')));
        return next(new HttpError(413, translate(res, 'messages:errors.formTooLarge')));
      }
      if (err) return next(new HttpError(400, translate(res, 'messages:errors.formUnreadable')));
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      // Empty file inputs arrive as a part without a name; they are no attachment.
      (req.body as Record<string, unknown>).attachments = files.filter((file) => file.originalname !== '' && file.size > 0);
      next();
    });
  };
}
