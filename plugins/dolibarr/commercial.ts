// The offers and invoices ports on Dolibarr: llx_propal in the portal's words (no quotations:
// Dolibarr's proposal is its priced estimate, and llx_commande holds orders), llx_facture with its
// payments, numeric(24,8) money in integer cents, [date, rowid] cursors, the entity's main currency
// (every total_* column is in it; multicurrency_* columns hold the foreign amounts).
import type { Knex } from 'knex';
import type {
  BankDetails,
  InvoiceDetail,
  InvoiceFrequency,
  InvoicePayment,
  InvoicesPort,
  InvoiceStatus,
  InvoiceSummary,
  LineItem,
  OfferDetail,
  StatementPayment,
  OffersPort,
  OfferStatus,
  OfferSummary,
  UpcomingInvoice,
} from '../../src/index.ts';
import { clampLimit, dayInZone, inPeriod, emptyStatement, movesInMemory, movesOf, statementOf } from '../../src/index.ts';
import { balanceCentsOf, invoiceStatesOf, isDay, isPaymentAmount, listFilterArgs, offerCodesOf } from '../shared/commercial.ts';
import { dateCursor, datePageOf } from './cursors.ts';
import { parseId, toHostId } from './ids.ts';
import { currencyOrDefault, toCents } from './money.ts';
import { presentLetterhead } from './letterhead.ts';
import { paymentTermWordings } from './payment-terms.ts';
import { recordAgendaEvent } from './queries/agenda.ts';
import { findOpenBankAccount, type BankAccountRow } from './queries/bank-accounts.ts';
import { entityCurrency, invoiceSettings, stripeModuleSettings, type InvoiceSettings } from './queries/constants.ts';
import {
  findInvoice,
  INVOICE_ABANDONED,
  INVOICE_CLOSED,
  listInvoiceLines,
  listInvoicePayments,
  listInvoices,
  statementInvoices,
  statementPeriodInvoices,
  statementSettlements,
  type InvoiceDetailRow,
  type InvoicePaymentRow,
  type InvoiceRow,
} from './queries/invoices.ts';
import { listUnpaidInvoices } from './queries/unpaid-invoices.ts';
import { listUpcomingInvoices, type RecurringInvoiceRow } from './queries/recurring-invoices.ts';
import { findLetterhead } from './queries/letterhead.ts';
import { MODE_CODES, recordInvoicesPayment, type PaymentShare } from './queries/payments.ts';
import {
  decideProposal,
  findProposal,
  listExpiringProposals,
  listProposalLines,
  listProposals,
  type LineRow,
  type ProposalRow,
} from './queries/proposals.ts';

// llx_propal.fk_statut → the portal's status; billed (4) was signed first, canceled (-1) withdrawn.
const PROPOSAL_STATUS: Record<number, OfferStatus> = { [-1]: 'withdrawn', 1: 'open', 2: 'accepted', 3: 'declined', 4: 'accepted' };
const PROPOSAL_CODES: Record<OfferStatus, number[]> = { open: [1], accepted: [2, 4], declined: [3], expired: [], withdrawn: [-1] };
// llx_c_paiement codes back to the portal's method names; credit notes and deposits used on an
// invoice count as settled, as on Dolibarr's invoice card.
const METHODS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(MODE_CODES).map(([method, code]) => [code, method])),
  CREDIT_NOTE: 'credit_note',
  DEPOSIT: 'deposit',
};

/** The portal's method for a Dolibarr payment mode code; an own key only (a code like 'constructor' names none). */
const methodOf = (code: string | null | undefined): string | undefined =>
  code && Object.hasOwn(METHODS, code) ? METHODS[code] : undefined;

const EMPTY = { items: [], next: null };

function presentLine(row: LineRow): LineItem {
  const rate = row.tva_tx === null ? null : Number(row.tva_tx);
  return {
    description: row.label?.trim() || row.description?.trim() || '—',
    quantity: Number(row.qty ?? 1),
    unitPriceCents: toCents(row.subprice),
    totalCents: toCents(row.total_ht),
    taxRatePercent: rate !== null && Number.isFinite(rate) ? rate : null,
    // The proposal and invoice cards' "Disc." column: total_ht is already net of it.
    discountPercent: Number(row.remise_percent) || null,
  };
}

