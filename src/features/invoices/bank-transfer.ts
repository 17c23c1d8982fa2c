// Paying an invoice by bank transfer: the account and the reference to quote, as the host gives
// them on the invoice (InvoiceDetail.bank), and the EPC QR code for what is due now. The invoice
// PDF's bank details and the pay page's bank transfer block both read them from here, so the
// page and the paper never disagree.
import type { InvoiceDetail } from './port.ts';
import { epcPayload } from './epc-qr.ts';

export interface BankTransferDetails {
  /** The account holder: the host's, else the seller's legal name; null when the host has neither. */
  holder: string | null;
  bankName: string | null;
  iban: string;
  bic: string | null;
  /** What the payer quotes: the invoice number. */
  reference: string;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Where to pay this invoice by transfer; null when the host gives no IBAN, or the invoice is void. */
export function bankTransferDetails(invoice: InvoiceDetail): BankTransferDetails | null {
  const bank = invoice.bank;
  if (!bank || !present(bank.iban) || invoice.status === 'void') return null;
  const legalName = invoice.seller?.legalName;
  return {
    holder: present(bank.accountHolder) ? bank.accountHolder : present(legalName) ? legalName : null,
    bankName: present(bank.bankName) ? bank.bankName : null,
    iban: bank.iban,
    bic: present(bank.bic) ? bank.bic : null,
    reference: invoice.number,
  };
}

/**
 * The EPC QR payload for the balance of an open invoice; null when nothing is due, there is no
 * account holder to name (a SEPA transfer needs one), or the code cannot be made (not in euros, an
 * IBAN that fails its check: see epcPayload).
 */
export function bankTransferCode(invoice: InvoiceDetail, details: BankTransferDetails | null): string | null {
  if (invoice.status !== 'open' || invoice.balanceCents <= 0) return null;
  return transferCode(details, { amountCents: invoice.balanceCents, currency: invoice.currency, reference: details?.reference ?? '' });
}

/** The EPC QR payload for a transfer of an amount to the account, quoting the reference; null when there can be none. */
export function transferCode(
  details: BankTransferDetails | null,
  transfer: { amountCents: number; currency: string; reference: string },
): string | null {
  if (!details?.holder) return null;
  return epcPayload({ name: details.holder, iban: details.iban, bic: details.bic, ...transfer });
}

/**
 * What a payer quotes for one transfer that pays several invoices: their numbers, space-separated,
 * in the order given. Null when they do not fit in the 140 characters a SEPA transfer carries to
 * the agency's bank statement (the remittance information, which the EPC code also fills in): a
 * reference cut short would leave the agency guessing which invoices the money is for.
 */
export function severalTransferReference(numbers: readonly string[]): string | null {
  const reference = numbers.join(' ');
  return Array.from(reference).length <= TRANSFER_REFERENCE_MAX ? reference : null;
}

/** A SEPA transfer's unstructured remittance information, at most. */
export const TRANSFER_REFERENCE_MAX = 140;

/**
 * The one account several invoices are paid into by one transfer: the host's account on each of
 * them, the same IBAN on all. `none` when no invoice names one (the admin's instructions may still
 * say where to pay); `different` when they name different accounts or only some name one, as one
 * transfer cannot go to two accounts.
 */
export function commonTransferAccount(invoices: readonly InvoiceDetail[]): BankTransferDetails | 'none' | 'different' {
  const accounts = invoices.map((invoice) => bankTransferDetails(invoice));
  const named = accounts.filter((account): account is BankTransferDetails => account !== null);
  if (named.length === 0) return 'none';
  const ibans = new Set(named.map((account) => account.iban.replace(/\s+/g, '').toUpperCase()));
  if (named.length < accounts.length || ibans.size > 1) return 'different';
  return named[0]!;
}

/** IBAN in groups of four, as it is printed and read aloud. */
export const groupedIban = (iban: string) =>
  iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})/g, '$1 ')
    .trim();
