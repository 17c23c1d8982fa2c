// The task a PDF render worker thread runs: pdfkit's layout and compression take tens of
// milliseconds of CPU per document, which here no longer hold up the requests of other clients.
import { threadId } from 'node:worker_threads';
import type { PdfDocumentModel } from './document-model.ts';
import { renderPdf } from './render-pdf.ts';

export interface RenderAnswer {
  pdf: ArrayBuffer;
  threadId: number;
}

// Buffers arrive as plain Uint8Arrays after the structured clone; pdfkit and the image check want Buffers.
const asBuffer = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null);

export default async function renderInWorker(received: PdfDocumentModel): Promise<RenderAnswer> {
  const model: PdfDocumentModel = {
    ...received,
    brand: { ...received.brand, logo: asBuffer(received.brand.logo) },
    evidence: received.evidence ? { ...received.evidence, signaturePng: asBuffer(received.evidence.signaturePng) } : null,
  };
  const pdf = await renderPdf(model);
  // Cloned to the main thread with the thread's id (Piscina moves only a task's whole answer
  // without copying, and a PDF's copy costs microseconds beside its tens of milliseconds of layout).
  return { pdf: new Uint8Array(pdf).buffer, threadId };
}
