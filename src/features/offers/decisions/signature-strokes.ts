// A drawn signature as vector strokes: what signature_pad's toData() recorded, each point in the
// canvas's CSS pixels (not device pixels), rounded by the browser to a tenth. Sent this way, the
// form is the same size on a phone at devicePixelRatio 3 as on an old monitor, where a PNG of the
// canvas grew with the square of the pixel density (112 KB from a phone against a 32 KB form cap).
//
// The server checks the strokes (a bounded number of strokes and points, finite numbers inside the
// canvas) and draws the evidence image itself, a greyscale PNG of a fixed width, so the record page
// and the signed PDF keep reading a PNG as they always did, and rows from before keep theirs.
import { deflateSync, crc32 } from 'node:zlib';
import { z } from 'zod';

export const MAX_STROKES = 60;
export const MAX_POINTS_PER_STROKE = 1500;
export const MAX_POINTS = 5000;
/** Each point is at most "2400.0,1200.0," (15 characters); the rest is the envelope. */
export const MAX_STROKES_FIELD_LENGTH = MAX_POINTS * 15 + MAX_STROKES * 8 + 100;
/** The evidence image's width; its height follows the canvas's shape. */
export const RENDER_WIDTH = 900;

const coordinate = z.number().finite();

/** The parsed field: canvas size in CSS pixels, then per stroke x,y pairs one after another. */
const StrokesShape = z
  .object({
    v: z.literal(1),
    w: z.number().finite().min(50).max(2400),
    h: z.number().finite().min(20).max(1200),
    s: z
      .array(
        z
          .array(coordinate)
          .min(2)
          .max(MAX_POINTS_PER_STROKE * 2),
      )
      .min(1)
      .max(MAX_STROKES),
  })
  .strict()
  .refine((d) => d.s.every((stroke) => stroke.length % 2 === 0), 'odd')
  .refine((d) => d.s.reduce((n, stroke) => n + stroke.length / 2, 0) <= MAX_POINTS, 'too_many')
  // A point may sit a little outside the canvas (a finger sliding off its edge), never far.
  .refine((d) => d.s.every((stroke) => stroke.every((value, i) => value >= -20 && value <= (i % 2 === 0 ? d.w : d.h) + 20)), 'range');

export type Strokes = z.infer<typeof StrokesShape>;

export type StrokesProblem = 'too_large' | 'invalid';

export function parseStrokes(field: string): Strokes | { problem: StrokesProblem } {
  if (field.length > MAX_STROKES_FIELD_LENGTH) return { problem: 'too_large' };
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    return { problem: 'invalid' };
  }
  const parsed = StrokesShape.safeParse(json);
  if (parsed.success) return parsed.data;
  // Too many strokes or points is a signature too long to keep; anything else (a canvas size out of range included) is not one.
  const tooMany = parsed.error.issues.some(
    (issue) => issue.message === 'too_many' || (issue.code === 'too_big' && issue.path[0] === 's' && issue.path.length <= 2),
  );
  return { problem: tooMany ? 'too_large' : 'invalid' };
}

/** The strokes as stored: the checked values only, each rounded to a tenth of a CSS pixel. */
export function canonicalStrokes(strokes: Strokes): string {
  const tenth = (value: number) => Math.round(value * 10) / 10;
  return JSON.stringify({ v: 1, w: tenth(strokes.w), h: tenth(strokes.h), s: strokes.s.map((stroke) => stroke.map(tenth)) });
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

function encodePng(width: number, height: number, ink: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    raw[row] = 0; // no filter
    for (let x = 0; x < width; x++) raw[row + 1 + x] = 255 - ink[y * width + x]!;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    // The default level: level 9 took ten times as long here for a file 5% smaller.
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A drawn signature as the accept schemas pass it on: the checked strokes and their canonical JSON. */
export interface DrawnSignature {
  json: string;
  strokes: Strokes;
}

/**
 * What a decision records of the signature: drawn strokes as their canonical JSON with the PNG
 * drawn from them (the record page and the signed PDF read the PNG), else the PNG an older form
 * sent, or none.
 */
export function signatureEvidence(input: { signature?: Buffer | null; signatureStrokes?: DrawnSignature | null }): {
  signaturePng: Buffer | null;
  signatureStrokes: string | null;
} {
  const drawn = input.signatureStrokes;
  if (drawn) return { signaturePng: renderStrokesPng(drawn.strokes).png, signatureStrokes: drawn.json };
  return { signaturePng: input.signature ?? null, signatureStrokes: null };
}

/**
 * Draws the strokes, dark on white, at RENDER_WIDTH pixels wide: each segment as a round-capped
 * line whose edge is anti-aliased by its distance to the pixel, so the image reads like the pen
 * line the person saw on the canvas. A stroke of one point (a dot) becomes a round dot.
 */
export function renderStrokesPng(strokes: Strokes): { png: Buffer; width: number; height: number } {
  const scale = RENDER_WIDTH / strokes.w;
  const width = RENDER_WIDTH;
  const height = Math.max(20, Math.min(1200, Math.round(strokes.h * scale)));
  // signature_pad's pen is 0.5–2.5 CSS px wide; 1.25 px of radius draws its average line.
  const radius = Math.max(1, 1.25 * scale);
  const ink = new Uint8Array(width * height);
  const segment = (ax: number, ay: number, bx: number, by: number) => {
    const minX = Math.max(0, Math.floor(Math.min(ax, bx) - radius - 1));
    const maxX = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + radius + 1));
    const minY = Math.max(0, Math.floor(Math.min(ay, by) - radius - 1));
    const maxY = Math.min(height - 1, Math.ceil(Math.max(ay, by) + radius + 1));
    const dx = bx - ax;
    const dy = by - ay;
    const lengthSquared = dx * dx + dy * dy;
    for (let y = minY; y <= maxY; y++) {
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / lengthSquared));
        const ex = px - t * dx;
        const ey = py - t * dy;
        const distance = Math.sqrt(ex * ex + ey * ey); // Math.hypot is several times slower here
        const coverage = Math.max(0, Math.min(1, radius + 0.5 - distance));
        const value = Math.round(coverage * 235); // the pen colour, rgb(20, 20, 40), as grey
        const at = y * width + x;
        if (value > ink[at]!) ink[at] = value;
      }
    }
  };
  for (const stroke of strokes.s) {
    for (let i = 0; i < stroke.length; i += 2) {
      const x = stroke[i]! * scale;
      const y = stroke[i + 1]! * scale;
      if (i === 0) segment(x, y, x, y);
      else segment(stroke[i - 2]! * scale, stroke[i - 1]! * scale, x, y);
    }
  }
  return { png: encodePng(width, height, ink), width, height };
}
