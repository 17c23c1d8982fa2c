// A drawn signature arrives as a PNG data URL from the browser's canvas. It is decoded here and
// kept only when it is a PNG in every way we can check cheaply: the data URL prefix, strict
// base64, a size cap, the PNG signature, an IHDR chunk first with sane dimensions, and IEND last.
// Anything else (another image type, a script, arbitrary base64) is refused, never stored.

export const MAX_SIGNATURE_BYTES = 200 * 1024;
export const SIGNATURE_WIDTH = { min: 50, max: 2400 } as const;
export const SIGNATURE_HEIGHT = { min: 20, max: 1200 } as const;

const PREFIX = 'data:image/png;base64,';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Base64 of MAX_SIGNATURE_BYTES, rounded up. */
export const MAX_SIGNATURE_DATA_URL_LENGTH = PREFIX.length + Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4;

export type SignatureProblem = 'not_png_data_url' | 'too_large' | 'not_png' | 'bad_dimensions';

export interface CheckedSignature {
  png: Buffer;
  width: number;
  height: number;
}

export function decodeSignaturePng(dataUrl: string): CheckedSignature | { problem: SignatureProblem } {
  if (!dataUrl.startsWith(PREFIX)) return { problem: 'not_png_data_url' };
  if (dataUrl.length > MAX_SIGNATURE_DATA_URL_LENGTH) return { problem: 'too_large' };
  const encoded = dataUrl.slice(PREFIX.length);
  // Buffer.from(…, 'base64') skips what it does not understand; insist on canonical base64 first.
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return { problem: 'not_png_data_url' };
  const png = Buffer.from(encoded, 'base64');
  if (png.length > MAX_SIGNATURE_BYTES) return { problem: 'too_large' };
  if (png.length < PNG_MAGIC.length + 25 + IEND.length) return { problem: 'not_png' };
  if (!png.subarray(0, 8).equals(PNG_MAGIC)) return { problem: 'not_png' };
  if (png.readUInt32BE(8) !== 13 || png.toString('latin1', 12, 16) !== 'IHDR') return { problem: 'not_png' };
  if (!png.subarray(png.length - IEND.length).equals(IEND)) return { problem: 'not_png' };
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (width < SIGNATURE_WIDTH.min || width > SIGNATURE_WIDTH.max || height < SIGNATURE_HEIGHT.min || height > SIGNATURE_HEIGHT.max) {
    return { problem: 'bad_dimensions' };
  }
  return { png, width, height };
}
