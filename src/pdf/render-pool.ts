// A small pool of worker threads that render PDFs, so a render never blocks the event loop that
// serves every other request. Workers start on the first render and are unreferenced while idle
// (an idle pool never keeps a process alive). A worker that dies takes only its own job with it:
// that job fails, the next one starts a fresh worker.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PdfDocumentModel } from './document-model.ts';
import type { RenderAnswer, RenderJob } from './render-worker.ts';

export interface RenderedPdf {
  pdf: Buffer;
  /** The thread that rendered it (never 0, the main thread's). */
  threadId: number;
}

interface Pending {
  job: RenderJob;
  resolve(result: RenderedPdf): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

const WORKER_URL = new URL('./render-worker-entry.mjs', import.meta.url);

export class PdfRenderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {}

  render(model: PdfDocumentModel): Promise<RenderedPdf> {
    return new Promise<RenderedPdf>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, model }, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; jobs still queued or running fail. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const pending of this.queue.splice(0)) pending.reject(new Error('PDF render pool closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => !s.busy) ?? (this.slots.length < this.size ? this.spawn() : null);
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL), busy: null };
    slot.worker.unref();
    slot.worker.on('message', (answer: RenderAnswer) => {
      const pending = slot.busy;
      if (!pending || pending.job.id !== answer.id) return;
      slot.busy = null;
      slot.worker.unref();
      if ('error' in answer) pending.reject(new Error(`PDF render failed: ${answer.error}`));
      else pending.resolve({ pdf: Buffer.from(answer.pdf), threadId: answer.threadId });
      this.dispatch();
    });
    const lost = (err: Error) => {
      const index = this.slots.indexOf(slot);
      if (index === -1) return;
      this.slots.splice(index, 1);
      slot.busy?.reject(err);
      slot.busy = null;
      this.dispatch();
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => lost(new Error(`PDF render worker exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

/** One worker per core, minus one for the event loop; at least one, at most four. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}
