// The first page of a PDF as an image, drawn by PDF.js (pdfjs-dist, with the @napi-rs/canvas it
// brings) in a worker thread (pdf-first-page-worker.ts), so no system program is needed and the
// portal's own thread goes on answering requests meanwhile. A worker that takes too long or too
// much memory is ended; the caller then has no image.
import { Worker } from 'node:worker_threads';
import type { FirstPageJob } from './pdf-first-page-worker.ts';

// The portal runs its TypeScript through tsx (package.json scripts). A worker's own file is read
// before any --import loader of it runs, so the worker starts from this line, which loads tsx first.
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./pdf-first-page-worker.ts', import.meta.url).href)}); })`;

export interface FirstPageLimits {
  /** Dots per inch the page is drawn at. */
  dpi: number;
  /** The most pixels the longer side may have, whatever size the page says it is. */
  maxSide: number;
  timeoutMs: number;
  /** The worker's heap, in MB. */
  memoryMb: number;
}

/** The PDF's first page as a PNG; rejects when the PDF cannot be read or drawn within the limits. */
export function pdfFirstPage(pdf: Buffer, limits: FirstPageLimits): Promise<Buffer> {
  const job: FirstPageJob = { pdf: new Uint8Array(pdf), dpi: limits.dpi, maxSide: limits.maxSide };
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb } });
    const timer = setTimeout(() => {
      reject(new Error('the PDF took too long to draw'));
      void worker.terminate();
    }, limits.timeoutMs);
    const done = () => clearTimeout(timer);
    worker.once('message', (answer: { png?: Uint8Array; error?: string }) => {
      done();
      if (answer.png) resolve(Buffer.from(answer.png));
      else reject(new Error(answer.error ?? 'the PDF could not be drawn'));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.once('exit', (code) => {
      done();
      reject(new Error(`the PDF drawing ended (${code})`));
    });
  });
}
