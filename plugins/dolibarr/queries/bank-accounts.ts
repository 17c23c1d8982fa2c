// The agency's own bank accounts (llx_bank_account) a client pays an invoice into by transfer, as
// Account::fetch reads one for the invoice PDF: within the entity (ba.entity IN getEntity), the
// IBAN in iban_prefix, the holder in proprio (Account::$owner_name). Closed accounts (clos = 1)
// receive nothing, so they are not read; Dolibarr's PDF would still print one.
import type { Db } from './db.ts';

/** llx_bank_account.clos: 0 open, 1 closed. */
const ACCOUNT_OPEN = 0;

export interface BankAccountRow {
  rowid: number;
  bank: string | null;
  iban_prefix: string | null;
  bic: string | null;
  proprio: string | null;
  currency_code: string;
}

export async function findOpenBankAccount(db: Db, args: { entity: number; accountId: number }): Promise<BankAccountRow | null> {
  const row = await db('llx_bank_account')
    .where({ rowid: args.accountId, entity: args.entity, clos: ACCOUNT_OPEN })
    .first<BankAccountRow | undefined>('rowid', 'bank', 'iban_prefix', 'bic', 'proprio', 'currency_code');
  return row ?? null;
}
