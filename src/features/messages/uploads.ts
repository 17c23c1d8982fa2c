// Multipart parsing for the staff side's message attachments (the client's form streams its files
// into storage instead: core/web/attachments-form.ts): at most ATTACHMENT_MAX_FILES files of at most
// ATTACHMENT_MAX_BYTES each, held in memory until checked and stored. A plain (urlencoded) form
// passes through without attachments. Read with busboy, as every multipart form of the portal;
// the first limit a form passes ends it, and the rest of the body is read and dropped before the
// answer, so the browser is not cut off mid-upload.
import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ATTACHMENT_FIELD, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES, HttpError, typedMultipartName } from '../../core/index.ts';
import type { IncomingFile } from './attachments.ts';

type FormError = 'messages:errors.attachmentSize' | 'messages:errors.attachmentCount' | 'messages:errors.formTooLarge';

const STATUS: Record<FormError, number> = {
  'messages:errors.attachmentSize': 413,
  'messages:errors.attachmentCount': 400,
  'messages:errors.formTooLarge': 413,
};

export function parseMessageForm(translate: (res: Response, key: string) => string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      // Files come only from the multipart parser: a text field named like them is not one.
      if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>).attachments;
      return next();
    }
    const unreadable = () => new HttpError(400, translate(res, 'messages:errors.formUnreadable'));
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // File names arrive as UTF-8 from browsers, as on the client's form (busboy would read them as latin1).
        defParamCharset: 'utf8',
        // One more than allowed of each, so that reaching a limit is not yet passing it.
        limits: { fileSize: ATTACHMENT_MAX_BYTES + 1, files: ATTACHMENT_MAX_FILES, fields: 10, parts: 16, fieldSize: 64 * 1024 + 1 },
      });
    } catch {
      return next(unreadable());
    }
    const body: Record<string, unknown> = Object.create(null);
    const files: IncomingFile[] = [];
    let reading = 0;
    let closed = false;
    let done = false;

    const finish = (err: HttpError | null) => {
      if (done) return;
      done = true;
      req.unpipe(parser);
      if (!err) {
        // Empty file inputs arrive as a part without a name; they are no attachment.
        body.attachments = files.filter((file) => file.originalname !== '' && file.size > 0);
        req.body = body;
        return next();
      }
      req.resume();
      // The rest of the body is read before the answer (or the request is gone already).
      if (req.readable && !req.destroyed) {
        let called = false;
        const answer = () => {
          if (called) return;
          called = true;
          next(err);
        };
        req.once('end', answer).once('error', answer).once('close', answer);
        return;
      }
      next(err);
    };
    const refuse = (error: FormError) => finish(new HttpError(STATUS[error], translate(res, error)));
    const settleIfRead = () => {
      if (closed && reading === 0) finish(null);
    };

    parser.on('field', (name, value, info) => {
      // A part without a name, or with a name or value past its limit, is no form a page sends.
      if (name == null || info.nameTruncated || info.valueTruncated) return refuse('messages:errors.formTooLarge');
      const key = typedMultipartName(name);
      const prior = body[key];
      // A repeated field becomes a list (which the schema then refuses), as a urlencoded form's does.
      body[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
    });
    parser.on('file', (name, stream, info) => {
      if (name == null) {
        stream.resume();
        return refuse('messages:errors.formTooLarge');
      }
      const filename = info.filename;
      if (done || !filename) return stream.resume();
      if (typedMultipartName(name) !== ATTACHMENT_FIELD || files.length + reading >= ATTACHMENT_MAX_FILES) {
        stream.resume();
        return refuse('messages:errors.attachmentCount');
      }
      reading += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        stream.resume();
        refuse('messages:errors.attachmentSize');
      });
      stream.on('error', () => finish(unreadable()));
      stream.on('end', () => {
        reading -= 1;
        const buffer = Buffer.concat(chunks);
        files.push({ originalname: typedMultipartName(filename), mimetype: info.mimeType, size: buffer.length, buffer });
        settleIfRead();
      });
    });
    parser.on('filesLimit', () => refuse('messages:errors.attachmentCount'));
    parser.on('fieldsLimit', () => refuse('messages:errors.formTooLarge'));
    parser.on('partsLimit', () => refuse('messages:errors.formTooLarge'));
    // Listened to for good, not once: an error nobody listens to ends the process.
    parser.on('error', () => finish(unreadable()));
    parser.on('close', () => {
      closed = true;
      settleIfRead();
    });
    req.on('error', () => finish(unreadable()));
    req.on('close', () => {
      if (!req.readableEnded) finish(unreadable());
    });
    req.pipe(parser);
  };
}
