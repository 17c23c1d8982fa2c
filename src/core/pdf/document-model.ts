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
  /** The line's tax amount, shown in its own column when the model sets columns.taxAmount. */
  taxAmount?: string | null;
  /** The line's discount ("10 %"): a Discount column where any line has one. */
  discount?: string | null;
  total: string;
}

/** One party of an invoice (seller or buyer): a heading and the lines that have a value, already labelled. */
export interface PdfParty {
  heading: string;
  lines: string[];
}

/** A titled block of label/value rows (payment terms, bank details). */
export interface PdfSection {
  heading: string;
  rows: Array<{ label: string | null; value: string }>;
  /** A QR code drawn beside the rows (the bank details' EPC transfer code), with a line under it. */
  qr?: { text: string; caption: string } | null;
}

export interface PdfDocumentModel {
  locale: string;
  brand: PdfBrand;
  /** "Proposal PRO-0001" */
  heading: string;
  title: string;
  /** "€5,422.35 due Nov 28, 2026": what an open invoice still asks for, set large under the title. */
  amountDue?: string | null;
  meta: Array<{ label: string; value: string }>;
  body: string;
  columns: { description: string; quantity: string; unitPrice: string; discount?: string; tax: string; taxAmount?: string; total: string };
  lines: PdfLine[];
  showLineTax: boolean;
  totals: Array<{ label: string; value: string; strong?: boolean }>;
  notes: { label: string; text: string } | null;
  payments: { label: string; rows: Array<{ when: string; method: string; reference?: string | null; amount: string }> } | null;
  /** Set on a signed version: the heading of the block and its label/value rows. */
  evidence: { heading: string; rows: Array<{ label: string; value: string }>; signaturePng?: Buffer | null } | null;
  footer: string;
  /** Seller and buyer side by side under the meta rows (an invoice's legal header); absent or empty leaves it out. */
  parties?: PdfParty[];
  /** Net amount and tax per tax rate, under the totals. */
  taxBreakdown?: { heading: string; rows: Array<{ label: string; value: string }> } | null;
  /** Why no tax is charged (reverse charge, not taxable here, small business), under the totals. */
  taxNote?: string | null;
  /** Blocks after the notes: payment terms, bank details. */
  sections?: PdfSection[];
  /** "Page {page} of {pages}", set on every page's foot; absent leaves pages unnumbered. */
  pageLabel?: string | null;
  /** The seller's legal details (name, address, VAT id, registration), set on every page's foot. */
  legalFooter?: string | null;
}
