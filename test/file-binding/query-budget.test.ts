// The file binding's cost per port call, in statements sent: fixed, and the same for a client with
// a few invoices and quotes as for one with thousands (the lists read a page by keyset, the counts
// stop at SUMMARY_COUNT_LIMIT + 1). On Invoice Ninja's real schema through bindings/invoiceninja.yaml.
import { expect } from 'chai';
import path from 'node:path';
import type { Knex } from 'knex';
import type { FileBinding } from '../../plugins/file-binding/adapter.ts';
import { countQueries, type QueryCounter } from '../support/query-counter.ts';
import { INVOICENINJA, realSchemaUnavailable } from './real-schema.ts';
import { bindingFromFile, type SeededCrm, seededCrm } from './serve-binding-file.ts';

const reason = realSchemaUnavailable({ sample: true });

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Statements per call: what each port call may send, at most. */
const BUDGET = {
  summary: 3,
  invoiceList: 1,
  invoiceFind: 2,
  quoteList: 1,
  quoteFind: 1,
  taskList: 1,
  taskDoneAndReopened: 10,
  projectList: 1,
  projectFind: 2,
  projectsActive: 1,
  contactByEmail: 1,
};

describe('binding file: statements per port call stay flat as a client’s records grow', function () {
  this.timeout(120_000);
  let crm: SeededCrm;
  let db: Knex;
  let binding: FileBinding;
  let counter: QueryCounter;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(INVOICENINJA);
    db = crm.db;
    await db.raw(`insert into task_statuses (id, company_id, user_id, name, status_order)
      values (1, 1, 1, 'Backlog', 1), (2, 1, 1, 'Ready to do', 2), (3, 1, 1, 'In progress', 3), (4, 1, 1, 'Done', 4)`);
    await db.raw(`insert into projects (id, company_id, client_id, user_id, name, number, budgeted_hours, is_deleted)
      values (1, 1, 1, 1, 'Project 1', 'P-1', 0, 0)`);
    await db.raw(`insert into tasks (id, company_id, client_id, user_id, status_id, number, description, is_deleted, project_id)
      values (1, 1, 1, 1, 2, 'T-1', 'Task 1', 0, 1)`);
    binding = await bindingFromFile(db, path.join(ROOT, 'bindings/invoiceninja.yaml'));
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await crm?.close();
  });

  async function costs(): Promise<Record<keyof typeof BUDGET, number>> {
    const { adapter } = binding;
    const count = async (call: () => Promise<unknown>) => (await counter.measure(call)).count;
    return {
      summary: await count(() => adapter.summaries.forClient('1', '1', '1')),
      invoiceList: await count(() => adapter.invoices!.list('1', '1', { status: ['open'] }, { limit: 20 })),
      invoiceFind: await count(() => adapter.invoices!.find('1', '1', '1')),
      quoteList: await count(() => adapter.offers!.list('1', '1', 'quotation', {}, { limit: 20 })),
      quoteFind: await count(() => adapter.offers!.find('1', '1', 'quotation', '1')),
      projectList: await count(() => adapter.projects!.list('1', '1', '1', { state: 'all' }, { limit: 20 })),
      projectFind: await count(() => adapter.projects!.find('1', '1', '1', '1')),
      projectsActive: await count(() => adapter.projects!.countActive('1', '1', '1')),
      taskList: await count(() => adapter.tasks!.list('1', '1', '1', { status: 'open' }, { limit: 20 })),
      // Each change: begin, the locking read, the file's statement, the read after, commit.
      taskDoneAndReopened: await count(async () => {
        await adapter.tasks!.setStatus('1', '1', '1', '1', 'done');
        await adapter.tasks!.setStatus('1', '1', '1', '1', 'open');
      }),
      contactByEmail: await count(() => adapter.contacts.findByEmail('1', 'bars.client@example.test')),
    };
  }

  it('sends the same few statements for 1 invoice and quote as for 3,000 of each', async function () {
    const few = await costs();
    for (const [call, budget] of Object.entries(BUDGET)) expect(few[call as keyof typeof BUDGET], call).to.be.at.most(budget);
    const line = JSON.stringify([{ product_key: 'Hours', notes: 'Support', cost: 10, quantity: 1, tax_rate1: 0 }]);
    await db.raw(
      `insert into invoices (id, company_id, client_id, user_id, status_id, number, date, due_date, amount, balance, line_items, is_deleted)
       select 100 + n, 1, 1, 1, 2, 'INV-BULK-' || n, date '2020-01-01' + n, date '2020-02-01' + n, 10, 10, ?, 0 from generate_series(1, 3000) n`,
      [line],
    );
    await db.raw(
      `insert into tasks (id, company_id, client_id, user_id, status_id, number, description, is_deleted, project_id)
       select n, 1, 1, 1, 2, 'T-' || n, 'Task ' || n, 0, 1 from generate_series(2, 3000) n`,
    );
    await db.raw(
      `insert into projects (id, company_id, client_id, user_id, name, number, budgeted_hours, is_deleted)
       select n, 1, 1, 1, 'Project ' || n, 'P-' || n, 0, 0 from generate_series(2, 3000) n`,
    );
    await db.raw(
      `insert into quotes (id, company_id, client_id, user_id, status_id, number, date, amount, balance, line_items, is_deleted)
       select 100 + n, 1, 1, 1, 2, 'Q-BULK-' || n, date '2020-01-01' + n, 10, 10, ?, 0 from generate_series(1, 3000) n`,
      [line],
    );
    const many = await costs();
    expect(many).to.deep.equal(few);
    const summary = await binding.adapter.summaries.forClient('1', '1', '1');
    expect(summary.invoices.unpaid).to.equal(1001);
    expect(summary.quotations.open).to.equal(1001);
    expect(summary.tasks.open).to.equal(1001);
  });
});
