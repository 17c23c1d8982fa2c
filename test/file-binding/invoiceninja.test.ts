// Invoice Ninja served from bindings/invoiceninja.yaml alone, on Invoice Ninja's real schema
// (test/fixtures/real-schemas/invoiceninja.sql) seeded with ../shared/crm-schemas/invoiceninja-sample.sql:
// the shared host adapter contract on the file binding, and the agency's walk through
// `npm run portal -- migrate | invite | serve --binding` (serve as a real child process) with a real
// SMTP server: the invited contact sets a password, sees their invoice and quote and never the other
// client's, approves the quote, and Invoice Ninja's row reads status 3 with no host table changed.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { describeHostAdapterContract } from '../contract/host-adapter-contract.ts';
import { csrfFrom } from '../support/portal-harness.ts';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { INVOICENINJA, realSchemaUnavailable } from './real-schema.ts';
import { bindingFromFile, invitationTo, portalEnv, type SeededCrm, seededCrm } from './serve-binding-file.ts';
import { runPortal, serveOnAFreePort, stopPortal, type ServingPortal } from '../standalone/portal-process.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FILE = path.join(ROOT, 'bindings/invoiceninja.yaml');
const reason = realSchemaUnavailable({ sample: true });
const SLUG = 'barscompanykey01';

/** More of what an Invoice Ninja holds, for the contract: a second company, drafts, more sent quotes and paid invoices. */
async function seedForContract(db: Knex) {
  // As Invoice Ninja stores them: the sample's taxes in total_taxes, a line for each amount.
  await db('invoices').where({ id: 1 }).update({ total_taxes: 200 });
  await db('quotes').where({ id: 1 }).update({ total_taxes: 400 });
  await db('invoices')
    .where({ id: 2 })
    .update({ line_items: JSON.stringify([{ product_key: 'Audit', notes: 'Site audit', cost: 500, quantity: 1, tax_rate1: 0 }]) });
  const line = JSON.stringify([{ product_key: 'Support', notes: 'Support hours', cost: 100, quantity: 1, tax_rate1: 0 }]);
  const base = { user_id: 1, is_deleted: 0, discount: 0, amount: 100, balance: 100, line_items: line, created_at: new Date() };
  // A second account with its own company and user, copied from the sample's with other values.
  const copy = (table: string, values: Record<string, unknown>) =>
    db.raw(`insert into ?? select (jsonb_populate_record(null::??, to_jsonb(t) || ?::jsonb)).* from ?? t where id = 1`, [
      table,
      table,
      JSON.stringify(values),
      table,
    ]);
  await copy('accounts', { id: 2 });
  await copy('users', { id: 2, account_id: 2, email: 'owner@other-agency.test', first_name: 'Otto' });
  await copy('companies', { id: 2, account_id: 2, company_key: 'othercompany02', settings: JSON.stringify({ name: 'Other Agency' }) });
  const client = { user_id: 1, is_deleted: 0, settings: JSON.stringify({ currency_id: '3' }) };
  await db('clients').insert({ id: 3, company_id: 2, name: 'Elsewhere GmbH', ...client, user_id: 2 });
  const contact = { user_id: 1, password: '', is_primary: 1, send_email: 1 };
  await db('client_contacts').insert([
    { id: 3, company_id: 2, client_id: 3, first_name: 'Erik', last_name: 'Else', email: 'erik@elsewhere.test', ...contact, user_id: 2 },
    {
      id: 4,
      company_id: 1,
      client_id: 1,
      first_name: 'Ben',
      last_name: 'Baker',
      email: 'ben@bars.test',
      ...contact,
      password: '$2y$10$abcdefghijklmnopqrstuu3Zc6bVf9j0dJ6lWmGxqfX8mAYc8bq.K',
    },
  ]);
  await db('quotes').insert([
    { id: 2, company_id: 1, client_id: 1, status_id: 2, number: 'Q-BARS-0008', date: '2026-11-06', due_date: '2026-12-06', ...base },
    { id: 3, company_id: 1, client_id: 2, status_id: 2, number: 'Q-OTHER-0001', date: '2026-11-07', due_date: '2026-12-07', ...base },
    { id: 4, company_id: 1, client_id: 1, status_id: 1, number: 'Q-BARS-DRAFT', date: '2026-11-08', ...base },
    { id: 5, company_id: 2, client_id: 3, status_id: 2, number: 'Q-ELSE-0001', date: '2026-11-08', ...base },
    { id: 6, company_id: 1, client_id: 1, status_id: 3, number: 'Q-BARS-0001', date: '2026-10-01', ...base },
  ]);
  await db('invoices').insert([
    { id: 3, company_id: 1, client_id: 1, status_id: 1, number: 'INV-BARS-DRAFT', date: '2026-11-09', ...base },
    {
      id: 4,
      company_id: 1,
      client_id: 1,
      status_id: 4,
      number: 'INV-BARS-0041',
      date: '2026-10-02',
      due_date: '2026-11-01',
      ...base,
      balance: 0,
      paid_to_date: 100,
    },
    { id: 5, company_id: 1, client_id: 1, status_id: 2, number: 'INV-BARS-0040', date: '2026-09-02', due_date: '2026-10-01', ...base },
    { id: 6, company_id: 2, client_id: 3, status_id: 2, number: 'INV-ELSE-0001', date: '2026-11-02', ...base },
  ]);
  // Task statuses as Invoice Ninja creates them for each company (CreateCompanyTaskStatuses), and tasks.
  const statuses = ['Backlog', 'Ready to do', 'In progress', 'Done'];
  await db('task_statuses').insert(
    [1, 2].flatMap((company) =>
      statuses.map((name, i) => ({ id: (company - 1) * 4 + i + 1, company_id: company, user_id: company, name, status_order: i + 1 })),
    ),
  );
  const task = { user_id: 1, company_id: 1, client_id: 1, is_deleted: 0, created_at: new Date(), updated_at: new Date() };
  await db('tasks').insert([
    { id: 1, ...task, number: '0001', description: 'Send the logo files', status_id: 2 },
    { id: 2, ...task, number: '0002', description: 'Approve the homepage copy', status_id: 1 },
    { id: 3, ...task, number: '0003', description: 'Check the staging site', status_id: null },
    { id: 4, ...task, number: '0004', description: 'Sign off the wireframes', status_id: 4 },
    { id: 5, ...task, number: '0005', description: 'A deleted task', status_id: 2, is_deleted: 1 },
    { id: 6, ...task, client_id: 2, number: '0006', description: "The other client's task", status_id: 2 },
    { id: 7, ...task, company_id: 2, client_id: 3, user_id: 2, number: '0001', description: 'Elsewhere task', status_id: 6 },
  ]);
  // INV-BARS-0041's payment, as Invoice Ninja applies one: a payment and its paymentable row.
  await db('payments').insert({
    id: 1,
    company_id: 1,
    client_id: 1,
    user_id: 1,
    status_id: 4,
    amount: 100,
    applied: 100,
    date: '2026-10-20',
    number: 'PAY-0001',
    transaction_reference: 'TRF-77',
    currency_id: 3,
    type_id: 1,
  });
  await db('paymentables').insert({ id: 1, payment_id: 1, paymentable_id: 4, paymentable_type: 'App\\Models\\Invoice', amount: 100 });
}

