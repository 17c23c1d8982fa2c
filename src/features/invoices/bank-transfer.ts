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
  if (!details?.holder || invoice.status !== 'open' || invoice.balanceCents <= 0) return null;
  return epcPayload({
    name: details.holder,
    iban: details.iban,
    bic: details.bic,
    amountCents: invoice.balanceCents,
    currency: invoice.currency,
    reference: details.reference,
  });
}

/** IBAN in groups of four, as it is printed and read aloud. */
export const groupedIban = (iban: string) =>
  iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})/g, '$1 ')
    .trim();
