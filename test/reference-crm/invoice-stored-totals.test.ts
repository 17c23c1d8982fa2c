// Each invoice's stored total and paid amount follow its lines and payments, whoever writes them:
// the seed, the CRM's own screens, a bulk statement, a line moved to another invoice, a deletion,
// and two transactions adding lines to one invoice at once.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { startCrm, type CrmTestContext } from './support.ts';

interface Drift {
  id: number;
  total_cents: string;
  lines_cents: string;
  paid_cents: string;
  payments_cents: string;
}

/** Invoices whose stored sums differ from their lines (each with its tax) and payments, summed as every read rounds them. */
async function drifted(db: Knex): Promise<Drift[]> {
  const { rows } = await db.raw<{ rows: Drift[] }>(`
    select i.id, i.total_cents, i.paid_cents,
           coalesce((select sum(round(li.quantity * li.unit_price_cents) + round(round(li.quantity * li.unit_price_cents) * coalesce(li.tax_rate_percent, 0) / 100))
                        from invoice_items li where li.workspace_id = i.workspace_id and li.invoice_id = i.id), 0)::bigint as lines_cents,
           coalesce((select sum(p.amount_cents) from payments p where p.workspace_id = i.workspace_id and p.invoice_id = i.id), 0)::bigint as payments_cents
      from invoices i`);
  return rows.filter((row) => row.total_cents !== row.lines_cents || row.paid_cents !== row.payments_cents);
}