function presentProposal(row: ProposalRow, currency: string): OfferSummary {
  return {
    id: toHostId(row.rowid),
    kind: 'proposal',
    number: row.ref,
    title: row.ref_client?.trim() || row.ref,
    status: PROPOSAL_STATUS[row.fk_statut] ?? 'withdrawn',
    currency,
    totalCents: toCents(row.total_ttc),
    validUntil: row.fin_validite,
    sentAt: row.date_valid,
    // The online signature page dates both outcomes in date_signature; staff closing from the card date_cloture.
    decidedAt: row.date_signature ?? row.date_cloture,
  };
}

function invoiceStatus(row: InvoiceRow): InvoiceStatus {
  if (row.fk_statut === INVOICE_ABANDONED) return 'void';
  if (row.fk_statut === INVOICE_CLOSED || row.paye === 1) return 'paid';
  return 'open';
}

function presentInvoice(row: InvoiceRow, currency: string): InvoiceSummary {
  const status = invoiceStatus(row);
  const totalCents = toCents(row.total_ttc);
  const paidCents = toCents(row.paid);
  return {
    id: toHostId(row.rowid),
    number: row.ref,
    status,
    currency,
    totalCents,
    paidCents,
    balanceCents: balanceCentsOf(status, totalCents, paidCents),
    issueDate: row.datef ?? '',
    dueDate: row.date_lim_reglement,
  };
}

/**
 * The account an invoice is paid into by transfer, as Dolibarr's invoice PDF picks the one it
 * prints (pdf_sponge::drawInfoTable): only while the invoice's payment mode is unset or transfer
 * (VIR), the account the invoice names (fk_account), else the entity's default
 * (FACTURE_RIB_NUMBER); 0 for none. An account the invoice names but cannot be used is not
 * replaced by the default: the invoice's paper names that one.
 */
function transferAccountId(row: InvoiceDetailRow, defaultAccountId: number): number {
  if (row.mode_code !== null && row.mode_code !== 'VIR') return 0;
  return row.fk_account && row.fk_account > 0 ? row.fk_account : defaultAccountId;
}

const filled = (value: string | null | undefined) => value?.trim() || null;

/** A payment, or a credit note or deposit used, as the invoice's payments list it. */
function presentSettlement(payment: InvoicePaymentRow): InvoicePayment {
  return {
    id: payment.id,
    amountCents: toCents(payment.amount),
    method: methodOf(payment.mode) || payment.mode?.toLowerCase() || 'other',
    // A mode the portal has no word for (a bill of exchange, a factor) keeps Dolibarr's name for it.
    methodLabel: methodOf(payment.mode) ? null : filled(payment.mode_label),
    reference: filled(payment.num_paiement),
    number: filled(payment.ref),
    providerReference: filled(payment.ext_payment_id),
    paidAt: payment.datep ?? new Date(0),
  };
}

/**
 * The account as the pay page and the PDF show it (pdf_bank prints bank, owner, IBAN, BIC). With
 * no owner on the account the holder is the company, as Dolibarr's own EPC code and e-invoice name
 * it ($mysoc->name). An account kept in another currency than the invoice's is not offered: the
 * page asks for the balance in the invoice's currency. No IBAN, nothing to pay into.
 */
function presentBankAccount(account: BankAccountRow, invoice: { currency: string; companyName: string | null }): BankDetails | null {
  const iban = filled(account.iban_prefix);
  if (!iban || currencyOrDefault(account.currency_code) !== invoice.currency) return null;
  return {
    iban,
    bic: filled(account.bic),
    bankName: filled(account.bank),
    accountHolder: filled(account.proprio) ?? filled(invoice.companyName),
  };
}

/**
 * Why an invoice of this entity charges no VAT, where Dolibarr's setup says: a company not subject
 * to VAT (FACTURE_TVAOPTION 0). Dolibarr's invoice templates (pdf_sponge, pdf_crabe:
 * drawInfoTable) print their mention "VATIsNotUsedForInvoice" only for a French company, where
 * the law words it (art. 293 B of the CGI); elsewhere the portal words the small-business reason.
 * Dolibarr records no reverse charge or non-taxable supply of its own: its agencies write those in
 * the invoice's public note, which the portal shows as the invoice's notes.
 */
