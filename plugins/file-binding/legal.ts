// The documents' details from a binding file (queries/legal.ts) as the portal's ports take them:
// the letterhead of an offer, an invoice and the statement (seller and buyer), and an invoice's
// payment terms (worded by their code where the file gives wordings), bank account and
// VAT mention. A section the file does not give is absent, so the portal leaves its lines out; a
// field the file does not map is null.
import type { Knex } from 'knex';
import type { BankDetails, BuyerParty, InvoiceDetail, SellerParty, LetterheadParties } from '../../src/index.ts';
import type { BindingFile, InvoiceConcept } from './format.ts';
import { type AddressRow, bankAccountRow, invoiceLegalRow, letterheadRow } from './queries/legal.ts';
import type { WorkspaceRule } from './queries/scoped.ts';

const filled = (value: string | null | undefined) => value?.trim() || null;

/** The street's lines, then "postcode town", then the country where it is printed; null for none. */
function addressLines(address: AddressRow, withCountry: boolean): string[] | null {
  const lines = [
    ...(address.street ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    ...[[filled(address.postcode), filled(address.town)].filter(Boolean).join(' ')].filter(Boolean),
    ...(withCountry && filled(address.country) ? [filled(address.country)!] : []),
  ];
  return lines.length ? lines : null;
}

type InvoiceLegal = Pick<InvoiceDetail, 'paymentTerms' | 'paymentTermsByLocale' | 'bank' | 'vatExemption'>;

/** The file's wordings of the term's code (invoices.paymentTermsByCode), trimmed as codes are read; null for another code. */
function wordingsOf(byCode: NonNullable<InvoiceConcept['paymentTermsByCode']>, code: string | null): InvoiceDetail['paymentTermsByLocale'] {
  const key = code?.trim();
  return (key && Object.hasOwn(byCode.wordings, key) && byCode.wordings[key]) || null;
}

export interface FileLegalDetails {
  /** Null without a letterhead in the file, or for a client not in the workspace. */
  letterhead(read: Knex, workspaceId: string, clientId: string): Promise<LetterheadParties | null>;
  /** What the file maps of an invoice's details; only the keys it maps. */
  invoice(read: Knex, workspaceId: string, clientId: string, invoiceId: string, currency: string): Promise<InvoiceLegal>;
}

/** `read`: the pool, or the transaction the record is read in (never a second connection inside one). */
export function fileLegalDetails(file: BindingFile, rule: WorkspaceRule, accountKey: (id: string) => string | null): FileLegalDetails {
  const section = file.letterhead;
  const invoices = file.invoices;
  return {
    async letterhead(db, workspaceId, clientId) {
      if (!section) return null;
      const row = await letterheadRow(db, file, rule, workspaceId, clientId);
      if (!row) return null;
      // whenDifferent: each party's country only when both codes are known apart (a buyer's also
      // when the seller's is unknown), as an invoice to a client at home names none.
      const sellerCode = filled(row.seller_address.countryCode);
      const buyerCode = filled(row.buyer_address.countryCode);
      const differ = buyerCode !== null && buyerCode !== sellerCode;
      const always = section.countries === 'always';
      const seller: SellerParty | null = section.seller
        ? {
            legalName: filled(row.seller_name),
            addressLines: addressLines(row.seller_address, always || (differ && sellerCode !== null)),
            vatId: filled(row.seller_vat_id),
            registrationNumber: filled(row.seller_registration),
          }
        : null;
      const buyer: BuyerParty | null = section.buyer
        ? { addressLines: addressLines(row.buyer_address, always || differ), taxId: filled(row.buyer_tax_id) }
        : null;
      return { seller, buyer };
    },
    async invoice(db, workspaceId, clientId, invoiceId, currency) {
      if (!invoices || (!invoices.bank && !invoices.vatExemption && !invoices.paymentTerms && !invoices.paymentTermsByCode)) return {};
      const row = await invoiceLegalRow(db, file, rule, workspaceId, clientId, invoiceId);
      if (!row) return {};
      let bank: BankDetails | null = null;
      const key = row.account === null ? null : accountKey(row.account);
      const account = key === null ? null : await bankAccountRow(db, file, rule, workspaceId, key);
      const iban = filled(account?.iban);
      // No IBAN, nothing to pay into; an account in another currency is not offered for this invoice.
      if (account && iban && (invoices.bank?.currency === undefined || filled(account.currency) === currency))
        bank = { iban, bic: filled(account.bic), bankName: filled(account.bank_name), accountHolder: filled(account.holder) };
      const exemption = invoices.vatExemption;
      return {
        ...(invoices.paymentTerms ? { paymentTerms: filled(row.payment_terms) } : {}),
        ...(invoices.paymentTermsByCode ? { paymentTermsByLocale: wordingsOf(invoices.paymentTermsByCode, row.payment_term_code) } : {}),
        ...(invoices.bank ? { bank } : {}),
        ...(exemption
          ? {
              vatExemption: row.vat_exempt
                ? {
                    reason: exemption.reason,
                    note: filled(row.vat_note),
                    ...(exemption.certificate ? { certificate: filled(row.vat_certificate) } : {}),
                  }
                : null,
            }
          : {}),
      };
    },
  };
}
