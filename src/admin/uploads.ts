// Multipart forms on the admin side (only the settings form, for its logo). They are parsed by the
// admin router before its CSRF check, because the no-JavaScript form carries `_csrf` in the same
// multipart body as the file. Files stay in memory: the only one allowed is a logo of at most
// LOGO_MAX_BYTES, and it goes straight to the FileStorage port.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpError } from '../web/http-error.ts';

export const LOGO_MAX_BYTES = 512 * 1024;
export const LOGO_FIELD = 'logo';
export const LOGO_TOO_LARGE = 'The logo is larger than 512 KB. Choose a smaller image (PNG, JPEG, WebP or GIF) and try again.';
export const LOGO_WRONG_TYPE = 'The logo must be a PNG, JPEG, WebP or GIF image.';

/** What the settings form's `logo` field holds once parsed: multer's file, moved into the body. */
export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

const startsWith = (content: Buffer, bytes: number[], at = 0) => bytes.every((byte, i) => content[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The image type from the file's first bytes. The declared type and the file name are chosen by
 * whoever uploads; the bytes are what a browser will actually decode when the logo is served.
 */
export function detectImageType(content: Buffer): 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif' | null {
  if (startsWith(content, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(content, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(content, ascii('GIF87a')) || startsWith(content, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(content, ascii('RIFF')) && startsWith(content, ascii('WEBP'), 8)) return 'image/webp';
  return null;
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

function describeMulterError(err: unknown): HttpError {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new HttpError(413, LOGO_TOO_LARGE);
    if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') return new HttpError(400, 'Only one logo file can be uploaded with this form.');
    return new HttpError(413, 'That form had too many or too long fields.');
  }
  return new HttpError(400, 'We could not read that form. Please try again.');
}

export function parseMultipartForm(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 40, parts: 41, fieldSize: 8 * 1024 },
  }).single(LOGO_FIELD);
  return (req: Request, res: Response, next: NextFunction) => {
    upload(req, res, (err?: unknown) => {
      if (err) return next(describeMulterError(err));
      // The file joins the text fields so one zod schema validates the whole form.
      if (req.file) (req.body as Record<string, unknown>)[LOGO_FIELD] = req.file;
      next();
    });
  };
}
