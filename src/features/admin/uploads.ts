// Multipart forms on the admin side (only the settings form, for its logo). They are parsed by the
// admin router before its CSRF check, because the no-JavaScript form carries `_csrf` in the same
// multipart body as the file. Files stay in memory: the only one allowed is a logo of at most
// LOGO_MAX_BYTES, and it goes straight to the FileStorage port. Its type is read from its bytes
// here (file-type, as for every other upload), so the schema only checks what was found.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import busboy from 'busboy';
import { detectImageType, HttpError, type ImageType, typedMultipartName } from '../../core/index.ts';

export const LOGO_MAX_BYTES = 512 * 1024;
const LOGO_FIELD = 'logo';
export const LOGO_TOO_LARGE = 'The logo is larger than 512 KB. Choose a smaller image (PNG, JPEG, WebP or GIF) and try again.';
export const LOGO_WRONG_TYPE = 'The logo must be a PNG, JPEG, WebP or GIF image.';

/** What the settings form's `logo` field holds once parsed: the parsed file, moved into the body. */
export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
  /** True when the file went past LOGO_MAX_BYTES: only its first bytes were kept. */
  truncated?: boolean;
  /** The image type its bytes are, or null when they are no image a browser shows. */
  imageType: ImageType | null;
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

/** A stored name that is safe to show and to send in a header: the base name, plain characters, the real extension. */
export function storedFilename(originalName: string, contentType: string): string {
  const base = originalName
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._ -]+/g, '')
    .trim()
    .slice(0, 100);
  return `${base || 'logo'}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

/**
 * Past this the request is refused outright (413): a logo can be too large and still be reported
 * beside the other fields, but a body this size is no settings form.
 */
const SETTINGS_FORM_MAX_BYTES = 8 * 1024 * 1024;

const FIELD_LIMITS = { fields: 40, fieldSize: 8 * 1024 };

/**
 * Parses a multipart settings form with busboy. Unlike a staff reply's form (messages/uploads.ts),
 * it does not end the body at the first file over its limit, which would lose every field typed in
 * the same submit: here a logo over LOGO_MAX_BYTES is kept truncated and flagged, the remaining
 * fields still arrive, and the schema reports the logo beside any other error while the form
 * re-renders with what was typed.
 */
export function parseMultipartForm(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: LOGO_MAX_BYTES,
          files: 1,
          fields: FIELD_LIMITS.fields,
          parts: FIELD_LIMITS.fields + 1,
          fieldSize: FIELD_LIMITS.fieldSize,
        },
      });
    } catch {
      return next(new HttpError(400, 'We could not read that form. Please try again.'));
    }
    const body: Record<string, unknown> = {};
    let failure: HttpError | null = null;
    let received = 0;
    let finished = false;
    const fail = (error: HttpError) => {
      failure ??= error;
    };
    /** The logo's type, read from its bytes once they are all in; the body is handed on after it. */
    let typed: Promise<void> = Promise.resolve();
    const finish = (error: HttpError | null) => {
      if (finished) return;
      finished = true;
      if (error) return next(error);
      void typed.then(() => {
        req.body = body;
        next();
      });
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new HttpError(413, 'That form had too many or too long fields.'));
      else if (name !== LOGO_FIELD && !(name in body)) body[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== LOGO_FIELD) {
        fail(new HttpError(400, 'Only one logo file can be uploaded with this form.'));
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let truncated = false;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        truncated = true;
      });
      stream.on('end', () => {
        // A file input left empty still sends a part, without a name and without bytes.
        if (!info.filename && chunks.length === 0) return;
        const buffer = Buffer.concat(chunks);
        const file: UploadedFile = {
          originalname: typedMultipartName(info.filename ?? ''),
          mimetype: info.mimeType,
          size: truncated ? LOGO_MAX_BYTES + 1 : buffer.length,
          buffer,
          truncated,
          imageType: null,
        };
        body[LOGO_FIELD] = file;
        // Bytes file-type cannot read are no image either.
        typed = detectImageType(buffer).then(
          (type) => {
            file.imageType = type;
          },
          () => {},
        );
      });
    });
    parser.on('filesLimit', () => fail(new HttpError(400, 'Only one logo file can be uploaded with this form.')));
    parser.on('fieldsLimit', () => fail(new HttpError(413, 'That form had too many or too long fields.')));
    parser.on('partsLimit', () => fail(new HttpError(413, 'That form had too many or too long fields.')));
    parser.on('error', () => {
      fail(new HttpError(400, 'We could not read that form. Please try again.'));
      req.unpipe(parser);
      req.resume();
      finish(failure);
    });
    parser.on('close', () => finish(failure));
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > SETTINGS_FORM_MAX_BYTES && !failure) {
        fail(new HttpError(413, LOGO_TOO_LARGE));
        req.unpipe(parser);
        req.resume();
        finish(failure);
      }
    });
    req.pipe(parser);
  };
}
