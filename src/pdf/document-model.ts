// What a PDF of a proposal, quotation or invoice shows: already translated and formatted text
// (the same strings the HTML page shows), so the PDF never computes a figure of its own. An
// acceptance adds an evidence block (who signed, when, from where, and the fingerprint of the
// version they saw).

export interface PdfBrand {
  name: string;
  /** '#rrggbb' */
  color: string;
  /** An uploaded PNG or JPEG; anything else is left out. */
  logo: Buffer | null;
}

export interface PdfLine {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string | null;
  total: string;
}

export interface PdfDocumentModel {
  locale: string;
  brand: PdfBrand;
  /** "Proposal PRO-0001" */
  heading: string;
  title: string;
  meta: Array<{ label: string; value: string }>;
  body: string;
  columns: { description: string; quantity: string; unitPrice: string; tax: string; total: string };
  lines: PdfLine[];
  showLineTax: boolean;
  totals: Array<{ label: string; value: string; strong?: boolean }>;
  notes: { label: string; text: string } | null;
  payments: { label: string; rows: Array<{ when: string; method: string; amount: string }> } | null;
  /** Set on a signed version: the heading of the block and its label/value rows. */
  evidence: { heading: string; rows: Array<{ label: string; value: string }>; signaturePng?: Buffer | null } | null;
  footer: string;
}
