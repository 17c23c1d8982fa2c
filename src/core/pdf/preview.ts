// The inline preview of a proposal, quotation or invoice: the same PdfDocumentModel the PDF is
// rendered from, drawn as HTML (views/commercial/_document.ejs) instead of pdfkit pages. HTML
// rather than an <iframe> of the PDF or page images: it needs no PDF viewer (iOS Safari shows
// only a PDF's first page in a frame, headless Chromium none), no poppler on the host, no framing
// or object-src exception in the CSP, and on a phone its text reflows and stays selectable and
// readable by a screen reader, where an A4 image would need zooming. The words and figures are the
// model's, so the preview cannot say anything the PDF does not.
import type { Branding } from '../branding/branding.ts';
import type { PdfBrand, PdfDocumentModel } from './document-model.ts';

export interface DocumentPreview {
  model: PdfDocumentModel;
  /** The workspace's logo as the page already shows it (the PDF embeds the bytes instead). */
  logoUrl: string | null;
  pdfHref: string;
  /** The preview as a page of its own. */
  pageHref: string;
}

/** The brand without the logo's bytes: the HTML links the logo, so nothing is read from storage. */
export function previewBrand(branding: Pick<Branding, 'workspaceName' | 'primary'>): PdfBrand {
  return { name: branding.workspaceName, color: branding.primary, logo: null };
}

export function documentPreview(model: PdfDocumentModel, recordHref: string, logoUrl: string | null): DocumentPreview {
  // "Page N of M" belongs to paper; the HTML is one continuous sheet.
  return { model: { ...model, pageLabel: null }, logoUrl, pdfHref: `${recordHref}.pdf`, pageHref: `${recordHref}/preview` };
}
