// The text of a PDF as pdftotext lays it out (poppler-utils), run as an async child process, and
// a superagent parser that keeps a PDF response's body as bytes.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portal-pdf-text-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whitespace runs (pdftotext's layout columns, line breaks) as one space, so a phrase is found wherever it wraps. */
export const flatText = (text: string) => text.replace(/\s+/g, ' ');

/** supertest's parser for a binary body: the response arrives as Node's readable stream. */
export const binary = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};
