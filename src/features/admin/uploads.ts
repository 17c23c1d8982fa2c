// Multipart forms on the admin side (only the settings form, for its logo). They are parsed by the
// admin router before its CSRF check, because the no-JavaScript form carries `_csrf` in the same
// multipart body as the file. Files stay in memory: the only one allowed is a logo of at most
// LOGO_MAX_BYTES, and it goes straight to the FileStorage port. Its type is read from its bytes
// here (file-type, as for every other upload), so the schema only checks what was found.
import type { RequestHandler } from 'express';
import { detectImageType, type ImageType, singleFileForm } from '../../core/index.ts';

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

/** Past this the request is refused outright (413), whatever the form holds. */
const SETTINGS_FORM_MAX_BYTES = 8 * 1024 * 1024;

const ONE_LOGO = 'Only one logo file can be uploaded with this form.';

/**
 * Parses a multipart settings form (readMultipart). Unlike a staff reply's form (messages/uploads.ts),
 * it does not end the body at the first file over its limit, which would lose every field typed in
 * the same submit: here a logo over LOGO_MAX_BYTES is kept truncated and flagged, the remaining
 * fields still arrive, and the schema reports the logo beside any other error while the form
 * re-renders with what was typed. The first other limit the form goes past is its answer.
 */
export function parseMultipartForm(): RequestHandler {
  return singleFileForm<UploadedFile>({
    field: LOGO_FIELD,
    fileSize: LOGO_MAX_BYTES,
    fields: 40,
    fieldSize: 8 * 1024,
    // Past this the request is refused outright: a logo can be too large and still be reported
    // beside the other fields, but a body this size is no settings form.
    bodyBytes: SETTINGS_FORM_MAX_BYTES,
    messages: { oneFile: ONE_LOGO, bodyTooLarge: LOGO_TOO_LARGE },
    async read({ filename, mimeType, content, truncated }) {
      return {
        originalname: filename,
        mimetype: mimeType,
        size: truncated ? LOGO_MAX_BYTES + 1 : content.length,
        buffer: content,
        truncated,
        // Bytes file-type cannot read are no image either.
        imageType: await detectImageType(content).catch(() => null),
      };
    },
  });
}
