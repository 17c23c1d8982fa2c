// What a client may upload, decided by the file's first bytes (magic numbers, via file-type), never
// by the name or the type the browser declares: a renamed executable is still an executable.
// Archives are accepted as they are and never unpacked, so a zip bomb stays a small file.
import { fileTypeFromBuffer } from 'file-type';

/** Bytes file-type needs to recognise every type it knows. */
export const SNIFF_BYTES = 4100;

/** Detected type → the extension the stored name gets. */
const ALLOWED: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/tiff': 'tif',
  'application/zip': 'zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'text/plain': 'txt',
  'text/csv': 'csv',
};

// Office files are zips; from the first bytes alone file-type may only see the zip, so the name
// decides between these (the content is a zip either way, and is never opened here).
const ZIP_BASED: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};

const TEXT_EXTENSIONS: Record<string, string> = { txt: 'text/plain', csv: 'text/csv', md: 'text/plain' };

/**
 * The one list of what may be uploaded, for everything that tells or asks: the file picker's
 * accept= (every extension the check above lets through, aliases included) and the kinds the
 * hint names. Both are derived from the tables the server's check uses, so the three cannot
 * disagree (the hint once promised Office files and ZIP the picker did not offer).
 */
export const ALLOWED_UPLOAD_MIMES: readonly string[] = [
  ...new Set([...Object.keys(ALLOWED), ...Object.values(ZIP_BASED), ...Object.values(TEXT_EXTENSIONS)]),
];

const EXTENSION_ALIASES: Record<string, string[]> = { jpg: ['jpeg'], tif: ['tiff'] };

export const UPLOAD_EXTENSIONS: readonly string[] = [
  ...new Set(
    [...Object.values(ALLOWED), ...Object.keys(ZIP_BASED), ...Object.keys(TEXT_EXTENSIONS)].flatMap((ext) => [
      ext,
      ...(EXTENSION_ALIASES[ext] ?? []),
    ]),
  ),
];

/** The file input's accept attribute: ".pdf,.png,…". */
export const UPLOAD_ACCEPT = UPLOAD_EXTENSIONS.map((ext) => `.${ext}`).join(',');

/** The kinds (kindOf) of every allowed type, in the order a hint names them. */
export const UPLOAD_KINDS: readonly string[] = ['pdf', 'image', 'document', 'spreadsheet', 'presentation', 'text', 'archive'].filter(
  (kind) => ALLOWED_UPLOAD_MIMES.some((mime) => kindOf(mime) === kind),
);

export interface DetectedType {
  mime: string;
  ext: string;
}

const extensionOf = (name: string) => /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? '';

/** Plain text: valid UTF-8 with no control characters besides tabs and line breaks. */
function looksLikeText(head: Buffer, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
  } catch {
    return false;
  }
  for (const byte of head) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  return true;
}

/** The allowed type of a file from its first bytes (and, for zips and text, its name), or null. */
export async function detectAllowedType(head: Buffer, name: string, complete: boolean): Promise<DetectedType | null> {
  const ext = extensionOf(name);
  const found = await fileTypeFromBuffer(head);
  if (found) {
    if (found.mime === 'application/zip' && ZIP_BASED[ext]) return { mime: ZIP_BASED[ext], ext };
    const allowedExt = ALLOWED[found.mime];
    return allowedExt ? { mime: found.mime, ext: allowedExt } : null;
  }
  // No magic number: only plain text under a text name passes.
  if (TEXT_EXTENSIONS[ext] && head.length > 0 && looksLikeText(head, complete)) return { mime: TEXT_EXTENSIONS[ext], ext };
  return null;
}

/** The image types a browser shows everywhere: what a logo may be. */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** Detected type → the image type it is served as; an animated PNG is a PNG to every browser. */
const IMAGE_TYPES: Record<string, ImageType> = {
  'image/png': 'image/png',
  'image/apng': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/webp': 'image/webp',
  'image/gif': 'image/gif',
};

/**
 * The image type from the file's first bytes, or null. The declared type and the file name are
 * chosen by whoever uploads; the bytes are what a browser will actually decode when it is served.
 */
export async function detectImageType(content: Buffer): Promise<ImageType | null> {
  const found = await fileTypeFromBuffer(content);
  return (found && IMAGE_TYPES[found.mime]) ?? null;
}

/** The kinds a person reads in the list, by detected type. */
export function kindOf(mime: string): string {
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('text/')) return 'text';
  if (mime.includes('spreadsheet') || mime === 'text/csv') return 'spreadsheet';
  if (mime.includes('wordprocessing') || mime.includes('opendocument.text')) return 'document';
  if (mime.includes('presentation')) return 'presentation';
  if (mime === 'application/zip') return 'archive';
  return 'file';
}

/**
 * Bidirectional-text controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069),
 * the left-to-right and right-to-left marks (U+200E, U+200F) and the Arabic letter mark (U+061C).
 * In a name they only serve to disguise it: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The name's extension when it names the detected type (jpeg for jpg, tiff for tif too); else the detected type's. */
function checkedExtension(name: string, detected: DetectedType): string {
  const ext = extensionOf(name);
  const keep = ext === detected.ext || (detected.ext === 'jpg' && ext === 'jpeg') || (detected.ext === 'tif' && ext === 'tiff');
  return keep ? ext : detected.ext;
}

/**
 * A stored name safe to show and to send in a header: the base name only, no control, bidi or path
 * characters, at most 120 characters, ending in the extension of the detected type. Every name the
 * portal stores for an upload (documents page, message attachments on both sides) passes here.
 */
export function safeFilename(original: string, detected: DetectedType): string {
  const base = original
    .normalize('NFC')
    .replace(BIDI_CONTROLS, '')
    .replace(/^.*[\\/]/, '')
    .replace(/[\u0000-\u001f\u007f-\u009f"*:<>?|\\/]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const withoutExt =
    base
      .replace(/\.[^.]*$/, '')
      .slice(0, 110)
      .trim() || 'upload';
  return `${withoutExt}.${checkedExtension(base, detected)}`;
}

/**
 * The name as the client's browser sent it, for a host that keeps the file and names it its own
 * way (Dolibarr cleans every name with its own rules): only the base name, without bidi controls
 * or leading dots, ending in the extension of the detected type as safeFilename's does, and
 * otherwise as sent (no characters dropped, no length cut: the host's rules do that).
 */
export function sentFilename(original: string, detected: DetectedType): string {
  const base = original
    .replace(BIDI_CONTROLS, '')
    .replace(/^.*[\\/]/, '')
    .trim()
    .replace(/^\.+/, '');
  const dot = base.lastIndexOf('.');
  const stem = (dot >= 0 ? base.slice(0, dot) : base).trim() || 'upload';
  return `${stem}.${checkedExtension(base, detected)}`;
}

/**
 * Content-Disposition for a download (RFC 6266 with RFC 5987's filename*): an ASCII fallback with
 * anything unusual replaced, and the exact UTF-8 name percent-encoded.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_').slice(0, 150) || 'download';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
