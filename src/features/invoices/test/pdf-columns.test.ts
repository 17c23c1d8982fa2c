// The line table of a PDF sizes its columns from what they hold: every column heading stands whole
// on the heading row ("Menge", not "Meng" over "e") and every amount on one line, in German and in
// English, with and without the tax columns, however large the figures. Read back with pdftotext.
import { expect } from 'chai';
import { formattersFor, type LineItem, type Locale, renderPdfHere, type RequestI18n, translator } from '../../../core/index.ts';
import type { InvoiceDetail } from '../port.ts';
import { invoicePdfModel, presentInvoiceDetail } from '../presenters.ts';
import { pdfText } from '../../../../test/support/pdf-text.ts';

/** Without any white space: pdftotext sets a narrow no-break space ("7 %") as a space or as nothing. */
const bare = (text: string) => text.replace(/\s+/g, '');

const i18nFor = (locale: Locale): RequestI18n => ({ locale, timeZone: 'UTC', t: translator(locale), fmt: formattersFor(locale, 'UTC') });

function invoice(lines: LineItem[]): InvoiceDetail {
  const subtotalCents = lines.reduce((sum, line) => sum + line.totalCents, 0);
  const taxCents = lines.reduce((sum, line) => sum + (line.taxCents ?? 0), 0);
  return {
    id: '1',
    clientId: '1',
    number: 'RE-2026-0001',
    status: 'open',
    currency: 'EUR',
    totalCents: subtotalCents + taxCents,
    paidCents: 0,
    balanceCents: subtotalCents + taxCents,
    issueDate: '2026-11-01',
    dueDate: '2026-12-01',
    lines,
    subtotalCents,
    taxCents,
    notes: '',
    payments: [],
  };
}

const taxed: LineItem[] = [
  { description: 'Beratung', quantity: 1250, unitPriceCents: 98_765, totalCents: 123_456_250, taxRatePercent: 19, taxCents: 23_456_688 },
  { description: 'Lizenz', quantity: 1, unitPriceCents: 48_000, totalCents: 48_000, taxRatePercent: 7, taxCents: 3_360 },
];
const untaxed: LineItem[] = taxed.map((line) => ({ ...line, taxRatePercent: null, taxCents: null }));

async function headingAndRows(locale: Locale, lines: LineItem[]) {
  const i18n = i18nFor(locale);
  const view = presentInvoiceDetail(i18n, invoice(lines), '/portal/demo/invoices/1', '2026-11-02');
  const model = invoicePdfModel(i18n, view, { name: 'Demo Agency', color: '#2f5bd3', logo: null }, 'Kunde GmbH');
  const text = await pdfText(await renderPdfHere(model));
  const rows = text.split('\n');
  const at = rows.findIndex((row) => row.includes(model.columns.description));
  expect(at, text).to.be.greaterThan(-1);
  return { text, rows, model, heading: rows[at]!, next: rows[at + 1]!, after: rows.slice(at + 1 + lines.length) };
}

describe('PDF line table: columns as wide as what they hold', function () {
  for (const locale of ['de', 'en'] as const) {
    for (const [name, lines] of [
      ['with tax columns', taxed],
      ['without tax columns', untaxed],
    ] as const) {
      it(`keeps every heading whole on one row (${locale}, ${name})`, async function () {
        const { heading, next, model, text } = await headingAndRows(locale, lines);
        const labels = [model.columns.quantity, model.columns.unitPrice, model.columns.total];
        if (model.showLineTax) labels.push(model.columns.tax, ...(model.columns.taxAmount ? [model.columns.taxAmount] : []));
        for (const label of labels) expect(heading, `${label} in\n${text}`).to.include(label);
        // The row under the headings is the first line item, not the end of a wrapped heading.
        expect(next.trim().startsWith(lines[0]!.description), text).to.equal(true);
      });

      it(`sets each amount on one line, beside its label (${locale}, ${name})`, async function () {
        const { rows, after, model, text } = await headingAndRows(locale, lines);
        for (const line of model.lines) {
          const row = rows.find((candidate) => candidate.trimStart().startsWith(line.description)) ?? '';
          const cells = [line.quantity, line.unitPrice, ...(model.showLineTax ? [line.taxRate, line.taxAmount] : []), line.total];
          for (const cell of cells) if (cell) expect(bare(row), `${cell} in\n${text}`).to.include(bare(cell));
        }
        for (const total of model.totals) {
          const row = after.find((candidate) => candidate.includes(total.label)) ?? '';
          expect(bare(row), `${total.label} ${total.value} in\n${text}`).to.include(bare(total.value));
        }
      });
    }
  }

  it('prints "Menge" whole in the German invoice', async function () {
    const { heading, text } = await headingAndRows('de', taxed);
    expect(heading, text).to.match(/\bMenge\b/);
    expect(text).not.to.match(/\bMeng\s*\n/);
  });
});
