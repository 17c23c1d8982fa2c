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
const PASS_THROUGH =
  /^(application\/pdf|image\/(png|jpeg|gif|webp)|text\/(plain|csv|calendar)|application\/zip|application\/vnd\.[a-z0-9.+-]+)$/;

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

/** What a browser shows in a page of ours: a PDF in a frame, an image in an <img>. */
const INLINE_TYPES: ReadonlySet<string> = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Sends a PDF or an image to be shown inside the portal's own pages (a frame or an <img> of the
 * same origin), anything else as a download. Only frames of the portal itself may hold it
 * (frame-ancestors 'self'); nothing in it may load or run (default-src 'none'); an image is
 * sandboxed too (a PDF is not: Chromium's viewer does not open a PDF in a sandboxed document).
 */
export async function sendInline(res: Response, file: Download): Promise<void> {
  if (!INLINE_TYPES.has(file.contentType)) return sendDownload(res, file);
  const pdf = file.contentType === 'application/pdf';
  res.status(200).set({
    'Content-Type': file.contentType,
    'Content-Length': String(file.sizeBytes),
    'Content-Disposition': attachmentDisposition(file.name).replace(/^attachment/, 'inline'),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'SAMEORIGIN',
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': pdf ? "default-src 'none'; frame-ancestors 'self'" : "default-src 'none'; frame-ancestors 'self'; sandbox",
  });
  try {
    await pipeline(file.content, res);
  } catch {
    // As sendDownload: the reader went away or the source failed mid-way.
  }
}
