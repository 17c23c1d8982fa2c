// Sending a rendered PDF, and the workspace's look for it: name, brand colour and the uploaded
// logo (only an image pdfkit can embed; a logo kept as a host URL is not fetched from here).
import type { Response } from 'express';
import type { FileStorage } from '../ports/services.ts';
import { portalContext } from '../web/portal-context.ts';
import type { PdfBrand } from './document-model.ts';
import { isEmbeddableImage } from './pdf-files.ts';
import type { PdfResult } from './rendered-pdfs.ts';

export async function pdfBrand(storage: FileStorage, res: Response): Promise<PdfBrand> {
  const { workspace, settings, branding } = portalContext(res);
  const file = settings.logoFileId ? await storage.get(workspace.id, settings.logoFileId) : null;
  return { name: branding.workspaceName, color: branding.primary, logo: file && isEmbeddableImage(file.content) ? file.content : null };
}

/** An attachment with a filename of safe characters only; render time (or cache lookup) in Server-Timing. */
export function sendPdf(res: Response, { pdf, renderMs, cached }: PdfResult, filename: string): void {
  res
    .status(200)
    .type('application/pdf')
    .set('Content-Disposition', `attachment; filename="${filename}"`)
    .set('Cache-Control', 'private, no-store')
    .set('X-Content-Type-Options', 'nosniff')
    .set('Server-Timing', `pdf;dur=${renderMs}${cached ? ';desc="cached"' : ''}`)
    .send(pdf);
}
