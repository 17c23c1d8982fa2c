// htmx and htmx 4's own SSE extension (not the htmx 2 `htmx-ext-sse` package), served as one script.
//
// As two deferred scripts they race. Deferred scripts run in order, but htmx starts itself on a
// timer as soon as it has run (the document is no longer "loading" by then), and that timer fires
// while the browser still waits for the extension's file if it arrives later. The page is then
// processed without the extension and its live stream never connects. One file cannot arrive in
// parts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Request, Response } from 'express';

const require = createRequire(import.meta.url);
const SOURCES = ['htmx.org/dist/htmx.min.js', 'htmx.org/dist/ext/hx-sse.min.js'];

const script = Buffer.from(SOURCES.map((source) => readFileSync(require.resolve(source), 'utf8')).join(';\n'));
const etag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;

/** The folder the portal's static files are served from, under its own path. */
export const ASSETS_PATH = '/assets';
/** Within ASSETS_PATH. */
export const HTMX_SCRIPT_FILE = '/htmx.js';
export const HTMX_SCRIPT_PATH = `${ASSETS_PATH}${HTMX_SCRIPT_FILE}`;

export function sendHtmxScript(_req: Request, res: Response): void {
  // With the ETag set, Express answers a matching If-None-Match with 304 and hashes nothing per request.
  res.type('js').set({ 'Cache-Control': 'public, max-age=86400', ETag: etag }).send(script);
}