if (reason)
  describe('host adapter contract: binding file: Invoice Ninja', function () {
    it(`is skipped: ${reason}`, function () {
      // Said in the test's name: no PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here.
      this.skip();
    });
  });
else
  describeHostAdapterContract('binding file: Invoice Ninja', async () => {
    const crm = await seededCrm(INVOICENINJA);
    const { db } = crm;
    await seedForContract(db);
    const binding = await bindingFromFile(db, FILE);
    // Ben's password, as Laravel's Hash::make stores it.
    await binding.adapter.credentials!.setPassword('1', '4', 'ben-at-the-bakery');
    return {
      adapter: binding.adapter,
      db,
      fixture: {
        workspaceSlug: SLUG,
        otherWorkspaceSlug: 'othercompany02',
        knownContactEmail: 'bars.client@example.test',
        login: { email: 'ben@bars.test', password: 'ben-at-the-bakery' },
        drafts: [
          { kind: 'quotation', clientId: '1', id: '4' },
          { kind: 'invoice', clientId: '1', id: '3' },
        ],
        decisions: {
          accept: { kind: 'quotation', id: '1', clientId: '1' },
          decline: { kind: 'quotation', id: '3', clientId: '2' },
          race: { kind: 'quotation', id: '2', clientId: '1' },
          otherClientId: '2',
        },
        // Invoice Ninja assigns tasks to no contact: handing one to someone else is moving it to another client.
        tasks: {
          reassign: async (id) => {
            await db('tasks').where({ id }).update({ client_id: 2 });
          },
          remove: async (id) => {
            await db('tasks').where({ id }).update({ is_deleted: 1, deleted_at: new Date() });
          },
        },
      },
      close: crm.close,
    };
  });

