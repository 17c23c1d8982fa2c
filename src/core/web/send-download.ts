// Sends a file as a download, streamed from its source: the browser is told the size up front and
// gets the bytes chunk by chunk, so a large file never sits in memory. Always an attachment
// (never rendered in the portal's origin), with nosniff and a sandboxing CSP in case it is opened.
import type { Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { attachmentDisposition } from '../files/file-types.ts';

export interface Download {
  name: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
}

// Types a browser may be told as they are; anything else is sent as plain bytes.
const PASS_THROUGH = /^(application\/pdf|image\/(png|jpeg|gif|webp)|text\/(plain|csv)|application\/zip|application\/vnd\.[a-z0-9.+-]+)$/;

export async function sendDownload(res: Response, file: Download): Promise<void> {
  const type = PASS_THROUGH.test(file.contentType) ? file.contentType : 'application/octet-stream';
  res.status(200).set({
    'Content-Type': type.startsWith('text/') ? `${type}; charset=utf-8` : type,
    'Content-Length': String(file.sizeBytes),
    'Content-Disposition': attachmentDisposition(file.name),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  });
  try {
    await pipeline(file.content, res);
  } catch {
    // The reader went away or the source failed mid-way: the response is already under way, so
    // all that is left is to stop (pipeline has destroyed both ends).
  }
}
