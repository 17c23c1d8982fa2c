// The bank transfer block (views/payments/_bank-transfer.ejs), on the pay page of one invoice and
// on the page that pays several chosen on the list by one transfer: the amount due, the account,
// the reference to quote and the EPC QR code that banking apps scan, from the host's bank details
// on the invoices (the same ones the invoice PDF prints), and the admin's own transfer instructions
// below them. The code is a PNG data URL, made here so the template only prints it.
import type { RequestI18n } from '../../../core/index.ts';
import type { InvoiceDetail } from '../port.ts';
import { bankTransferDetails, groupedIban, TRANSFER_REFERENCE_MAX, transferCode, type BankTransferDetails } from '../bank-transfer.ts';
import type { SeveralTransfer, SeveralTransferRefusal } from './service.ts';
import { epcQrPngDataUrl } from '../epc-qr.ts';

export interface BankTransferView {
  amount: string;
  /** The account, as the host gives it; null where only the admin's instructions describe it. */
  account: { holder: string | null; bankName: string | null; iban: string; bic: string | null } | null;
  reference: string;
  /** Said where there is no account to show: transfer this amount quoting this reference. */
  lede: string;
  /** Said beside the reference: why to quote it exactly. */
  quoteHint: string;
  /** The scannable code, where there is one; `euroOnly` says why there is none for another currency. */
  qr: { src: string; alt: string } | null;
  euroOnly: boolean;
  /** The admin's instructions, line by line. */
  instructions: string[];
}

/** The block for one invoice's balance; null when neither the host nor the admin says where to pay. */
export async function presentBankTransfer(
  i18n: RequestI18n,
  invoice: InvoiceDetail,
  instructions: string | null,
): Promise<BankTransferView | null> {
  const details = bankTransferDetails(invoice);
  if (!details && !instructions) return null;
  const amount = i18n.fmt.money(invoice.balanceCents, invoice.currency);
  return presentTransfer(i18n, details, instructions, {
    amountCents: invoice.balanceCents,
    currency: invoice.currency,
    // A code only for what is still due on an open invoice.
    scannable: invoice.status === 'open',
    reference: invoice.number,
    lede: i18n.t('payments:transfer.lede', { amount, number: invoice.number }),
    quoteHint: i18n.t('payments:transfer.referenceToQuoteHint'),
  });
}

/** The block for one transfer that pays several invoices: their total, quoting all their numbers. */
function presentSeveralTransfer(
  i18n: RequestI18n,
  details: BankTransferDetails | null,
  instructions: string | null,
  transfer: { totalCents: number; currency: string; reference: string },
): Promise<BankTransferView> {
  const amount = i18n.fmt.money(transfer.totalCents, transfer.currency);
  return presentTransfer(i18n, details, instructions, {
    amountCents: transfer.totalCents,
    currency: transfer.currency,
    scannable: true,
    reference: transfer.reference,
    lede: i18n.t('payments:severalTransfer.lede', { amount, reference: transfer.reference }),
    quoteHint: i18n.t('payments:severalTransfer.quoteHint'),
  });
}

async function presentTransfer(
  i18n: RequestI18n,
  details: BankTransferDetails | null,
  instructions: string | null,
  transfer: { amountCents: number; currency: string; reference: string; scannable: boolean; lede: string; quoteHint: string },
): Promise<BankTransferView> {
  const amount = i18n.fmt.money(transfer.amountCents, transfer.currency);
  const code =
    transfer.scannable && transfer.amountCents > 0
      ? transferCode(details, { amountCents: transfer.amountCents, currency: transfer.currency, reference: transfer.reference })
      : null;
  const iban = details ? groupedIban(details.iban) : null;
  return {
    amount,
    account: details && iban ? { holder: details.holder, bankName: details.bankName, iban, bic: details.bic } : null,
    reference: transfer.reference,
    lede: transfer.lede,
    quoteHint: transfer.quoteHint,
    qr: code
      ? { src: await epcQrPngDataUrl(code), alt: i18n.t('payments:transfer.qrAlt', { amount, iban, reference: transfer.reference }) }
      : null,
    euroOnly: details !== null && code === null && transfer.currency.toUpperCase() !== 'EUR',
    instructions: instructions ? instructions.split(/\r?\n/) : [],
  };
}

/** The page that pays several invoices by one transfer: each invoice with what is left on it, then the block (with their total). */
export async function presentSeveralTransferPage(i18n: RequestI18n, base: string, transfer: SeveralTransfer) {
  return {
    count: transfer.invoices.length,
    rows: transfer.invoices.map((invoice) => ({
      number: invoice.number,
      href: `${base}/invoices/${encodeURIComponent(invoice.id)}`,
      due: invoice.dueDate ? i18n.fmt.day(invoice.dueDate) : null,
      balance: i18n.fmt.money(invoice.balanceCents, invoice.currency),
    })),
    bankTransfer: await presentSeveralTransfer(i18n, transfer.account, transfer.instructions, transfer),
    transferUrl: `${base}/invoices/pay/transfer/report`,
    transferInvoiceIds: transfer.invoices.map((invoice) => invoice.id),
    invoicesHref: `${base}/invoices`,
  };
}

const REFUSALS = {
  mixed_currencies: 'payments:several.errors.mixedCurrencies',
  different_accounts: 'payments:severalTransfer.errors.differentAccounts',
  no_account: 'payments:severalTransfer.errors.noAccount',
  reference_too_long: 'payments:severalTransfer.errors.referenceTooLong',
} as const;

/** Why the chosen invoices cannot be paid by one transfer, in a sentence. */
export function severalTransferRefusal(i18n: RequestI18n, refusal: SeveralTransferRefusal): string {
  if (refusal.error === 'not_payable')
    return refusal.number
      ? i18n.t('payments:several.errors.notPayable', { number: refusal.number })
      : i18n.t('payments:several.errors.notFound');
  return i18n.t(REFUSALS[refusal.error], { max: TRANSFER_REFERENCE_MAX });
}
