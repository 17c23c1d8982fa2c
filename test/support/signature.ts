// A real PNG of a given size, built from scratch (one white-ish greyscale image, zlib-compressed),
// for the signature checks: the same bytes a canvas's toDataURL('image/png') would have in shape.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function tinyPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0xf0)]);
  const raw = Buffer.concat(Array.from({ length: Math.min(height, 2000) }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG of random grey pixels: as large as a canvas PNG of a busy signature on a dense screen, since noise does not compress. */
export function noisyPng(width: number, height: number, seed = 7): Buffer {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  const rows = Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, next))]));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A long three-stroke signature as the accept form sends it (signature_pad's points in the
 * canvas's CSS pixels, a tenth of a pixel at most): a looping first name, a surname with
 * flourish, and an underline; `pointsPerStroke` sets how densely the pen was sampled.
 */
export function realisticStrokes(width = 600, height = 200, pointsPerStroke = 220): { v: 1; w: number; h: number; s: number[][] } {
  const tenth = (value: number) => Math.round(value * 10) / 10;
  const stroke = (from: number, to: number, f: (t: number) => [number, number]) =>
    Array.from({ length: pointsPerStroke }, (_, i) => f(from + ((to - from) * i) / (pointsPerStroke - 1))).flatMap(([x, y]) => [
      tenth(x * width),
      tenth(y * height),
    ]);
  return {
    v: 1,
    w: width,
    h: height,
    s: [
      stroke(0, 1, (t) => [0.05 + 0.4 * t + 0.04 * Math.sin(t * 40), 0.45 + 0.2 * Math.cos(t * 40) * (1 - t / 2)]),
      stroke(0, 1, (t) => [0.5 + 0.42 * t + 0.03 * Math.sin(t * 30), 0.5 + 0.18 * Math.sin(t * 30 + 1) - 0.1 * t]),
      stroke(0, 1, (t) => [0.08 + 0.85 * t, 0.82 + 0.04 * Math.sin(t * 6)]),
    ],
  };
}
