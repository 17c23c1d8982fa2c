// readTogether and togetherTemplate (plugins/reference-crm/queries/read-together.ts): several
// reads in one statement, lists as JSON arrays in their own order, one-row reads as objects,
// timestamps back as Dates, every row equal to what its query gives on its own; the template builds its statement once per shape and then only fills
// in values, and falls back to building every time when a build does not keep to values.
import { expect } from 'chai';
import type { Knex } from 'knex';
import {
  clientInvoiceItemsQuery,
  clientInvoicePaymentsQuery,
  clientInvoiceQuery,
  clientInvoicesQuery,
  invoiceLister,
} from '../../plugins/reference-crm/binding/queries/portal-invoices.ts';
import {
  clientOfferItemsQuery,
  clientOfferQuery,
  clientOffersQuery,
  OFFER_TABLES,
} from '../../plugins/reference-crm/binding/queries/portal-offers.ts';
import { readTemplate, readTogether, togetherTemplate, type TogetherRead } from '../../plugins/reference-crm/queries/read-together.ts';
import { sharedDocumentsQuery } from '../../plugins/reference-crm/queries/shared-documents.ts';
import { openTasksQuery } from '../../plugins/reference-crm/queries/client-tasks.ts';
import { createKnex, namePreparedStatements } from '../../src/index.ts';
import { startCrm, type CrmTestContext } from './support.ts';