describe('npm run portal -- … --binding bindings/invoiceninja.yaml on Invoice Ninja', function () {
  this.timeout(240_000);
  let crm: SeededCrm;
  let db: Knex;
  let env: Record<string, string>;
  let serving: ServingPortal | undefined;
  let hostTables: string[];
  let shapes: string;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(INVOICENINJA, { mail: true });
    db = crm.db;
    env = portalEnv(crm, SLUG);
    hostTables = await publicTables(db);
    shapes = await schemaSnapshot(db, hostTables);
  });
  after(async function () {
    await stopPortal(serving).catch(() => null);
    await crm?.close();
  });

  it('says what is wrong with a file, by line, in one refusal', async function () {
    const broken = path.join(ROOT, 'test/file-binding/broken.yaml');
    const result = await runPortal(['migrate', '--binding', broken], env);
    expect(result.code, result.stderr).to.equal(2);
    expect(result.stderr).to.match(/broken\.yaml: 2 problems:/);
    expect(result.stderr).to.match(/line 6: clients\.name: missing/);
    expect(result.stderr).to.match(/line 14: contacts\.password\.format: format is one of bcrypt, php, argon2id/);
    expect(result.stderr).not.to.match(/\n\s+at /);
  });

  it('check: the file fits, with what one client would see and the statements; a wrong column, a refused statement and an unmapped status are named', async function () {
    const fits = await runPortal(['check', '--binding', FILE], env);
    expect(fits.code, fits.stderr).to.equal(0);
    expect(fits.stdout).to.include('bindings/invoiceninja.yaml fits this database.');
    expect(fits.stdout).to.include(`${SLUG}: 2 clients, 2 contacts with an email`);
    expect(fits.stdout).to.include('What Bars Bakery Ltd (client 1) would see, signed in as bars.client@example.test:');
    expect(fits.stdout).to.match(/invoices: INV-BARS-0042 open 1200\.00 EUR\n\s+select .* from "invoices" as "r"/);
    expect(fits.stdout).not.to.include('INV-OTHER-0001');
    // Invoice Ninja indexes invoices and quotes by client only: check names the index a page needs.
    expect(fits.stdout).to.include(
      'invoices: no index on invoices gives a client\'s records newest first, so each page reads all of a client\'s rows. The host\'s administrator may create one (the portal never alters a host table): create index concurrently on "invoices" ("client_id", "date");',
    );
    expect(fits.stdout).to.include('create index concurrently on "quotes" ("client_id", "date");');
    await db.raw('create index portal_check_invoices on invoices (company_id, client_id, date)');
    try {
      const indexed = await runPortal(['check', '--binding', FILE], env);
      expect(indexed.code, indexed.stderr).to.equal(0);
      expect(indexed.stdout).not.to.include('on "invoices" ("client_id", "date")');
      expect(indexed.stdout).to.include('on "quotes" ("client_id", "date")');
    } finally {
      await db.raw('drop index portal_check_invoices');
    }

    // The search (text in the number, or the amount) reads every row of the client without a
    // trigram index on the number and an index on the total: check names both, then neither.
    expect(fits.stdout).to.include(
      'invoices: no index serves the list\'s search (text in the number, or the amount), so each search reads all of a client\'s rows. The host\'s administrator may create them (the portal never alters a host table): create extension if not exists pg_trgm; create index concurrently on "invoices" using gin ("number" gin_trgm_ops); create index concurrently on "invoices" ("client_id", "amount");',
    );
    expect(fits.stdout).to.include('create index concurrently on "quotes" using gin ("number" gin_trgm_ops);');
    await db.raw('create extension if not exists pg_trgm');
    await db.raw('create index portal_check_number on invoices using gin (number gin_trgm_ops)');
    await db.raw('create index portal_check_amount on invoices (company_id, client_id, amount)');
    try {
      const indexed = await runPortal(['check', '--binding', FILE], env);
      expect(indexed.code, indexed.stderr).to.equal(0);
      expect(indexed.stdout).not.to.include('on "invoices" using gin');
      expect(indexed.stdout).not.to.include('on "invoices" ("client_id", "amount")');
      expect(indexed.stdout).to.include('create index concurrently on "quotes" using gin ("number" gin_trgm_ops);');
      expect(indexed.stdout).to.include('create index concurrently on "quotes" ("client_id", "amount");');
    } finally {
      await db.raw('drop index portal_check_number');
      await db.raw('drop index portal_check_amount');
      await db.raw('drop extension pg_trgm');
    }

    const folder = mkdtempSync(path.join(tmpdir(), 'binding-'));
    try {
      const wrong = path.join(folder, 'wrong.yaml');
      writeFileSync(
        wrong,
        readFileSync(FILE, 'utf8')
          .replace(
            'number: number\n  status:\n    column: status_id\n    states: { open: [2, 3]',
            'number: invoice_number\n  status:\n    column: status_id\n    states: { open: [2, 3]',
          )
          .replace('update quotes set status_id = 3', 'update quotes set approved = true, status_id = 3'),
      );
      const refused = await runPortal(['check', '--binding', wrong], env);
      expect(refused.code, refused.stdout).to.equal(1);
      expect(refused.stderr).to.include('public.invoices.invoice_number does not exist');
      const statement = path.join(folder, 'statement.yaml');
      writeFileSync(
        statement,
        readFileSync(FILE, 'utf8').replace('update quotes set status_id = 3', 'update quotes set approved = true, status_id = 3'),
      );
      await db('quotes').insert({
        id: 9,
        company_id: 1,
        client_id: 1,
        user_id: 1,
        status_id: 7,
        number: 'Q-ODD',
        amount: 1,
        balance: 1,
        is_deleted: 0,
      });
      const named = await runPortal(['check', '--binding', statement], env);
      expect(named.code, named.stdout).to.equal(1);
      expect(named.stderr).to.include('quotations.writes.accept: column "approved" of relation "quotes" does not exist');
      expect(named.stderr).to.include('quotations.status: the value "7" (1 row) is in no state');
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await db('quotes').where({ id: 9 }).delete();
    }
  });

  it('migrates, invites, serves: the contact sets a password, reads their records only, approves the quote', async function () {
    const migrated = await runPortal(['migrate', '--binding', FILE], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    const invited = await runPortal(['invite', '--binding', FILE, '--email', 'bars.client@example.test'], {
      ...env,
      APP_URL: 'http://portal.bars.example',
    });
    expect(invited.code, invited.stderr).to.equal(0);
    expect(invited.stdout).to.match(/Invited Claire Baker <bars\.client@example\.test> of Bars Bakery Ltd/);
    const invitation = await invitationTo(crm, 'bars.client@example.test');

    serving = await serveOnAFreePort(['--binding', FILE], (port) => ({ ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }));
    expect(serving.output()).to.include(`${SLUG}  portal on`);
    const agent = await acceptInvitation(serving.url, invitation, 'claire-bakes-bread');
    // The password lives where Invoice Ninja keeps it, as Laravel writes it.
    const stored = (await db('client_contacts').where({ id: 1 }).first('password')) as { password: string };
    expect(stored.password).to.match(/^\$2y\$10\$/);

    const invoices = await agent.get(`/portal/${SLUG}/invoices`).expect(200);
    expect(invoices.text).to.include('INV-BARS-0042');
    expect(invoices.text).not.to.include('INV-OTHER-0001');
    await agent.get(`/portal/${SLUG}/invoices/2`).expect(404);
    const invoice = await agent.get(`/portal/${SLUG}/invoices/1`).expect(200);
    expect(invoice.text).to.include('Website design');
    const quotations = await agent.get(`/portal/${SLUG}/quotations`).expect(200);
    expect(quotations.text).to.include('Q-BARS-0007');
    // Invoice Ninja has no decline: the file declares none, so there is no such page.
    await agent.get(`/portal/${SLUG}/quotations/1/decline`).expect(404);
    await agent.get(`/portal/${SLUG}/proposals`).expect(404);
    const accept = await agent.get(`/portal/${SLUG}/quotations/1/accept`).expect(200);
    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(accept.text)?.[1];
    const decided = await agent
      .post(`/portal/${SLUG}/quotations/1/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(accept.text), typedName: 'Claire Baker', consent: 'yes', fingerprint });
    expect(decided.status, decided.text).to.equal(303);
    expect(Number(((await db('quotes').where({ id: 1 }).first('status_id')) as { status_id: string }).status_id)).to.equal(3);

    expect(await stopPortal(serving, 20_000)).to.equal(0);
    serving = undefined;
    // Every Invoice Ninja table has the shape it had; the portal's are its own, new ones.
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapes);
  });
});
