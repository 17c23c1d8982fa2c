// The pay page's bank transfer block (views/payments/_bank-transfer.ejs): the amount due, the
// account, the reference to quote and the EPC QR code that banking apps scan, from the host's bank
// details on the invoice (the same ones the invoice PDF prints), and the admin's own transfer
// instructions below them. The code is a PNG data URL, made here so the template only prints it.
import type { RequestI18n } from '../../../core/index.ts';
import type { InvoiceDetail } from '../port.ts';
import { bankTransferCode, bankTransferDetails, groupedIban } from '../bank-transfer.ts';
import { epcQrPngDataUrl } from '../epc-qr.ts';

export interface BankTransferView {
  amount: string;
  /** The account, as the host gives it; null where only the admin's instructions describe it. */
  account: { holder: string | null; bankName: string | null; iban: string; bic: string | null } | null;
  reference: string;
  /** The scannable code, where there is one; `euroOnly` says why there is none for another currency. */
  qr: { src: string; alt: string } | null;
  euroOnly: boolean;
  /** The admin's instructions, line by line. */
  instructions: string[];
}

export async function presentBankTransfer(
  i18n: RequestI18n,
  invoice: InvoiceDetail,
  instructions: string | null,
): Promise<BankTransferView | null> {
  const details = bankTransferDetails(invoice);
  if (!details && !instructions) return null;
  const amount = i18n.fmt.money(invoice.balanceCents, invoice.currency);
  const code = bankTransferCode(invoice, details);
  const iban = details ? groupedIban(details.iban) : null;
  return {
    amount,
    account: details && iban ? { holder: details.holder, bankName: details.bankName, iban, bic: details.bic } : null,
    reference: invoice.number,
    qr: code
      ? { src: await epcQrPngDataUrl(code), alt: i18n.t('payments:transfer.qrAlt', { amount, iban, reference: invoice.number }) }
      : null,
    euroOnly: details !== null && code === null && invoice.currency.toUpperCase() !== 'EUR',
    instructions: instructions ? instructions.split(/\r?\n/) : [],
  };
}
