// Tryton 6.6's real schema (test/fixtures/real-schemas/tryton.sql) seeded as Tryton's own models
// write their rows (party, company, web_user, sale, account_invoice): for the tests that serve it
// from bindings/tryton.yaml.
import { hash as argon2Hash } from '@node-rs/argon2';
import type { Knex } from 'knex';
import type { RealCrm } from './serve-binding-file.ts';

/** Tryton's schema, completed (below), with its rows. */
export const TRYTON: RealCrm = {
  schema: 'tryton.sql',
  async seed(db) {
    await addWhatTrytonSqlLacks(db);
    await seedTryton(db);
  },
};

/**
 * Two things every Tryton database with account_invoice has and tryton.sql lacks. The columns of its Monetary fields (modules/currency/fields.py, a Numeric stored as
 * `numeric`): the schema's builder reads `fields.X(...)` calls only, so
 * account_invoice_line.unit_price, account_invoice_tax.base and .amount and sale_line.unit_price
 * are missing. And the account module's move lines (account/move.py, account.move.line), which
 * account_invoice depends on and the schema was not built with: a posted invoice's total is read
 * from them, as Tryton's Invoice.get_amount reads it (the columns created here are those the
 * binding reads, with Tryton's names and types).
 */
async function addWhatTrytonSqlLacks(db: Knex): Promise<void> {
  await db.raw('alter table account_invoice_line add column unit_price numeric');
  await db.raw('alter table account_invoice_tax add column base numeric, add column amount numeric');
  await db.raw('alter table sale_line add column unit_price numeric');
  await db.raw(`create table account_move_line (
    id serial primary key, create_uid integer, create_date timestamp, write_uid integer, write_date timestamp,
    debit numeric not null, credit numeric not null, account integer not null, move integer not null,
    description varchar, amount_second_currency numeric, second_currency integer, party integer,
    maturity_date date, state varchar not null, reconciliation integer)`);
}

