// The first page of a PDF drawn as a PNG, in a worker thread of its own (pdf-first-page.ts): PDF.js
// parses and draws on the thread that calls it, which for the portal's own thread would hold up
// every request while a large page is drawn.
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** What the worker is given: the PDF's bytes, the dots per inch to draw at, and the most pixels a side may have. */
export interface FirstPageJob {
  pdf: Uint8Array;
  dpi: number;
  maxSide: number;
}

/** PDF.js's canvas factory for Node (its own @napi-rs/canvas), which getDocument gives each document. */
interface NodeCanvasFactory {
  create(width: number, height: number): { canvas: { encode(format: 'png'): Promise<Buffer> }; context: unknown };
}

async function firstPagePng({ pdf, dpi, maxSide }: FirstPageJob): Promise<Buffer> {
  const document = await getDocument({ data: pdf, isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const page = await document.getPage(1);
    const natural = page.getViewport({ scale: 1 });
    const scale = Math.min(dpi / 72, maxSide / Math.max(natural.width, natural.height));
    const viewport = page.getViewport({ scale });
    const factory = (document as unknown as { canvasFactory: NodeCanvasFactory }).canvasFactory;
    const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    return await canvas.encode('png');
  } finally {
    await document.destroy();
  }
}

firstPagePng(workerData as FirstPageJob).then(
  (png) => parentPort?.postMessage({ png }),
  (err: unknown) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }),
);
