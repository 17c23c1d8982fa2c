// Covers the reference CRM schema and demo seed: migrate/rollback, the crm_sessions table, and a
// seed that is deterministic and idempotent (a second run changes nothing), with the demo data
// the portal relies on (two workspaces, a contact email in both, consistent invoices and payments).
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { migrateReferenceCrm, rollbackReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { SEED_REFERENCE_DATE, seedDate, seedReferenceCrm, simplePdf } from '../../plugins/reference-crm/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TABLES = [
  'workspaces',
  'staff_users',
  'clients',
  'contacts',
  'proposals',
  'proposal_items',
  'quotations',
  'quotation_items',
  'invoices',
  'invoice_items',
  'payments',
  'tasks',
  'documents',
  'crm_sessions',
];

async function counts(db: Knex): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await db(table).count<{ count: number }[]>({ count: '*' });
    result[table] = Number(row[0]?.count);
  }
  return result;
}

/** Everything that identifies the seeded data, ids included, so a second run can be compared. */
async function fingerprint(db: Knex): Promise<string> {
  const parts = await Promise.all([
    db('workspaces').orderBy('id').select('id', 'slug', 'name', 'brand_color', 'created_at'),
    db('staff_users').orderBy('id').select('id', 'workspace_id', 'email', 'password_hash', 'role'),
    db('contacts').orderBy('id').select('id', 'workspace_id', 'client_id', 'email', 'created_at'),
    db('invoices').orderBy('id').select('id', 'workspace_id', 'number', 'status', 'issue_date', 'due_date', 'created_at'),
    db('payments').orderBy('id').select('id', 'invoice_id', 'amount_cents', 'paid_at'),
    db('tasks').orderBy('id').select('id', 'title', 'status', 'due_date', 'assigned_contact_id', 'completed_at'),
    db('documents').orderBy('id').select('id', 'filename', 'size_bytes', 'shared_with_client'),
  ]);
  return JSON.stringify(parts);
}