/** One company (the agency), two client parties with a web user each, their invoices and sales. */
async function seedTryton(db: Knex) {
  // company.company is a party; its currency is currency.currency 1 (the currency module's table is
  // not in the schema, so ids stand alone).
  await db('party_party').insert([
    { id: 1, name: 'Atelier Nord', code: '1', active: true },
    { id: 2, name: 'Bars Bakery', code: '2', active: true },
    { id: 3, name: 'Other Works', code: '3', active: true },
  ]);
  await db('company_company').insert({ id: 1, party: 1, currency: 1, timezone: 'Europe/Paris' });
  // res.user: Tryton's own admin (res/user.xml, login admin) and a salesman, each with the hash
  // trytond's CRYPT_CONTEXT makes where argon2-cffi is installed: passlib's argon2, type id, with
  // argon2-cffi's default costs (@node-rs/argon2 makes type id by default). Their menu is
  // ir.action's main menu (ir/ui/menu.xml act_menu_tree).
  await db('ir_action').insert({ id: 1, name: 'Menu', type: 'ir.action.act_window', active: true });
  const passlib = (password: string) => argon2Hash(password, { timeCost: 3, memoryCost: 65536, parallelism: 4 });
  await db('res_user').insert([
    {
      id: 1,
      login: 'admin',
      name: 'Administrator',
      email: 'admin@atelier.test',
      menu: 1,
      company: 1,
      active: true,
      password_hash: await passlib('admin-pass'),
    },
    {
      id: 2,
      login: 'sally',
      name: 'Sally Seller',
      email: 'sally@atelier.test',
      menu: 1,
      company: 1,
      active: true,
      password_hash: await passlib('sally-sells'),
    },
  ]);
  // party.address: an invoice address per client (account_invoice.invoice_address is required).
  await db('party_address').insert([
    { id: 2, party: 2, street: '1 High Street', postal_code: '75001', city: 'Paris', invoice: true, active: true },
    { id: 3, party: 3, street: '2 Low Street', postal_code: '69001', city: 'Lyon', invoice: true, active: true },
  ]);
  // party.contact_mechanism: each client's email for its person, named after them (the name field
  // Tryton gives a mechanism for the person it reaches).
  await db('party_contact_mechanism').insert([
    { id: 1, party: 2, type: 'email', value: 'claire@bars.test', value_compact: 'claire@bars.test', name: 'Claire Baker', active: true },
    { id: 2, party: 3, type: 'email', value: 'oscar@other.test', value_compact: 'oscar@other.test', name: 'Oscar Other', active: true },
    { id: 3, party: 2, type: 'phone', value: '+33 1 23 45 67 89', value_compact: '+33123456789', active: true },
  ]);
  // web.user: Tryton's login for a party's person (web_user/user.py), by email; a deactivated one.
  await db('web_user').insert([
    { id: 1, email: 'claire@bars.test', email_valid: true, party: 2, active: true },
    { id: 2, email: 'oscar@other.test', email_valid: true, party: 3, active: true },
    { id: 3, email: 'gone@bars.test', email_valid: true, party: 2, active: false },
  ]);

  // account.invoice (type out: customer invoices): posted ones carry their number (set_number at
  // post), a draft has none.
  const invoice = (id: number, party: number, state: string, number: string | null, day: string | null) => ({
    id,
    move: day === null ? null : id,
    company: 1,
    type: 'out',
    number,
    state,
    invoice_date: day,
    accounting_date: day,
    party,
    invoice_address: party,
    currency: 1,
    journal: 1,
    account: 1,
    description: `Invoice for ${number ?? 'a draft'}`,
  });
  await db('account_invoice').insert([
    invoice(1, 2, 'posted', 'INV-0001', '2026-11-02'),
    invoice(2, 2, 'draft', null, null),
    invoice(3, 3, 'posted', 'INV-0002', '2026-11-03'),
    invoice(4, 2, 'paid', 'INV-0003', '2026-10-01'),
    // A supplier invoice (type in) from the same party, numbered by the agency's own series.
    { ...invoice(5, 2, 'posted', 'SUP-0001', '2026-11-04'), type: 'in' },
  ]);
  const line = (id: number, inv: number, party: number, description: string, quantity: number, unit_price: number) => ({
    id,
    invoice: inv,
    invoice_type: 'out',
    party,
    currency: 1,
    company: 1,
    type: 'line',
    quantity,
    unit_price,
    description,
    account: 1,
  });
  await db('account_invoice_line').insert([
    line(1, 1, 2, 'Website design', 1, 1000),
    line(2, 1, 2, 'Hosting, one year', 2, 100),
    line(3, 2, 2, 'Draft work', 1, 50),
    line(4, 3, 3, 'Site audit', 1, 80),
    line(5, 4, 2, 'Logo sketches', 1, 300),
  ]);
  await db('account_invoice_tax').insert([
    { id: 1, invoice: 1, description: 'VAT 20%', account: 1, base: 1200, amount: 240 },
    { id: 2, invoice: 3, description: 'VAT 20%', account: 1, base: 80, amount: 16 },
  ]);

  // sale.sale: quote() sets the number and the state; confirm() sets the sale date and stores the
  // amounts' caches (sale.py store_cache), so a quotation has none.
  // post() makes the invoice's account.move: one line on the invoice's receivable account per
  // maturity of its payment term (here one: its total, debit for a customer invoice), and the
  // revenue and tax lines on other accounts. A paid invoice's receivable line is reconciled.
  const moveLine = (
    id: number,
    move: number,
    party: number,
    account: number,
    debit: number,
    credit: number,
    maturity: string | null,
    reconciliation: number | null = null,
  ) => ({
    id,
    move,
    party,
    account,
    debit,
    credit,
    maturity_date: maturity,
    reconciliation,
    state: 'valid',
  });
  await db('account_move_line').insert([
    moveLine(1, 1, 2, 1, 1440, 0, '2026-12-02'),
    moveLine(2, 1, 2, 2, 0, 1200, null),
    moveLine(3, 1, 2, 3, 0, 240, null),
    moveLine(4, 3, 3, 1, 96, 0, '2026-12-03'),
    moveLine(5, 3, 3, 2, 0, 80, null),
    moveLine(6, 3, 3, 3, 0, 16, null),
    moveLine(7, 4, 2, 1, 300, 0, '2026-10-31', 1),
    moveLine(8, 4, 2, 2, 0, 300, null),
    moveLine(9, 5, 2, 1, 0, 70, '2026-12-04'),
    moveLine(10, 5, 2, 4, 70, 0, null),
  ]);

  const sale = (id: number, party: number, state: string, number: string | null, cache: number | null) => ({
    id,
    company: 1,
    number,
    description: `Proposal ${number ?? 'draft'}`,
    party,
    invoice_party: party,
    invoice_address: party,
    currency: 1,
    invoice_method: 'order',
    invoice_state: 'none',
    shipment_method: 'order',
    shipment_state: 'none',
    state,
    sale_date: cache === null ? null : '2026-10-20',
    untaxed_amount_cache: cache,
    tax_amount_cache: cache === null ? null : cache * 0.2,
    total_amount_cache: cache === null ? null : cache * 1.2,
  });
  await db('sale_sale').insert([
    sale(1, 2, 'quotation', 'SO-0001', null),
    sale(2, 2, 'draft', null, null),
    sale(3, 3, 'quotation', 'SO-0002', null),
    sale(4, 2, 'confirmed', 'SO-0003', 500),
  ]);
  await db('sale_line').insert([
    { id: 1, sale: 1, type: 'line', quantity: 3, unit_price: 400, description: 'Website redesign' },
    { id: 2, sale: 1, type: 'comment', description: 'Delivered in three parts' },
    { id: 3, sale: 3, type: 'line', quantity: 1, unit_price: 90, description: 'Site audit' },
    { id: 4, sale: 4, type: 'line', quantity: 1, unit_price: 500, description: 'Support' },
  ]);
  for (const table of [
    'party_party',
    'party_address',
    'party_contact_mechanism',
    'web_user',
    'account_invoice',
    'account_invoice_line',
    'account_invoice_tax',
    'account_move_line',
    'sale_sale',
    'sale_line',
  ])
    await db.raw(`select setval(pg_get_serial_sequence(?, 'id'), (select max(id) from ??))`, [table, table]);
}
