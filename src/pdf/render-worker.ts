// A worker thread of the PDF render pool: pdfkit's layout and compression take tens of
// milliseconds of CPU per document, which here no longer hold up the requests of other clients.
import { parentPort, threadId } from 'node:worker_threads';
import type { PdfDocumentModel } from './document-model.ts';
import { renderPdf } from './render-pdf.ts';

export interface RenderJob {
  id: number;
  model: PdfDocumentModel;
}

export type RenderAnswer = { id: number; threadId: number; pdf: ArrayBuffer } | { id: number; threadId: number; error: string };

// Buffers arrive as plain Uint8Arrays after the structured clone; pdfkit and the image check want Buffers.
const asBuffer = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null);

parentPort!.on('message', (job: RenderJob) => {
  const model: PdfDocumentModel = {
    ...job.model,
    brand: { ...job.model.brand, logo: asBuffer(job.model.brand.logo) },
    evidence: job.model.evidence ? { ...job.model.evidence, signaturePng: asBuffer(job.model.evidence.signaturePng) } : null,
  };
  renderPdf(model).then(
    (pdf) => {
      // A copy of its own, so the bytes move to the main thread without a second copy.
      const bytes = new Uint8Array(pdf).buffer;
      parentPort!.postMessage({ id: job.id, threadId, pdf: bytes } satisfies RenderAnswer, [bytes]);
    },
    (err: unknown) => parentPort!.postMessage({ id: job.id, threadId, error: err instanceof Error ? err.message : String(err) } satisfies RenderAnswer),
  );
});
