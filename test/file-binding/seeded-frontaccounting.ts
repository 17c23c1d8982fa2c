// FrontAccounting 2.4's real schema (test/fixtures/real-schemas/frontaccounting.sql) loaded as its
// installer makes a company, and seeded as FrontAccounting's own code writes its rows: for the tests
// that serve it from bindings/frontaccounting.yaml and those that draft a binding file from it.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { RealCrm } from './serve-binding-file.ts';

/** FrontAccounting's schema, loaded as its installer makes a company (prefix 0_), with its rows. */
export const FRONTACCOUNTING: RealCrm = { schema: 'frontaccounting.sql', seed: seedFrontAccounting };

/**
 * The rows of a small FrontAccounting company, each as FrontAccounting's own code writes it (the
 * function named beside each), with the installer's reference data the rows name.
 */
async function seedFrontAccounting(db: Knex) {
  // The installer's (sql/en_US-new.sql): payment terms, the fiscal year, the admin user (password
  // "password", md5 as includes/current_user.inc checks it).
  await db('0_payment_terms').insert([
    { terms_indicator: 3, terms: 'Payment due within 10 days', days_before_due: 10, day_in_following_month: 0 },
  ]);
  await db('0_fiscal_year').insert({ id: 1, begin: '2026-01-01', end: '2026-12-31', closed: 0 });
  await db('0_users').insert([
    {
      id: 1,
      user_id: 'admin',
      password: '5f4dcc3b5aa765d61d8327deb882cf99',
      real_name: 'Administrator',
      role_id: 2,
      email: 'adm@example.com',
    },
    // admin/users.php: a salesman, and a user who left (inactive).
    { id: 2, user_id: 'sally', password: md5('sally-sells'), real_name: 'Sally Seller', role_id: 3, email: 'sally@agency.test' },
    { id: 3, user_id: 'gone', password: md5('gone-away'), real_name: 'Gone Away', role_id: 2, email: 'gone@agency.test', inactive: 1 },
  ]);
  await db.raw(`select setval('"0_users_id_seq"', 3)`);

  // sales/manage/customers.php: add_customer, its default branch (add_branch), and the customer's
  // own person (add_crm_person) as a contact of both the branch and the customer, category general.
  const customer = (debtor_no: number, name: string, ref: string, curr_code: string, inactive = 0) => ({
    debtor_no,
    name,
    debtor_ref: ref,
    address: `${name}\n1 High Street`,
    curr_code,
    payment_terms: 3,
    notes: '',
    inactive,
  });
  await db('0_debtors_master').insert([
    customer(1, 'Bars Bakery Ltd', 'BARS', 'EUR'),
    customer(2, 'Other Works Ltd', 'OTHER', 'GBP'),
    customer(3, 'Closed Shop Ltd', 'CLOSED', 'EUR', 1),
  ]);
  const branch = (branch_code: number, debtor_no: number, br_name: string) => ({
    branch_code,
    debtor_no,
    br_name,
    branch_ref: br_name.slice(0, 10),
    br_address: '1 High Street',
    br_post_address: '1 High Street',
    notes: '',
    tax_group_id: 1,
    default_location: 'DEF',
  });
  await db('0_cust_branch').insert([branch(1, 1, 'Bars Bakery Ltd'), branch(2, 2, 'Other Works Ltd'), branch(3, 3, 'Closed Shop')]);
  const person = (id: number, ref: string, name: string, name2: string | null, email: string, phone: string | null, inactive = 0) => ({
    id,
    ref,
    name,
    name2,
    email,
    phone,
    notes: '',
    inactive,
  });
  await db('0_crm_persons').insert([
    person(1, 'BARS', 'Claire', 'Baker', 'claire@bars.test', '+44 20 7946 0001'),
    person(2, 'OTHER', 'Oscar', 'Other', 'oscar@other.test', null),
    // Added on Bars Bakery's Contacts tab in the category "Invoices" only: gets invoices by
    // email from FrontAccounting, is no one who signs in.
    person(3, 'ben', 'Ben', 'Baker', 'ben@bars.test', null),
    // A person of the closed customer, and a person made inactive.
    person(4, 'CLOSED', 'Cleo', 'Closed', 'cleo@closed.test', null),
    person(5, 'left', 'Lena', 'Left', 'lena@bars.test', null, 1),
  ]);
  await db('0_crm_contacts').insert([
    { id: 1, person_id: 1, type: 'cust_branch', action: 'general', entity_id: '1' },
    { id: 2, person_id: 1, type: 'customer', action: 'general', entity_id: '1' },
    { id: 3, person_id: 2, type: 'cust_branch', action: 'general', entity_id: '2' },
    { id: 4, person_id: 2, type: 'customer', action: 'general', entity_id: '2' },
    { id: 5, person_id: 3, type: 'customer', action: 'invoice', entity_id: '1' },
    { id: 6, person_id: 4, type: 'customer', action: 'general', entity_id: '3' },
    { id: 7, person_id: 5, type: 'customer', action: 'general', entity_id: '1' },
  ]);
  await db.raw(`select setval('"0_crm_contacts_id_seq"', 7)`);

  // sales_order_db.inc add_sales_order: a quotation (trans_type 32), its lines, its audit trail row.
  const quotation = (order_no: number, debtor_no: number, reference: string, day: string, validUntil: string, total: number) => ({
    order_no,
    trans_type: 32,
    type: 0,
    debtor_no,
    branch_code: debtor_no,
    reference,
    customer_ref: '',
    comments: `Quotation ${reference}`,
    ord_date: day,
    order_type: 1,
    ship_via: 1,
    delivery_address: '1 High Street',
    deliver_to: 'Reception',
    from_stk_loc: 'DEF',
    delivery_date: validUntil,
    payment_terms: 3,
    total,
  });
  await db('0_sales_orders').insert([
    quotation(1, 1, 'QU001/2026', '2026-11-02', '2026-12-02', 1200),
    quotation(2, 1, 'QU002/2026', '2026-11-05', '2026-12-05', 540),
    quotation(3, 2, 'QU003/2026', '2026-11-06', '2026-12-06', 100),
    quotation(4, 1, 'QU004/2026', '2026-11-07', '2026-12-07', 250),
    // A sales order (trans_type 30), made from an earlier quotation: not a quotation.
    { ...quotation(7, 1, 'SO001/2026', '2026-10-01', '2026-10-15', 900), trans_type: 30, comments: 'Sales Quotation # 9' },
  ]);
  const line = (order_no: number, trans_type: number, stk_code: string, description: string, unit_price: number, quantity: number) => ({
    order_no,
    trans_type,
    stk_code,
    description,
    unit_price,
    quantity,
    discount_percent: 0,
  });
  await db('0_sales_order_details').insert([
    line(1, 32, 'DESIGN', 'Website design', 1000, 1),
    line(1, 32, 'HOSTING', 'Hosting, one year', 200, 1),
    // 10 % off, kept as FrontAccounting keeps it: a fraction.
    { ...line(2, 32, 'LOGO', 'Logo sketches', 300, 2), discount_percent: 0.1 },
    line(3, 32, 'AUDIT', 'Site audit', 100, 1),
    line(4, 32, 'SUPPORT', 'Support hours', 50, 5),
    line(7, 30, 'DESIGN', 'Website design', 900, 1),
  ]);
  await db('0_audit_trail').insert(
    [1, 2, 3, 4].map((order_no) => ({
      type: 32,
      trans_no: order_no,
      user: 1,
      stamp: '2026-11-01 09:00:00',
      description: '',
      fiscal_year: 1,
      gl_date: '2026-11-01',
      gl_seq: 0,
    })),
  );

  // sales_invoice_db.inc write_sales_invoice → write_customer_trans(ST_SALESINVOICE, …), its lines
  // (write_customer_trans_detail_item) and its memo (add_comments).
  const trans = (type: number, trans_no: number, debtor_no: number, reference: string, day: string, due: string, amounts: object) => ({
    type,
    trans_no,
    debtor_no,
    branch_code: debtor_no,
    tran_date: day,
    due_date: due,
    reference,
    tpe: 1,
    ...amounts,
  });
  await db('0_debtor_trans').insert([
    // Wholesale (prices without tax): the tax in ov_gst; paid in full.
    trans(10, 1, 1, 'IN001/2026', '2026-10-01', '2026-10-11', { ov_amount: 1000, ov_gst: 200, alloc: 1200, tax_included: 0 }),
    // Retail (prices with tax, ov_gst 0): part paid.
    trans(10, 2, 1, 'IN002/2026', '2026-11-01', '2026-11-11', { ov_amount: 350, alloc: 120, tax_included: 1 }),
    // Voided (voiding_db.inc: void_customer_trans set its amounts to 0; add_voided_entry).
    trans(10, 3, 1, 'IN003/2026', '2026-11-03', '2026-11-13', { ov_amount: 0, tax_included: 1 }),
    trans(10, 4, 2, 'IN004/2026', '2026-11-04', '2026-11-14', { ov_amount: 80, tax_included: 1 }),
    // A credit note (type 11) numbered 5, and payments (type 12), numbered in their own series.
    trans(11, 5, 1, 'CN001/2026', '2026-11-05', '2026-11-05', { ov_amount: 20, alloc: 20, tax_included: 1 }),
    trans(12, 1, 1, 'PAY001/2026', '2026-10-09', '2026-10-09', { ov_amount: 1200, alloc: 1200 }),
    trans(12, 2, 1, 'PAY002/2026', '2026-11-08', '2026-11-08', { ov_amount: 100, alloc: 100 }),
  ]);
  await db('0_voided').insert({ type: 10, id: 3, date_: '2026-11-04', memo_: 'Wrong customer' });
  await db('0_comments').insert({ type: 10, id: 1, date_: '2026-10-01', memo_: 'Thank you for your order.' });
  const item = (debtor_trans_no: number, stock_id: string, description: string, unit_price: number, quantity: number, type = 10) => ({
    debtor_trans_no,
    debtor_trans_type: type,
    stock_id,
    description,
    unit_price,
    quantity,
    src_id: 0,
  });
  await db('0_debtor_trans_details').insert([
    item(1, 'DESIGN', 'Website design', 1000, 1),
    item(2, 'SUPPORT', 'Support hours', 70, 5),
    item(3, 'DESIGN', 'Website design', 0, 1),
    item(4, 'AUDIT', 'Site audit', 80, 1),
    item(5, 'SUPPORT', 'Support hours, credited', 20, 1, 11),
  ]);
  // custalloc_db.inc add_cust_allocation: each payment to its invoice, and the credit note to IN002.
  await db('0_cust_allocations').insert([
    { person_id: 1, amt: 1200, date_alloc: '2026-10-09', trans_type_from: 12, trans_no_from: 1, trans_type_to: 10, trans_no_to: 1 },
    { person_id: 1, amt: 100, date_alloc: '2026-11-08', trans_type_from: 12, trans_no_from: 2, trans_type_to: 10, trans_no_to: 2 },
    { person_id: 1, amt: 20, date_alloc: '2026-11-05', trans_type_from: 11, trans_no_from: 5, trans_type_to: 10, trans_no_to: 2 },
  ]);
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