describe('reference CRM: reads in one statement', function () {
  let crm: CrmTestContext;
  let db: Knex;
  let workspaces: Array<{ id: number; slug: string; created_at: Date }>;

  before(async function () {
    crm = await startCrm();
    db = crm.db;
    workspaces = await db('workspaces').orderBy('id').select('id', 'slug', 'created_at');
    expect(workspaces.length).to.be.greaterThan(1);
  });
  after(async function () {
    await crm?.close();
  });

  const reads = (db: Knex, shape: { newestFirst: boolean }, args: { id: number; slug: string }): TogetherRead[] => [
    {
      name: 'listed',
      shape: 'rows',
      timestamps: ['created_at'],
      query: db('workspaces')
        .where('id', '>=', args.id)
        .orderBy('id', shape.newestFirst ? 'desc' : 'asc')
        .select('id', 'slug', 'created_at'),
    },
    {
      name: 'one',
      shape: 'row',
      query: db.raw('select slug, :id::int as asked from workspaces where slug = :slug', { id: args.id, slug: args.slug }),
    },
  ];

  it('reads each list in its own order with Dates for its timestamps, and a one-row read as an object, in one round trip', async function () {
    let statements = 0;
    const count = () => statements++;
    db.on('query', count);
    try {
      const [first] = workspaces;
      const read = await readTogether(db, reads(db, { newestFirst: true }, { id: first!.id, slug: first!.slug }));
      expect(statements).to.equal(1);
      expect(read.listed).to.deep.equal([...workspaces].reverse());
      expect((read.listed as Array<{ created_at: unknown }>)[0]!.created_at).to.be.instanceOf(Date);
      expect(read.one).to.deep.equal({ slug: first!.slug, asked: first!.id });
    } finally {
      db.off('query', count);
    }
  });

  it('gives the rows each query gives on its own, column for column (text, numbers, dates, timestamps, booleans, nulls)', async function () {
    let compared = 0;
    const seen = { items: 0, payments: 0, decided: 0, documents: 0 };
    for (const kind of ['proposal', 'quotation'] as const) {
      const offers = await db(OFFER_TABLES[kind].parentTable).whereNot('status', 'draft').select('id', 'workspace_id', 'client_id');
      for (const { id, workspace_id: workspaceId, client_id: clientId } of offers) {
        const args = { workspaceId, clientId, offerId: id };
        const read = await readTogether(db, [
          { name: 'offer', shape: 'row', timestamps: ['sent_at', 'decided_at'], query: clientOfferQuery(db, OFFER_TABLES[kind], args) },
          { name: 'items', shape: 'rows', query: clientOfferItemsQuery(db, OFFER_TABLES[kind], args) },
          {
            name: 'listed',
            shape: 'rows',
            timestamps: ['sent_at', 'decided_at'],
            query: clientOffersQuery(db, OFFER_TABLES[kind], { workspaceId, clientId, limit: 50 }),
          },
        ]);
        expect(read.offer, `${kind} ${id}`).to.deep.equal(await clientOfferQuery(db, OFFER_TABLES[kind], args));
        seen.items += (read.items as unknown[]).length;
        if ((read.offer as { decided_at: Date | null }).decided_at) seen.decided++;
        expect(read.items, `${kind} ${id} items`).to.deep.equal(await clientOfferItemsQuery(db, OFFER_TABLES[kind], args));
        expect(read.listed, `${kind}s of client ${clientId}`).to.deep.equal(
          await clientOffersQuery(db, OFFER_TABLES[kind], { workspaceId, clientId, limit: 50 }),
        );
        compared++;
      }
    }
    const invoices = await db('invoices').whereNot('status', 'draft').select('id', 'workspace_id', 'client_id');
    for (const { id, workspace_id: workspaceId, client_id: clientId } of invoices) {
      const args = { workspaceId, clientId, invoiceId: id };
      const read = await readTogether(db, [
        { name: 'invoice', shape: 'row', query: clientInvoiceQuery(db, args) },
        { name: 'items', shape: 'rows', query: clientInvoiceItemsQuery(db, args) },
        { name: 'payments', shape: 'rows', timestamps: ['paid_at'], query: clientInvoicePaymentsQuery(db, args) },
        { name: 'listed', shape: 'rows', query: clientInvoicesQuery(db, { workspaceId, clientId, limit: 50 }) },
      ]);
      expect(read.invoice, `invoice ${id}`).to.deep.equal(await clientInvoiceQuery(db, args));
      seen.payments += (read.payments as unknown[]).length;
      expect(read.items, `invoice ${id} items`).to.deep.equal(await clientInvoiceItemsQuery(db, args));
      expect(read.payments, `invoice ${id} payments`).to.deep.equal(await clientInvoicePaymentsQuery(db, args));
      expect(read.listed, `invoices of client ${clientId}`).to.deep.equal(
        await clientInvoicesQuery(db, { workspaceId, clientId, limit: 50 }),
      );
      compared++;
    }
    const contacts = await db('contacts').select('id', 'workspace_id', 'client_id');
    for (const { id: contactId, workspace_id: workspaceId, client_id: clientId } of contacts) {
      const read = await readTogether(db, [
        {
          name: 'documents',
          shape: 'rows',
          timestamps: ['created_at'],
          query: sharedDocumentsQuery(db, { workspaceId, clientId, limit: 50 }),
        },
        {
          name: 'tasks',
          shape: 'rows',
          timestamps: ['completed_at'],
          query: openTasksQuery(db, { workspaceId, clientId, contactId, limit: 50 }),
        },
      ]);
      seen.documents += (read.documents as unknown[]).length;
      expect(read.documents, `documents of client ${clientId}`).to.deep.equal(
        await sharedDocumentsQuery(db, { workspaceId, clientId, limit: 50 }),
      );
      expect(read.tasks, `tasks of contact ${contactId}`).to.deep.equal(
        await openTasksQuery(db, { workspaceId, clientId, contactId, limit: 50 }),
      );
    }
    // Enough of every kind of value to compare: lines, payments, decided offers, shared documents.
    expect(compared).to.be.greaterThan(5);
    for (const [what, count] of Object.entries(seen)) expect(count, what).to.be.greaterThan(0);
  });

  it('builds the statement once per shape, then answers with the values of each call', async function () {
    let builds = 0;
    const template = togetherTemplate(
      (shape: { newestFirst: boolean }) => String(shape.newestFirst),
      (db, shape, args: { id: number; slug: string }) => {
        builds++;
        return reads(db, shape, args);
      },
    );
    for (const workspace of workspaces) {
      for (const newestFirst of [true, false]) {
        const args = { id: workspace.id, slug: workspace.slug };
        expect(await template(db, { newestFirst }, args), `${workspace.slug} ${newestFirst}`).to.deep.equal(
          await readTogether(db, reads(db, { newestFirst }, args)),
        );
      }
    }
    // Two builds with stand-ins per shape, none per call after that.
    expect(builds).to.equal(4);
  });

  it('builds every time when a build puts an argument into the text, and still answers right', async function () {
    let builds = 0;
    const template = togetherTemplate(
      () => 'one',
      (db, _shape, args: { column: string }) => {
        builds++;
        return [{ name: 'listed', shape: 'rows', query: db('workspaces').orderBy('id').select(args.column) }];
      },
    );
    expect(await template(db, {}, { column: 'slug' })).to.deep.equal({ listed: workspaces.map(({ slug }) => ({ slug })) });
    expect(await template(db, {}, { column: 'id' })).to.deep.equal({ listed: workspaces.map(({ id }) => ({ id })) });
    // Two stand-in builds found no template; then one build per call.
    expect(builds).to.equal(4);
  });

  it('reads one query built once per shape (readTemplate): the rows knex gives, a build that does not keep to values built every time', async function () {
    let builds = 0;
    const template = readTemplate<{ newestFirst: boolean }, { id: number }, { id: number; slug: string }>(
      (shape) => String(shape.newestFirst),
      (db, shape, args) => {
        builds++;
        return db('workspaces')
          .where('id', '>=', args.id)
          .orderBy('id', shape.newestFirst ? 'desc' : 'asc')
          .select('id', 'slug');
      },
    );
    for (const workspace of workspaces)
      for (const newestFirst of [true, false])
        expect(await template(db, { newestFirst }, { id: workspace.id })).to.deep.equal(
          await db('workspaces')
            .where('id', '>=', workspace.id)
            .orderBy('id', newestFirst ? 'desc' : 'asc')
            .select('id', 'slug'),
        );
    expect(builds, 'two stand-in builds per shape').to.equal(4);
    const byColumn = readTemplate<object, { column: string }, Record<string, unknown>>(
      () => 'one',
      (db, _shape, args) => {
        builds++;
        return db('workspaces').orderBy('id').select(args.column);
      },
    );
    expect(await byColumn(db, {}, { column: 'slug' })).to.deep.equal(workspaces.map(({ slug }) => ({ slug })));
    expect(await byColumn(db, {}, { column: 'id' })).to.deep.equal(workspaces.map(({ id }) => ({ id })));
    expect(builds, 'no template: one build per call').to.equal(4 + 4);
  });

  it('lists a client’s invoices as their query on its own gives them, in every shape of the list, its reads named or not', async function () {
    // The CRM names its reads where it can (boot.ts), which writes each limit into the text.
    const named = createKnex(crm.database.url);
    namePreparedStatements(named);
    try {
      // A lister of its own for each, so neither finds the other's templates.
      for (const on of [named, db]) await listsAsTheQueryDoes(on, invoiceLister());
    } finally {
      await named.destroy();
    }
  });

  async function listsAsTheQueryDoes(db: Knex, listClientInvoices: ReturnType<typeof invoiceLister>): Promise<void> {
    const clients: Array<{ workspace_id: number; client_id: number; issue_date: string; id: number }> = await db('invoices')
      .whereNot('status', 'draft')
      .distinctOn('workspace_id', 'client_id')
      .orderBy([
        { column: 'workspace_id' },
        { column: 'client_id' },
        { column: 'issue_date', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .select('workspace_id', 'client_id', db.raw("to_char(issue_date, 'YYYY-MM-DD') as issue_date"), 'id');
    expect(clients.length).to.be.greaterThan(2);
    let listed = 0;
    for (const { workspace_id: workspaceId, client_id: clientId, issue_date: issueDate, id } of clients) {
      const shapes = [
        { limit: 10 },
        { limit: 2, after: { issueDate, id } },
        { limit: 10, statuses: ['paid', 'void'] as const },
        { limit: 10, overdueOn: '2026-11-30' },
        { limit: 10, matching: '%0%' },
        { limit: 10, matching: '%zz%', amount: { fromCents: 0, toCents: 10_000_000 } },
      ];
      for (const shape of shapes) {
        const args = { workspaceId, clientId, ...shape };
        // Sent below knex, as a template's values (knex's runner would tell of a statement it built).
        let builtByKnex = 0;
        const count = () => builtByKnex++;
        db.on('query', count);
        const rows = await listClientInvoices(db, args).finally(() => db.off('query', count));
        expect(builtByKnex, JSON.stringify(args)).to.equal(0);
        expect(rows, JSON.stringify(args)).to.deep.equal(await clientInvoicesQuery(db, { ...args, limit: args.limit + 1 }));
        listed += rows.length;
      }
    }
    expect(listed).to.be.greaterThan(clients.length);
  }
});