function vatExemption(settings: InvoiceSettings): InvoiceDetail['vatExemption'] {
  if (!settings.vatNotUsed) return null;
  return { reason: 'small_business', note: settings.countryCode === 'FR' ? 'TVA non applicable, art. 293 B du CGI' : null };
}

export function dolibarrOffers(db: Knex, entityOf: (workspaceId: string) => number | null): OffersPort {
  const currencyOf = async (entity: number) => currencyOrDefault(await entityCurrency(db, { entity }));
  return {
    kinds: ['proposal'],
    async list(workspaceId, clientId, kind, filter, page) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const before = dateCursor(page.after);
      const statuses = offerCodesOf(filter.status, PROPOSAL_CODES);
      if (kind !== 'proposal' || entity === null || companyId === null || before === 'invalid' || statuses?.length === 0) return EMPTY;
      const limit = clampLimit(page.limit);
      const [rows, currency] = await Promise.all([
        listProposals(db, {
          entity,
          companyId,
          before,
          limit,
          ...(statuses ? { statuses } : {}),
          ...listFilterArgs(filter),
        }),
        currencyOf(entity),
      ]);
      return datePageOf(rows, limit, (row) => presentProposal(row, currency));
    },
    async find(workspaceId, clientId, kind, id): Promise<OfferDetail | null> {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const proposalId = parseId(id);
      if (kind !== 'proposal' || entity === null || companyId === null || proposalId === null) return null;
      const args = { entity, companyId, proposalId };
      const [row, lines, currency, letterhead] = await Promise.all([
        findProposal(db, args),
        listProposalLines(db, args),
        currencyOf(entity),
        findLetterhead(db, args),
      ]);
      if (!row) return null;
      return {
        ...presentProposal(row, currency),
        clientId: toHostId(row.fk_soc),
        body: row.note_public ?? '',
        lines: lines.map(presentLine),
        subtotalCents: toCents(row.total_ht),
        taxCents: toCents(row.total_ttc) - toCents(row.total_ht),
        terms: null,
        ...(letterhead ? presentLetterhead(letterhead) : {}),
      };
    },
    async expiringSoon(workspaceId, window) {
      const entity = entityOf(workspaceId);
      if (entity === null || !isDay(window.from) || !isDay(window.through)) return [];
      const rows = await listExpiringProposals(db, { entity, ...window });
      return rows.map((row) => ({
        kind: 'proposal' as const,
        id: toHostId(row.rowid),
        clientId: toHostId(row.fk_soc),
        number: row.ref,
        title: row.ref_client?.trim() || row.ref,
        validUntil: row.fin_validite,
      }));
    },
    async decide(workspaceId, clientId, kind, id, decision, write) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const proposalId = parseId(id);
      if (kind !== 'proposal' || entity === null || companyId === null || proposalId === null) return false;
      const work = async (trx: Knex.Transaction) => {
        const decided = await decideProposal(trx, {
          entity,
          companyId,
          proposalId,
          outcome: decision.outcome,
          at: decision.at,
          signer: { name: decision.signerName ?? null, ip: decision.ip ?? null },
        });
        if (!decided) return false;
        // What Dolibarr's online pages do next: the closing trigger, run as the user who validated
        // the proposal ("customer is not a user", onlineSign.php), whose agenda part writes the event.
        await recordAgendaEvent(trx, {
          entity,
          trigger: decision.outcome === 'accepted' ? 'PROPAL_CLOSE_SIGNED' : 'PROPAL_CLOSE_REFUSED',
          elementId: decided.rowid,
          ref: decided.ref,
          companyId: decided.fk_soc,
          projectId: decided.fk_projet,
          userId: decided.fk_user_valid,
          at: decision.at,
        });
        return true;
      };
      // The status and its event belong together: the caller's transaction, or one of our own.
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
  };
}

