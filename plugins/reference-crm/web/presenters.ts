// Rows → view models. Templates receive only what these return: formatted money and dates,
// labels, and the links to follow. Money is integer cents plus an ISO currency code.
import { fileSize } from '../../../src/index.ts';
import type { ClientListRow, ClientRow } from '../queries/clients.ts';
import type { ContactRow } from '../queries/contacts.ts';
import type { DocumentRow } from '../queries/documents.ts';
import type { InvoiceRow } from '../queries/invoices.ts';
import type { WorkspaceRecurringInvoiceRow } from '../queries/recurring-invoices.ts';
import type { LineItemRow } from '../queries/line-items.ts';
import type { OfferRow } from '../queries/offers.ts';
import type { PaymentRow } from '../queries/payments.ts';
import type { TaskRow } from '../queries/tasks.ts';

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(cents: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(cents / 100);
}

const countFormat = new Intl.NumberFormat('en-US');

/**
 * A count read up to `limit` and one more (queries/dashboard.ts): past the limit it is not the real
 * number, so it reads "More than 1,000".
 */
export function formatCountUpTo(count: number, limit: number): string {
  return count > limit ? `More than ${countFormat.format(limit)}` : countFormat.format(count);
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Dates are 'YYYY-MM-DD' strings (no time zone to shift them); timestamps are Dates. */
function formatDate(value: string | Date | null): string {
  if (value === null) return '—';
  const date = typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : value;
  return Number.isNaN(date.getTime()) ? '—' : dateFormat.format(date);
}

function formatDateTime(value: Date | null): string {
  return value === null ? '—' : `${dateTimeFormat.format(value)} UTC`;
}

function formatQuantity(quantity: number): string {
  return Number.isInteger(quantity) ? String(quantity) : quantity.toFixed(2).replace(/0$/, '');
}

/** A client's answer to a ticket's satisfaction survey (a plugin's), as staff read it. */
export function presentSurveyAnswer(answer: { rating: number; scale: number; comment: string | null; at: Date }) {
  return { rating: `${answer.rating} of ${answer.scale}`, comment: answer.comment ?? '', at: formatDateTime(answer.at) };
}

export function statusLabel(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface Link {
  href: string;
  label: string;
}

function safeWebsite(url: string | null): Link | null {
  if (url === null || !/^https?:\/\//i.test(url)) return null;
  return { href: url, label: url.replace(/^https?:\/\//i, '').replace(/\/$/, '') };
}

export interface Option {
  value: string;
  label: string;
}

export function clientOptions(rows: ReadonlyArray<{ id: number; name: string }>): Option[] {
  return rows.map((row) => ({ value: String(row.id), label: row.name }));
}

export function contactOptionGroups(rows: readonly ContactRow[]): Array<{ label: string; options: Option[] }> {
  const groups = new Map<string, Option[]>();
  for (const row of rows) {
    const group = groups.get(row.client_name) ?? [];
    group.push({ value: String(row.id), label: `${row.name} (${row.email})` });
    groups.set(row.client_name, group);
  }
  return [...groups].map(([label, options]) => ({ label, options }));
}

export function presentClientListItem(row: ClientListRow) {
  return {
    name: row.name,
    href: `/clients/${row.id}`,
    website: safeWebsite(row.website),
    contactCount: row.contact_count,
  };
}

export function presentClient(row: ClientRow) {
  return {
    id: String(row.id),
    name: row.name,
    href: `/clients/${row.id}`,
    website: safeWebsite(row.website),
    address: row.address ?? '',
    taxId: row.tax_id ?? '',
    billingEmail: row.billing_email ?? '',
    phone: row.phone ?? '',
    createdOn: formatDate(row.created_at),
  };
}

export function presentContact(row: ContactRow) {
  return {
    name: row.name,
    href: `/contacts/${row.id}`,
    email: row.email,
    phone: row.phone ?? '',
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    createdOn: formatDate(row.created_at),
  };
}

export type OfferKind = 'proposal' | 'quotation';

export const OFFER_LABELS: Record<OfferKind, { singular: string; plural: string; path: string }> = {
  proposal: { singular: 'Proposal', plural: 'Proposals', path: '/proposals' },
  quotation: { singular: 'Quotation', plural: 'Quotations', path: '/quotations' },
};

export function presentOffer(kind: OfferKind, row: OfferRow) {
  return {
    number: row.number,
    title: row.title,
    body: row.body,
    href: `${OFFER_LABELS[kind].path}/${row.id}`,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    status: row.status,
    statusLabel: statusLabel(row.status),
    currency: row.currency,
    total: formatMoney(row.total_cents, row.currency),
    validUntil: formatDate(row.valid_until),
    sentAt: formatDateTime(row.sent_at),
    decidedAt: formatDateTime(row.decided_at),
    createdOn: formatDate(row.created_at),
  };
}

export function presentLineItems(rows: readonly LineItemRow[], currency: string) {
  return rows.map((row) => ({
    description: row.description,
    quantity: formatQuantity(row.quantity),
    unitPrice: formatMoney(row.unit_price_cents, currency),
    lineTotal: formatMoney(row.line_total_cents, currency),
    taxRate: row.tax_rate_percent === null ? '' : `${formatQuantity(Number(row.tax_rate_percent))} %`,
  }));
}

/** Subtotal and tax of the lines, each line's tax rounded to the cent as the stored total rounds it. */
export function presentLineSums(rows: readonly LineItemRow[], currency: string) {
  const sum = (pick: (row: LineItemRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  return {
    subtotal: formatMoney(
      sum((row) => Number(row.line_total_cents)),
      currency,
    ),
    tax: formatMoney(
      sum((row) => Number(row.line_tax_cents)),
      currency,
    ),
  };
}

/** A recurring invoice on the staff list: who, what, how much, how often, and when next (none once paused or ended). */
export function presentRecurringInvoice(row: WorkspaceRecurringInvoiceRow) {
  const ended = row.ends_on !== null && row.next_date > row.ends_on;
  const state = !row.active ? 'Paused' : ended ? `Ended on ${row.ends_on}` : row.ends_on ? `Until ${row.ends_on}` : 'Active';
  return {
    title: row.title,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    amount: formatMoney(Number(row.amount_cents), row.currency),
    frequency: row.every === 1 ? `Every ${row.unit}` : `Every ${row.every} ${row.unit}s`,
    nextDate: row.active && !ended ? row.next_date : '—',
    state,
  };
}

export function presentInvoice(row: InvoiceRow) {
  const balanceCents = Math.max(row.total_cents - row.paid_cents, 0);
  return {
    number: row.number,
    href: `/invoices/${row.id}`,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    status: row.status,
    statusLabel: statusLabel(row.status),
    currency: row.currency,
    issueDate: formatDate(row.issue_date),
    dueDate: formatDate(row.due_date),
    notes: row.notes,
    total: formatMoney(row.total_cents, row.currency),
    paid: formatMoney(row.paid_cents, row.currency),
    balance: formatMoney(balanceCents, row.currency),
    canRecordPayment: balanceCents > 0 && row.status !== 'void' && row.status !== 'draft',
  };
}

const METHOD_LABELS: Record<string, string> = {
  bank_transfer: 'Bank transfer',
  card: 'Card',
  cash: 'Cash',
  check: 'Check',
};

export function presentPayment(row: PaymentRow, currency: string) {
  return {
    amount: formatMoney(row.amount_cents, currency),
    method: METHOD_LABELS[row.method] ?? statusLabel(row.method),
    reference: row.reference ?? '',
    paidAt: formatDate(row.paid_at),
  };
}

export function paymentMethodOptions(): Option[] {
  return Object.entries(METHOD_LABELS).map(([value, label]) => ({ value, label }));
}

export function presentTask(row: TaskRow) {
  return {
    title: row.title,
    description: row.description,
    href: `/tasks/${row.id}`,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    assignee:
      row.assigned_contact_id !== null && row.assigned_contact_name !== null
        ? { label: row.assigned_contact_name, href: `/contacts/${row.assigned_contact_id}` }
        : null,
    dueDate: formatDate(row.due_date),
    status: row.status,
    statusLabel: statusLabel(row.status),
    completedAt: formatDateTime(row.completed_at),
  };
}

export function presentDocument(row: DocumentRow) {
  return {
    filename: row.filename,
    href: `/documents/${row.id}`,
    downloadHref: `/documents/${row.id}/download`,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    contentType: row.content_type,
    size: fileSize(row.size_bytes),
    shared: row.shared_with_client,
    sharedLabel: row.shared_with_client ? 'Shared with client' : 'Internal',
    uploadedOn: formatDate(row.created_at),
  };
}