describe('reference CRM schema and seed', function () {
  let database: TestDatabase;
  let db: Knex;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
  });

  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('migrates, rolls back to nothing and migrates again', async function () {
    await migrateReferenceCrm(db);
    for (const table of TABLES) expect(await db.schema.hasTable(table), table).to.equal(true);
    // On a Citus cluster (the Citus stage) the tables are distributed by workspace, and a distributed
    // table takes no primary key without its distribution column, which rolling back to the first
    // keys would need: there the CRM is undistributed (undistribute_table) before any rollback.
    if (!process.env.CITUS_WORKER_URLS) {
      await rollbackReferenceCrm(db);
      for (const table of TABLES) expect(await db.schema.hasTable(table), table).to.equal(false);
    }
    await migrateReferenceCrm(db);
    await migrateReferenceCrm(db);
    expect(await db.schema.hasTable('crm_sessions')).to.equal(true);
  });

  it('gives crm_sessions the columns connect-pg-simple expects', async function () {
    const columns = await db('information_schema.columns')
      .where({ table_name: 'crm_sessions' })
      .orderBy('ordinal_position')
      .select<Array<{ column_name: string; data_type: string }>>('column_name', 'data_type');
    expect(columns.map((c) => c.column_name)).to.deep.equal(['sid', 'sess', 'expire']);
    expect(columns.map((c) => c.data_type)).to.deep.equal(['character varying', 'json', 'timestamp with time zone']);
  });

  it('seeds the same data twice without changing anything', async function () {
    const first = await seedReferenceCrm(db);
    const afterFirst = await counts(db);
    const printFirst = await fingerprint(db);
    const second = await seedReferenceCrm(db);
    expect(await counts(db)).to.deep.equal(afterFirst);
    expect(await fingerprint(db)).to.equal(printFirst);
    expect(second).to.deep.equal(first);

    expect(afterFirst.workspaces).to.equal(2);
    expect(afterFirst.staff_users).to.equal(4);
    expect(afterFirst.clients).to.be.at.least(8);
    expect(afterFirst.payments).to.be.at.least(5);
    expect(afterFirst.crm_sessions).to.equal(0);
  });

  it('returns staff logins and demo client contacts', async function () {
    const logins = await seedReferenceCrm(db);
    expect(logins.referenceDate).to.equal(SEED_REFERENCE_DATE);
    expect(logins.staff.map((s) => `${s.workspaceSlug}:${s.role}:${s.email}`)).to.deep.equal([
      'demo:admin:admin@demo.test',
      'demo:member:member@demo.test',
      'acme:admin:admin@acme.test',
      'acme:member:member@acme.test',
    ]);
    const maria = logins.clients.filter((c) => c.email === 'maria@northwind.test');
    expect(maria.map((c) => c.workspaceSlug)).to.deep.equal(['demo', 'acme']);
    for (const contact of logins.clients) {
      expect(contact.contactId).to.match(/^\d+$/);
      expect(contact.workspaceId).to.match(/^\d+$/);
    }
    const hashes = await db('staff_users').pluck('password_hash');
    for (const hash of hashes) expect(hash).to.match(/^\$argon2id\$/);
  });

  it('creates two workspaces with 4+ clients, each with 2-4 contacts with distinct emails', async function () {
    const workspaces = await db('workspaces').orderBy('id').select('id', 'slug', 'name', 'brand_color');
    expect(workspaces.map((w) => [w.slug, w.name])).to.deep.equal([
      ['demo', 'Demo Agency'],
      ['acme', 'Acme Studio'],
    ]);
    expect(workspaces[0].brand_color).to.equal('#2f5bd3');
    expect(workspaces[1].brand_color).to.not.equal('#2f5bd3');
    for (const workspace of workspaces) {
      const clients = await db('clients').where({ workspace_id: workspace.id }).select('id');
      expect(clients.length).to.be.at.least(4);
      for (const client of clients) {
        const emails = await db('contacts').where({ client_id: client.id }).pluck('email');
        expect(emails.length).to.be.within(2, 4);
      }
      const emails = await db('contacts').where({ workspace_id: workspace.id }).pluck('email');
      expect(new Set(emails).size).to.equal(emails.length);
    }
  });

  it('puts one contact email in both workspaces', async function () {
    const rows = await db('contacts as k')
      .join('workspaces as w', 'w.id', 'k.workspace_id')
      .where('k.email', 'maria@northwind.test')
      .orderBy('w.id')
      .pluck('w.slug');
    expect(rows).to.deep.equal(['demo', 'acme']);
  });

  it('keeps invoices consistent: paid ones are fully paid, dates follow the reference date', async function () {
    const invoices = await db('invoices as i').select(
      'i.number',
      'i.status',
      'i.currency',
      'i.issue_date',
      'i.due_date',
      // Each line's tax is rounded to the cent, as the stored totals round it.
      db.raw(
        '(select coalesce(sum(round(quantity * unit_price_cents) + round(round(quantity * unit_price_cents) * coalesce(tax_rate_percent, 0) / 100)), 0) from invoice_items where workspace_id = i.workspace_id and invoice_id = i.id)::bigint as total',
      ),
      db.raw(
        '(select coalesce(sum(amount_cents), 0) from payments where workspace_id = i.workspace_id and invoice_id = i.id)::bigint as paid',
      ),
    );
    expect(new Set(invoices.map((i) => i.currency))).to.deep.equal(new Set(['USD', 'EUR']));
    expect(new Set(invoices.map((i) => i.status))).to.include.members(['draft', 'sent', 'paid', 'overdue', 'void']);
    for (const invoice of invoices) {
      expect(Number.isInteger(invoice.total)).to.equal(true);
      if (invoice.status === 'paid') expect(invoice.paid, invoice.number).to.equal(invoice.total);
      else expect(invoice.paid, invoice.number).to.be.below(invoice.total);
      if (invoice.status === 'overdue') expect(invoice.due_date < SEED_REFERENCE_DATE, invoice.number).to.equal(true);
      expect(invoice.due_date >= invoice.issue_date, invoice.number).to.equal(true);
    }
    const first = invoices.find((i) => i.number === 'INV-0001' && i.status === 'paid');
    expect(first?.issue_date).to.equal(seedDate(-45));
  });

  it('covers every proposal and quotation status, tasks assigned to contacts, shared and internal documents', async function () {
    const offerStatuses = new Set([...(await db('proposals').pluck('status')), ...(await db('quotations').pluck('status'))]);
    expect([...offerStatuses].sort()).to.deep.equal(['accepted', 'declined', 'draft', 'expired', 'sent']);
    expect(
      await db('proposal_items')
        .count<{ c: number }[]>({ c: '*' })
        .then((r) => Number(r[0]?.c)),
    ).to.be.above(0);

    const assigned = await db('tasks as t')
      .join('contacts as k', (on) => on.on('k.workspace_id', 't.workspace_id').andOn('k.id', 't.assigned_contact_id'))
      .select('t.client_id', 'k.client_id as contact_client_id');
    expect(assigned.length).to.be.at.least(5);
    for (const row of assigned) expect(row.contact_client_id).to.equal(row.client_id);

    const docs = await db('documents').select('filename', 'content_type', 'content', 'size_bytes', 'shared_with_client');
    expect(docs.some((d) => d.shared_with_client)).to.equal(true);
    expect(docs.some((d) => !d.shared_with_client)).to.equal(true);
    for (const doc of docs) {
      expect(doc.content.length).to.equal(doc.size_bytes);
      if (doc.content_type === 'application/pdf') expect(doc.content.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    }
  });

  it('builds PDFs whose cross-reference table points at each object', function () {
    const pdf = simplePdf('Title (draft)', ['Line one', 'Back\\slash']).toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)\n/.exec(pdf)?.[1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).to.equal('xref');
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    for (const [index, offset] of offsets.entries()) expect(pdf.slice(offset).startsWith(`${index + 1} 0 obj`)).to.equal(true);
    expect(pdf).to.include('(Title \\(draft\\)) Tj');
  });
});
