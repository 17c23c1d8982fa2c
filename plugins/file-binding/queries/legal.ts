// The details an invoice's and an offer's documents carry besides their figures, as the file maps
// them (format.ts: settings, letterhead, invoices.bank, invoices.vatExemption, paymentTerms and its code): the
// letterhead read with the client's row, what decides an invoice's bank account and VAT mention
// read with the invoice's row, and the account read in the workspace. Each statement starts from
// scopedRows, so none reads past a workspace or a client; settings are read for the workspace only.
import type { Knex } from 'knex';
import type { Address, BankSection, BindingFile, InvoiceConcept, Value } from '../format.ts';
import { raw, type Scope, type Sql, sql } from '../sql.ts';
import { as, keyEquals, scopedRows, textOf, type WorkspaceRule } from './scoped.ts';

const ADDRESS_PARTS = ['street', 'postcode', 'town', 'country', 'countryCode'] as const;

export type AddressRow = Record<(typeof ADDRESS_PARTS)[number], string | null>;

export interface LetterheadRow {
  seller_name: string | null;
  seller_vat_id: string | null;
  seller_registration: string | null;
  buyer_tax_id: string | null;
  seller_address: AddressRow;
  buyer_address: AddressRow;
}

function addressColumns(db: Knex, scope: Scope, address: Address | undefined, prefix: string): Knex.Raw[] {
  return ADDRESS_PARTS.map((part) => as(db, textOf(scope, address?.[part]), `${prefix}_${part}`));
}

const addressOf = (row: Record<string, string | null>, prefix: string): AddressRow =>
  Object.fromEntries(ADDRESS_PARTS.map((part) => [part, row[`${prefix}_${part}`] ?? null])) as AddressRow;

/** The letterhead of a client of the workspace, read with the client's row; null when it is not one. */
export async function letterheadRow(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
): Promise<LetterheadRow | null> {
  const letterhead = file.letterhead!;
  const { clients } = file;
  const { query, scope } = scopedRows(
    db,
    { ...clients, joins: [...(clients.joins ?? []), ...(letterhead.joins ?? [])] },
    rule,
    workspaceId,
    { value: clients.key, id: clientId },
  );
  scope.readingSettings(file.settings, rule.fixedId ?? workspaceId);
  const [row] = (await query
    .limit(1)
    .select(
      as(db, textOf(scope, letterhead.seller?.legalName), 'seller_name'),
      as(db, textOf(scope, letterhead.seller?.vatId), 'seller_vat_id'),
      as(db, textOf(scope, letterhead.seller?.registration), 'seller_registration'),
      as(db, textOf(scope, letterhead.buyer?.taxId), 'buyer_tax_id'),
      ...addressColumns(db, scope, letterhead.seller?.address, 'seller'),
      ...addressColumns(db, scope, letterhead.buyer?.address, 'buyer'),
    )) as Array<Record<string, string | null>>;
  if (!row) return null;
  return {
    seller_name: row.seller_name ?? null,
    seller_vat_id: row.seller_vat_id ?? null,
    seller_registration: row.seller_registration ?? null,
    buyer_tax_id: row.buyer_tax_id ?? null,
    seller_address: addressOf(row, 'seller'),
    buyer_address: addressOf(row, 'buyer'),
  };
}

export interface InvoiceLegalRow {
  /** The bank account's key as text, where the invoice is paid by transfer into one. */
  account: string | null;
  payment_terms: string | null;
  payment_term_code: string | null;
  vat_exempt: boolean | null;
  vat_note: string | null;
  vat_certificate: string | null;
}

/** The first candidate that is set and not one of the values meaning none, as trimmed text. */
function firstAccount(scope: Scope, bank: BankSection): Sql {
  const unset = (bank.unset ?? []).map(String);
  const parts = bank.account.map((value: Value) => {
    const text = scope.text(value);
    const trimmed = `nullif(trim(${text.sql}), '')`;
    return unset.length === 0
      ? sql(trimmed, text.bindings)
      : sql(`(case when ${trimmed} in (${unset.map(() => '?').join(', ')}) then null else ${trimmed} end)`, [
          ...text.bindings,
          ...unset,
          ...text.bindings,
        ]);
  });
  return sql(
    `coalesce(${parts.map((p) => p.sql).join(', ')})`,
    parts.flatMap((p) => p.bindings),
  );
}

/** What an invoice's documents say besides its figures, read with the invoice's row in scope. */
export async function invoiceLegalRow(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  invoiceId: string,
): Promise<InvoiceLegalRow | null> {
  const concept: InvoiceConcept = file.invoices!;
  const { query, scope } = scopedRows(db, concept, rule, workspaceId, { value: concept.client, id: clientId });
  scope.readingSettings(file.settings, rule.fixedId ?? workspaceId);
  const { bank, vatExemption } = concept;
  let account = sql('null::text');
  if (bank) {
    const first = firstAccount(scope, bank);
    const when = bank.when ? scope.condition(bank.when) : sql('true');
    account = sql(`(case when ${when.sql} then ${first.sql} end)`, [...when.bindings, ...first.bindings]);
  }
  let exempt = sql('null::boolean');
  if (vatExemption) {
    const value = scope.text(vatExemption.when.value);
    const values = vatExemption.when.in.map((v) => String(v).trim().toLowerCase());
    exempt = sql(`coalesce(lower(trim(${value.sql})) in (${values.map(() => '?').join(', ')}), false)`, [...value.bindings, ...values]);
  }
  const [row] = (await query
    .whereRaw(raw(db, keyEquals(scope, concept.key, invoiceId)))
    .limit(1)
    .select(
      as(db, account, 'account'),
      as(db, textOf(scope, concept.paymentTerms), 'payment_terms'),
      as(db, textOf(scope, concept.paymentTermsByCode?.code), 'payment_term_code'),
      as(db, exempt, 'vat_exempt'),
      as(db, textOf(scope, vatExemption?.note), 'vat_note'),
      as(db, textOf(scope, vatExemption?.certificate), 'vat_certificate'),
    )) as InvoiceLegalRow[];
  return row ?? null;
}

export interface BankAccountRow {
  iban: string | null;
  bic: string | null;
  bank_name: string | null;
  holder: string | null;
  currency: string | null;
}

/** One account of the workspace, among the rows the file's `where` keeps (open accounts); null when none. */
export async function bankAccountRow(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  workspaceId: string,
  accountKey: string,
): Promise<BankAccountRow | null> {
  const bank = file.invoices!.bank!;
  const { query, scope } = scopedRows(db, bank, rule, workspaceId);
  scope.readingSettings(file.settings, rule.fixedId ?? workspaceId);
  const [row] = (await query
    .whereRaw(raw(db, keyEquals(scope, bank.key, accountKey)))
    .limit(1)
    .select(
      as(db, textOf(scope, bank.iban), 'iban'),
      as(db, textOf(scope, bank.bic), 'bic'),
      as(db, textOf(scope, bank.bankName), 'bank_name'),
      as(db, textOf(scope, bank.holder), 'holder'),
      as(db, textOf(scope, bank.currency), 'currency'),
    )) as BankAccountRow[];
  return row ?? null;
}
