// Reads QR codes back the way a banking app's scanner does, from pixels: a PNG (a data URL on a
// page, a page of a PDF rendered by pdftoppm, a browser screenshot) through pngjs and jsqr.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as jsqr from 'jsqr';
import { PNG } from 'pngjs';

const run = promisify(execFile);

// jsqr is CommonJS whose typings declare an ES default export: under Node's ESM interop the
// function is `default`, or `default.default` where the build kept its own.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { binaryData: number[] } | null;
const exported = (jsqr as unknown as { default: Decode | { default: Decode } }).default;
const jsQR: Decode = typeof exported === 'function' ? exported : exported.default;

/** The text of the QR code in a PNG, or null when none is found. */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return found ? new TextDecoder('utf-8').decode(Uint8Array.from(found.binaryData)) : null;
}

/** The PNG behind a data:image/png;base64 URL. */
export function pngFromDataUrl(url: string): Buffer {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(url);
  if (!match) throw new Error(`not a PNG data URL: ${url.slice(0, 40)}`);
  return Buffer.from(match[1]!, 'base64');
}

/** The first page of a PDF as a PNG, rendered by poppler's pdftoppm at 150 dpi. */
export async function pdfFirstPagePng(pdf: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'qr-pdf-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('/usr/bin/pdftoppm', [
      '-png',
      '-r',
      '150',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      path.join(dir, 'in.pdf'),
      path.join(dir, 'page'),
    ]);
    return await readFile(path.join(dir, 'page.png'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
