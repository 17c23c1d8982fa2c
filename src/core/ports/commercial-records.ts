// The records of a sale that the commercial features' ports (offers, invoices, orders) share with
// the core, which draws them: a record's lines (the line tables of core/commercial/lines.ts and the
// PDFs) and its seller and buyer (the letterhead of core/pdf/letterhead.ts and of
// ClientsPort.letterhead). In the core, not in a feature, because the core itself reads them; beside
// the ports, not in core/commercial/, because ClientsPort names the parties and core/commercial/
// reads the ports' words (a folder cycle otherwise).

/** A line of a proposal, quotation, invoice or order: the core's line tables (core/commercial/, core/pdf/) show them all. */
export interface LineItem {
  description: string;
  quantity: number;
  unitPriceCents: number;
  /** quantity × unit price, before tax, as the host computed it. */
  totalCents: number;
  /** Percent, where the host keeps a tax rate per line; null otherwise. */
  taxRatePercent: number | null;
  /** The tax on this line in cents, where the host computes it per line; absent or null otherwise. */
  taxCents?: number | null;
  /**
   * Optional: the discount in percent the total already takes off quantity × unit price, where the
   * host keeps one per line (Dolibarr's remise_percent); absent, null or 0 for none.
   */
  discountPercent?: number | null;
}

/**
 * The agency as the seller of a sale (an invoice, an offer, a statement), named as invoicing rules
 * want it (EU VAT directive art. 226: full name and address, VAT identification number). Every
 * field the host does not keep is absent or null; the PDF then leaves its line out. With
 * BuyerParty, the letterhead of ClientsPort.letterhead and of the core's PDFs (core/pdf/letterhead.ts).
 */
export interface SellerParty {
  /** The registered name ("Demo Agency GmbH"), where it differs from the workspace's display name. */
  legalName?: string | null;
  /** The postal address, one line each. */
  addressLines?: string[] | null;
  /** VAT identification number ("DE123456789"). */
  vatId?: string | null;
  /** Tax number or company registration ("HRB 123456, Amtsgericht München"; UK company number). */
  registrationNumber?: string | null;
}

/** The client company as the buyer of a sale, as an invoice or an offer addresses it. */
export interface BuyerParty {
  addressLines?: string[] | null;
  /** The client's VAT identification number or tax id, where the host keeps one. */
  taxId?: string | null;
}
