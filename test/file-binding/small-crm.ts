// A small invoicing app's tables, built by the test that reads them: one agency keyed by a uuid,
// its customer companies each with its one contact on its own row, their bills kept with a status
// and no payments, and no staff passwords (its staff sign in elsewhere). What a file binds when a
// CRM keys everything by uuid and keeps a workspace column on every table.
import type { Knex } from 'knex';

const AGENCY = '5f0c1a9e-3b7d-4c2a-9e61-0a1b2c3d4e5f';
const BAKERY = '6a1d2b0f-4c8e-4d3b-8f72-1b2c3d4e5f60';
const GARAGE = '7b2e3c1a-5d9f-4e4c-9a83-2c3d4e5f6071';

export async function buildSmallCrm(db: Knex): Promise<void> {
  await db.raw(`
    create table agencies (id uuid primary key, name text not null);
    create table companies (id uuid primary key, agency_id uuid not null references agencies, name text not null,
      email text, contact_name text);
    create table members (id uuid primary key, agency_id uuid references agencies, email text, full_name text, avatar text);
    create table bills (id uuid primary key, agency_id uuid not null references agencies, company_id uuid not null references companies,
      ref text not null, state text not null, gross numeric(10, 2) not null, currency text not null, issued date, due date,
      settled_at timestamptz);
  `);
  await db('agencies').insert({ id: AGENCY, name: 'Studio Test' });
  await db('companies').insert([
    { id: BAKERY, agency_id: AGENCY, name: 'Bakery', email: 'ann@bakery.test', contact_name: 'Ann Baker' },
    { id: GARAGE, agency_id: AGENCY, name: 'Garage', email: 'gus@garage.test', contact_name: 'Gus Garage' },
  ]);
  await db('bills').insert([
    {
      id: '8c3f4d2b-6e0a-4f5d-8b94-3d4e5f607182',
      agency_id: AGENCY,
      company_id: BAKERY,
      ref: 'B-1',
      state: 'unpaid',
      gross: '100.00',
      currency: 'EUR',
      issued: '2026-01-10',
      due: '2026-02-10',
    },
    {
      id: '9d405e3c-7f1b-4a6e-9ca5-4e5f60718293',
      agency_id: AGENCY,
      company_id: BAKERY,
      ref: 'B-2',
      state: 'paid',
      gross: '50.00',
      currency: 'EUR',
      issued: '2026-01-05',
      due: '2026-02-05',
      settled_at: '2026-01-20T10:00:00Z',
    },
    {
      id: 'ae516f4d-802c-4b7f-8db6-5f60718293a4',
      agency_id: AGENCY,
      company_id: GARAGE,
      ref: 'G-1',
      state: 'unpaid',
      gross: '70.00',
      currency: 'EUR',
      issued: '2026-01-07',
      due: null,
    },
  ]);
}

/** A file for it, as a person writes one from docs/bind-your-crm.md; `staff` and `invoices.paid` as each test needs. */
export function smallCrmFile(options: { workspaceId?: string; staff?: string; paid?: string } = {}): string {
  const staff =
    options.staff ??
    'staff: { table: members, key: id, workspace: agency_id, email: email, name: full_name, password: { column: avatar, format: bcrypt } }';
  return `binding: 1
crm: Small Books
workspace: { id: ${options.workspaceId ?? AGENCY}, slug: studio, name: Studio Test }
clients: { table: companies, key: id, workspace: agency_id, name: name }
contacts: { table: companies, key: id, workspace: agency_id, client: id, email: email, name: { first: [contact_name, name] } }
${staff}
invoices:
  table: bills
  key: id
  workspace: agency_id
  client: company_id
  number: ref
  status: { column: state, states: { open: [unpaid], paid: [paid] } }
  currency: currency
  total: gross
  date: issued
  due: due
${options.paid === undefined ? '' : `  paid: ${options.paid}\n`}`;
}
