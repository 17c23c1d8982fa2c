// The lines of a proposal, quotation or invoice as every page and PDF shows them: quantity, unit
// price, tax rate, the discount where the host keeps one, and total in the record's own currency,
// and the net and tax per rate.
import type { LineItem } from '../ports/commercial-records.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';

export interface LineView {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string | null;
  /** The line's discount ("10 %"), or null where it has none. */
  discount: string | null;
  total: string;
}

export interface HistoryEntry {
  label: string;
  when: string;
}

export function presentLines(i18n: RequestI18n, lines: LineItem[], currency: string): LineView[] {
  const { fmt } = i18n;
  return lines.map((line) => ({
    description: line.description,
    quantity: fmt.number(line.quantity),
    unitPrice: fmt.money(line.unitPriceCents, currency),
    taxRate: line.taxRatePercent === null ? null : `${fmt.number(line.taxRatePercent)} %`,
    discount: line.discountPercent ? `${fmt.number(line.discountPercent)} %` : null,
    total: fmt.money(line.totalCents, currency),
  }));
}

/** A line's tax in cents: the host's own figure, or its rate applied to the line's net total. */
export function lineTaxCents(line: LineItem): number | null {
  if (line.taxRatePercent === null) return null;
  if (typeof line.taxCents === 'number') return line.taxCents;
  return Math.round((line.totalCents * line.taxRatePercent) / 100);
}

/** Net and tax per rate, highest rate first ("19 % on €4,125.00" → "€783.75"); empty when no line has a rate. Offers show it too. */
export function presentTaxByRate(i18n: RequestI18n, lines: LineItem[], currency: string): Array<{ label: string; value: string }> {
  const { t, fmt } = i18n;
  const rates = new Map<number, { net: number; tax: number }>();
  for (const line of lines) {
    const tax = lineTaxCents(line);
    if (line.taxRatePercent === null || tax === null) continue;
    const sum = rates.get(line.taxRatePercent) ?? { net: 0, tax: 0 };
    sum.net += line.totalCents;
    sum.tax += tax;
    rates.set(line.taxRatePercent, sum);
  }
  return [...rates.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, sum]) => ({
      label: t('pdf:legal.taxAtRate', { rate: `${fmt.number(rate)} %`, net: fmt.money(sum.net, currency) }),
      value: fmt.money(sum.tax, currency),
    }));
}
