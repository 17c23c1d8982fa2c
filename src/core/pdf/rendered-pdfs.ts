// Every PDF the portal sends goes through here: rendered in the worker pool, and kept in a bounded
// in-memory cache so downloading the same document again costs a hash and a lookup.
//
// The cache key is the fingerprint of the whole document model (every string already translated
// and formatted in the reader's language and time zone, the brand's name, colour and logo bytes,
// the evidence and signature), so a changed record, a new logo or colour, another language or time
// zone is another key and renders anew: the model is all the renderer reads. The key also names
// the workspace and client the PDF belongs to, so even two identical models of different clients
// never share an entry.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { PdfDocumentModel } from './document-model.ts';
import { defaultPoolSize, PdfRenderPool } from './render-pool.ts';

export interface PdfScope {
  workspaceId: string;
  clientId: string;
}

export interface PdfResult {
  pdf: Buffer;
  /** Time to render, or to find it in the cache. */
  renderMs: number;
  cached: boolean;
}

/** Counters for tests and measurements: how many renders really ran, and on which thread the last one did. */
export const pdfRenderStats = { renders: 0, cacheHits: 0, lastThreadId: null as number | null };

interface Settings {
  /** Worker threads; 0 renders on the calling thread (for measuring the difference). */
  threads: number;
  /** Upper bound of the cached PDFs' total size; 0 turns the cache off. */
  cacheBytes: number;
}

const MAX_ENTRIES = 500;
let settings: Settings = { threads: defaultPoolSize(), cacheBytes: 32 * 1024 * 1024 };
let pool: PdfRenderPool | null = null;
/** Least recently downloaded out first, bounded by count and by bytes; none larger than a quarter of it. */
const pdfCache = (bytes: number) =>
  new LRUCache<string, Buffer>({
    max: MAX_ENTRIES,
    maxSize: Math.max(1, bytes),
    maxEntrySize: Math.max(1, Math.floor(bytes / 4)),
    sizeCalculation: (pdf) => Math.max(1, pdf.byteLength),
  });
let cache = pdfCache(settings.cacheBytes);
// Two downloads of the same document at once render it once.
const inFlight = new Map<string, Promise<Buffer>>();

export function configurePdfRendering(next: Partial<Settings>): void {
  settings = { ...settings, ...next };
  cache = pdfCache(settings.cacheBytes);
  const old = pool;
  pool = null;
  void old?.close();
}

export function clearPdfCache(): void {
  cache.clear();
}

export async function renderPdfFor(scope: PdfScope, model: PdfDocumentModel): Promise<PdfResult> {
  const started = performance.now();
  const key = `${scope.workspaceId}\n${scope.clientId}\n${fingerprint(model)}`;
  const hit = cache.get(key);
  if (hit) {
    pdfRenderStats.cacheHits += 1;
    return { pdf: hit, renderMs: elapsed(started), cached: true };
  }
  let rendering = inFlight.get(key);
  if (!rendering) {
    rendering = render(model).finally(() => inFlight.delete(key));
    inFlight.set(key, rendering);
  }
  const pdf = await rendering;
  if (settings.cacheBytes > 0 && !cache.has(key)) cache.set(key, pdf);
  return { pdf, renderMs: elapsed(started), cached: false };
}

/**
 * Renders in this thread, loading the renderer at the first call: pdfkit, its fonts and the QR
 * encoder are most of a second of a process's start, and with render threads (the default) only
 * they load it.
 */
export async function renderPdfHere(model: PdfDocumentModel): Promise<Buffer> {
  const { renderPdf } = await import('./render-pdf.ts');
  return renderPdf(model);
}

async function render(model: PdfDocumentModel): Promise<Buffer> {
  pdfRenderStats.renders += 1;
  if (settings.threads <= 0) {
    pdfRenderStats.lastThreadId = 0;
    return renderPdfHere(model);
  }
  pool ??= new PdfRenderPool(settings.threads);
  const { pdf, threadId } = await pool.render(model);
  pdfRenderStats.lastThreadId = threadId;
  return pdf;
}

/** SHA-256 of the model; binary parts (logo, signature) enter as their own SHA-256. */
function fingerprint(model: PdfDocumentModel): string {
  const json = JSON.stringify(model, function (this: Record<string, unknown>, key: string, value: unknown) {
    // The holder's own value: JSON.stringify has already turned a Buffer into { type, data }.
    const raw = this[key];
    return raw instanceof Uint8Array ? `sha256:${createHash('sha256').update(raw).digest('hex')}` : value;
  });
  return createHash('sha256').update(json).digest('hex');
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