export interface PaymentOptions {
  /** The llx_user rowid written as the payment's creator and the invoice's closer; null leaves them empty. */
  userId: number | null;
  /** llx_paiement.note of a payment made from the portal. */
  note: string;
  /** The key Dolibarr encrypts settings with ($dolibarr_main_instance_unique_id); null where none is known. */
  decryptKey: string | null;
}

export function dolibarrInvoices(db: Knex, entityOf: (workspaceId: string) => number | null, payments: PaymentOptions): InvoicesPort {
  const currencyOf = async (entity: number) => currencyOrDefault(await entityCurrency(db, { entity }));
  /**
   * One Dolibarr payment of the shares' invoices (one for a single invoice), in the caller's
   * transaction or one of its own: the payment's rows and the invoices' closing belong together.
   */
  const recordPayments: NonNullable<InvoicesPort['recordPayments']> = async (workspaceId, clientId, shares, payment, write) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    const none = shares.map(() => null);
    if (entity === null || companyId === null) return none;
    // A share naming no invoice id or no whole positive amount is not applied; the others are.
    const parsed = shares.map((share) => ({ invoiceId: parseId(share.invoiceId), amountCents: share.amountCents }));
    const valid = (share: { invoiceId: number | null; amountCents: number }): share is PaymentShare =>
      share.invoiceId !== null && isPaymentAmount(share.amountCents);
    const usable = parsed.filter(valid);
    if (usable.length === 0) return none;
    const currency = await currencyOf(entity);
    const work = async (trx: Knex.Transaction) =>
      recordInvoicesPayment(trx, {
        entity,
        companyId,
        shares: usable,
        method: payment.method,
        reference: payment.reference,
        paidAt: payment.paidAt,
        userId: payments.userId,
        note: payments.note,
        currency,
        provider: payment.provider ?? null,
        // Read in the payment's transaction: the bank account it is booked on is the one set now.
        stripe: payment.provider === 'stripe' ? await stripeModuleSettings(trx, { entity, decryptKey: payments.decryptKey }) : null,
      });
    const rows = write?.trx ? await work(write.trx) : await db.transaction(work);
    let next = 0;
    return parsed.map((share): InvoicePayment | null => {
      if (!valid(share)) return null;
      const row = rows[next++];
      return row
        ? {
            id: toHostId(row.rowid),
            amountCents: toCents(row.amount),
            method: methodOf(row.code) ?? 'card',
            reference: filled(row.num_paiement),
            number: row.ref,
            providerReference: filled(row.ext_payment_id),
            paidAt: row.datep,
          }
        : null;
    });
  };
  return {
    async list(workspaceId, clientId, filter, page) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const before = dateCursor(page.after);
      const states = invoiceStatesOf(filter.status);
      if (entity === null || companyId === null || before === 'invalid' || states?.length === 0) return EMPTY;
      const limit = clampLimit(page.limit);
      // The unpaid ones alone (the dashboard's first rows, the list's open tab) through the
      // portal's index of unpaid invoices, which walks them by date; any other page through
      // Dolibarr's own date index.
      const unpaidOnly = states?.length === 1 && states[0] === 'open' && !filter.overdue && !filter.search;
      const [rows, currency] = await Promise.all([
        unpaidOnly
          ? listUnpaidInvoices(db, { entity, companyId, before, limit })
          : listInvoices(db, {
              entity,
              companyId,
              before,
              limit,
              ...(states ? { states } : {}),
              ...listFilterArgs(filter),
            }),
        currencyOf(entity),
      ]);
      return datePageOf(rows, limit, (row) => presentInvoice(row, currency));
    },
    async find(workspaceId, clientId, id): Promise<InvoiceDetail | null> {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const invoiceId = parseId(id);
      if (entity === null || companyId === null || invoiceId === null) return null;
      const args = { entity, companyId, invoiceId };
      const [row, lines, paid, settings, letterhead] = await Promise.all([
        findInvoice(db, args),
        listInvoiceLines(db, args),
        listInvoicePayments(db, args),
        invoiceSettings(db, { entity }),
        findLetterhead(db, args),
      ]);
      if (!row) return null;
      const currency = currencyOrDefault(settings.currency);
      const accountId = transferAccountId(row, settings.defaultBankAccountId);
      const account = accountId > 0 ? await findOpenBankAccount(db, { entity, accountId }) : null;
      return {
        ...presentInvoice(row, currencyOrDefault(settings.currency)),
        clientId: toHostId(row.fk_soc),
        lines: lines.map(presentLine),
        subtotalCents: toCents(row.total_ht),
        taxCents: toCents(row.total_ttc) - toCents(row.total_ht),
        notes: row.note_public ?? '',
        payments: paid.map(presentSettlement),
        paymentTerms: filled(row.payment_terms),
        paymentTermsByLocale: paymentTermWordings(row.payment_term_code),
        bank: account ? presentBankAccount(account, { currency, companyName: settings.companyName }) : null,
        vatExemption: vatExemption(settings),
        ...(letterhead ? presentLetterhead(letterhead) : {}),
      };
    },
    /**
     * A statement of account in four statements whatever the history: the company's invoices that
     * are not abandoned (day and total only) and everything that settled them, with the currency,
     * together; then the period's invoices. A payment's day is taken from datep as find() gives it,
     * in JavaScript, so the two agree to the day; credit notes and deposits used count as payments,
     * as on the invoice's card, and credit notes themselves are not listed, as in list().
     */
    async statement(workspaceId, clientId, period) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      if (entity === null || companyId === null) return emptyStatement(period);
      const scope = { entity, companyId };
      const [invoices, settled, currency] = await Promise.all([
        statementInvoices(db, scope),
        statementSettlements(db, scope),
        currencyOf(entity),
      ]);
      const refs = new Map(invoices.map((invoice) => [invoice.rowid, invoice.ref]));
      const positions = new Map<number, number>();
      const payments = settled
        .map((row): StatementPayment & { day: string } => {
          const position = (positions.get(row.invoice) ?? 0) + 1;
          positions.set(row.invoice, position);
          const payment = presentSettlement(row);
          return {
            ...payment,
            invoiceId: toHostId(row.invoice),
            invoiceNumber: refs.get(row.invoice) ?? '',
            currency,
            position,
            day: dayInZone(payment.paidAt, period.timeZone),
          };
        })
        .sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
      const moves = movesOf(
        invoices.map((invoice) => ({ currency, day: invoice.datef ?? '', cents: toCents(invoice.total_ttc) })),
        payments.map((payment) => ({ currency, day: payment.day, cents: payment.amountCents })),
      );
      return statementOf(period, {
        ...movesInMemory(moves),
        rows: async (from, before) => ({
          invoices: (await statementPeriodInvoices(db, { ...scope, from, before })).map((row) => presentInvoice(row, currency)),
          payments: payments.filter((payment) => inPeriod(payment.day, from, before)).map(({ day: _day, ...payment }) => payment),
        }),
      });
    },
    // The bank account Dolibarr prints on the invoice (its own, else the default for invoices).
    bankAccounts: true,
    async recordPayment(workspaceId, clientId, invoiceId, payment, write) {
      const [recorded] = await recordPayments(workspaceId, clientId, [{ invoiceId, amountCents: payment.amountCents }], payment, write);
      return recorded ?? null;
    },
    recordPayments,
    async upcoming(workspaceId, clientId) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      if (entity === null || companyId === null) return [];
      const [rows, currency] = await Promise.all([listUpcomingInvoices(db, { entity, companyId, limit: 3 }), currencyOf(entity)]);
      return rows.map((row) => presentUpcoming(row, currency));
    },
  };
}

const FREQUENCY_UNITS: Record<string, InvoiceFrequency['unit']> = { d: 'day', w: 'week', m: 'month', y: 'year' };

/** A template's next invoice: its title, day, total with tax, and how often it comes. */
function presentUpcoming(row: RecurringInvoiceRow, currency: string): UpcomingInvoice {
  const unit = FREQUENCY_UNITS[row.unit_frequency ?? ''];
  return {
    id: toHostId(row.rowid),
    title: row.titre,
    nextDate: row.next_date,
    amountCents: toCents(row.total_ttc),
    currency,
    frequency: unit ? { every: row.frequency, unit } : null,
  };
}
