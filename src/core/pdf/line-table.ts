// The line table and the totals under it, as every commercial PDF (proposal, quotation, invoice,
// receipt) sets them: the same headings in the reader's language, and the same subtotal, tax and
// total rows. The renderer measures each column to its heading or widest figure (render-pdf.ts),
// so the model only names them. One module, so an offer and its invoice cannot come to differ.
import type { Translate } from '../i18n/translations.ts';
import type { PdfDocumentModel, PdfLine } from './document-model.ts';

type LineTable = Pick<PdfDocumentModel, 'columns' | 'lines' | 'showLineTax'>;

/** The record's lines under the headings description, quantity, unit price, tax (where a line has a rate) and total. */
export function lineTable(t: Translate, lines: PdfLine[], showLineTax: boolean): LineTable {
  return {
    columns: {
      description: t('pdf:columns.description'),
      quantity: t('pdf:columns.quantity'),
      unitPrice: t('pdf:columns.unitPrice'),
      discount: t('pdf:columns.discount'),
      tax: t('pdf:columns.tax'),
      total: t('pdf:columns.total'),
    },
    lines,
    showLineTax,
  };
}

/** Subtotal, tax and the total in bold: an offer's totals, and the first of an invoice's. */
export function recordTotals(t: Translate, figures: { subtotal: string; tax: string; total: string }): PdfDocumentModel['totals'] {
  return [
    { label: t('pdf:subtotal'), value: figures.subtotal },
    { label: t('pdf:tax'), value: figures.tax },
    { label: t('pdf:total'), value: figures.total, strong: true },
  ];
}
