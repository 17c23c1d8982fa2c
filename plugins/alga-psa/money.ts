// Alga PSA keeps money as bigint cents (quotes, quote_items, invoices.total_amount,
// invoice_payments.amount) in the record's currency_code. The pg driver hands bigint back as text;
// this turns it into a safe integer once, at the edge.
export function cents(value: string | number | null | undefined): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isSafeInteger(n) ? n : 0;
}

/** Alga's own default currency (clients/quotes/invoices.currency_code default 'USD'). */
export function currencyOrDefault(code: string | null | undefined): string {
  const trimmed = code?.trim().toUpperCase() ?? '';
  return /^[A-Z]{3}$/.test(trimmed) ? trimmed : 'USD';
}
