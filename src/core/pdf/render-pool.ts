// The worker threads that render PDFs, so a render never blocks the event loop that serves every
// other request: a Piscina pool. Threads start on the first render and stop after a minute idle
// (an idle pool keeps no thread, and none keeps the process alive). A thread that dies, as pdfkit
// can on a corrupt image, fails only its own render; Piscina starts a fresh one for the next.
import os from 'node:os';
import { Piscina } from 'piscina';
import type { PdfDocumentModel } from './document-model.ts';
import type { RenderAnswer } from './render-worker.ts';

export interface RenderedPdf {
  pdf: Buffer;
  /** The thread that rendered it (never 0, the main thread's). */
  threadId: number;
}

const WORKER_URL = new URL('./render-worker-entry.mjs', import.meta.url);

export class PdfRenderPool {
  private readonly pool: Piscina<PdfDocumentModel, RenderAnswer>;

  constructor(size: number) {
    this.pool = new Piscina({ filename: WORKER_URL.href, minThreads: 0, maxThreads: size, idleTimeout: 60_000 });
  }

  async render(model: PdfDocumentModel): Promise<RenderedPdf> {
    try {
      const answer = await this.pool.run(model);
      return { pdf: Buffer.from(answer.pdf), threadId: answer.threadId };
    } catch (err) {
      throw new Error(`PDF render failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Stops every thread; renders still queued or running fail. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** One worker per core, minus one for the event loop; at least one, at most four. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}