describe('reference CRM: stored invoice totals', function () {
  this.timeout(60_000);
  let crm: CrmTestContext;
  let invoiceIds: [number, number];
  /** The workspace of both invoices: a line's workspace is its invoice's, so it can move between them. */
  let workspaceId: number;

  const stored = async (id: number) => {
    const row = await crm.db('invoices').where({ id }).first<{ total_cents: string; paid_cents: string }>('total_cents', 'paid_cents');
    return { total: Number(row!.total_cents), paid: Number(row!.paid_cents) };
  };

  before(async function () {
    crm = await startCrm();
    workspaceId = (await crm.db('invoices').orderBy('id').first<{ workspace_id: number }>('workspace_id'))!.workspace_id;
    const ids = await crm.db('invoices').where({ workspace_id: workspaceId }).orderBy('id').limit(2).pluck<number[]>('id');
    invoiceIds = [ids[0]!, ids[1]!];
  });

  after(async function () {
    await crm?.close();
  });

  it('match the seeded lines and payments, and the seed has both', async function () {
    expect(await drifted(crm.db)).to.deep.equal([]);
    const { rows } = await crm.db.raw<{ rows: Array<{ billed: number; paid: number }> }>(
      'select count(*) filter (where total_cents > 0)::int as billed, count(*) filter (where paid_cents > 0)::int as paid from invoices',
    );
    expect(rows[0]!.billed, 'invoices with a total').to.be.greaterThan(0);
    expect(rows[0]!.paid, 'invoices with payments').to.be.greaterThan(0);
  });

  it('follow lines added, changed, moved and deleted, one at a time or many in a statement', async function () {
    const [a, b] = invoiceIds;
    const before = { a: await stored(a), b: await stored(b) };
    const lines = await crm
      .db('invoice_items')
      .insert([
        { workspace_id: workspaceId, invoice_id: a, position: 90, description: 'Half a day', quantity: 0.5, unit_price_cents: 33_333 },
        { workspace_id: workspaceId, invoice_id: a, position: 91, description: 'Setup', quantity: 1, unit_price_cents: 10_000 },
        { workspace_id: workspaceId, invoice_id: b, position: 90, description: 'Travel', quantity: 2, unit_price_cents: 4_550 },
      ])
      .returning<Array<{ id: number }>>('id');
    // 0.5 × 333.33 is 166.665: the line counts as 166.67, as every total rounds it.
    expect(await stored(a)).to.deep.equal({ total: before.a.total + 16_667 + 10_000, paid: before.a.paid });
    expect(await stored(b)).to.deep.equal({ total: before.b.total + 9_100, paid: before.b.paid });

    await crm.db('invoice_items').where({ id: lines[1]!.id }).update({ quantity: 3 });
    expect((await stored(a)).total).to.equal(before.a.total + 16_667 + 30_000);

    await crm.db('invoice_items').where({ id: lines[1]!.id }).update({ invoice_id: b });
    expect((await stored(a)).total).to.equal(before.a.total + 16_667);
    expect((await stored(b)).total).to.equal(before.b.total + 9_100 + 30_000);

    await crm
      .db('invoice_items')
      .whereIn(
        'id',
        lines.map((line) => line.id),
      )
      .delete();
    expect(await stored(a)).to.deep.equal(before.a);
    expect(await stored(b)).to.deep.equal(before.b);
    expect(await drifted(crm.db)).to.deep.equal([]);
  });

  it("add each line's tax, rounded per line, and follow a change of rate", async function () {
    const [a] = invoiceIds;
    const before = await stored(a);
    const [line] = await crm
      .db('invoice_items')
      .insert({
        workspace_id: workspaceId,
        invoice_id: a,
        position: 92,
        description: 'Workshop',
        quantity: 1,
        unit_price_cents: 12_345,
        tax_rate_percent: 19,
      })
      .returning<Array<{ id: number }>>('id');
    // 19 % of 123.45 is 23.4555: the tax counts as 23.46.
    expect((await stored(a)).total).to.equal(before.total + 12_345 + 2_346);
    await crm.db('invoice_items').where({ id: line!.id }).update({ tax_rate_percent: 7 });
    expect((await stored(a)).total).to.equal(before.total + 12_345 + 864);
    await crm.db('invoice_items').where({ id: line!.id }).delete();
    expect(await stored(a)).to.deep.equal(before);
    expect(await drifted(crm.db)).to.deep.equal([]);
  });

  it('follow payments recorded, corrected and removed', async function () {
    const [a] = invoiceIds;
    const before = await stored(a);
    const [payment] = await crm
      .db('payments')
      .insert({ workspace_id: workspaceId, invoice_id: a, amount_cents: 2_500, method: 'transfer' })
      .returning<Array<{ id: number }>>('id');
    expect((await stored(a)).paid).to.equal(before.paid + 2_500);
    await crm.db('payments').where({ id: payment!.id }).update({ amount_cents: 2_000 });
    expect((await stored(a)).paid).to.equal(before.paid + 2_000);
    await crm.db('payments').where({ id: payment!.id }).delete();
    expect(await stored(a)).to.deep.equal(before);
  });

  it('are kept for lines written in bulk, by one statement over many invoices', async function () {
    await crm.db.raw(`
      insert into invoice_items (workspace_id, invoice_id, position, description, quantity, unit_price_cents)
      select workspace_id, id, 99, 'Bulk', 1 + id % 3, 1000 + id % 7 from invoices`);
    await crm.db.raw(
      "insert into payments (workspace_id, invoice_id, amount_cents, method) select workspace_id, id, 100, 'import' from invoices where id % 2 = 0",
    );
    expect(await drifted(crm.db)).to.deep.equal([]);
    await crm.db('invoice_items').where({ position: 99 }).delete();
    await crm.db('payments').where({ method: 'import' }).delete();
    expect(await drifted(crm.db)).to.deep.equal([]);
  });

  it('count both lines when two transactions add one to the same invoice at once', async function () {
    // Skipped on the embedded database: its connections share one session, so a second transaction
    // waits for the first to end before it starts and the two never overlap.
    if (crm.database.mode === 'embedded') this.skip();
    const [a] = invoiceIds;
    const before = await stored(a);
    const line = (description: string) => ({
      workspace_id: workspaceId,
      invoice_id: a,
      position: 98,
      description,
      quantity: 1,
      unit_price_cents: 1_000,
    });
    const first = await crm.db.transaction();
    const second = await crm.db.transaction();
    try {
      await first('invoice_items').insert(line('first'));
      // The second insert's trigger waits on the invoice row the first transaction has updated.
      const waiting = second('invoice_items')
        .insert(line('second'))
        .then(() => undefined);
      const deadline = Date.now() + 10_000;
      // On a Citus cluster (the Citus stage) the wait is on the worker that holds the invoice's shard:
      // citus_stat_activity shows every node's sessions.
      const activity = process.env.CITUS_WORKER_URLS ? 'citus_stat_activity' : 'pg_stat_activity';
      const blocked = async () =>
        Number(
          (
            await crm.db.raw<{ rows: Array<{ n: number }> }>(
              `select count(*)::int as n from ${activity} where datname = current_database() and wait_event_type = 'Lock'`,
            )
          ).rows[0]!.n,
        );
      while ((await blocked()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await blocked(), 'the second transaction waits for the first').to.equal(1);
      await first.commit();
      await waiting;
      await second.commit();
    } finally {
      if (!first.isCompleted()) await first.rollback();
      if (!second.isCompleted()) await second.rollback();
    }
    expect((await stored(a)).total).to.equal(before.total + 2_000);
    expect(await drifted(crm.db)).to.deep.equal([]);
    await crm.db('invoice_items').where({ position: 98 }).delete();
  });
});
