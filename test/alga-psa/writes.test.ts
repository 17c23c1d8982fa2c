// Covers what the Alga PSA binding writes into Alga's own tables, column by column, against what
// Alga's code writes for the same event: a quote accepted or declined from the portal changes the
// columns Alga's client portal changes (client-billing acceptClientQuote / rejectClientQuote:
// status, accepted_at or rejected_at + rejection_reason, updated_at) and adds its
// quote_activities row; a payment writes invoice_payments, the invoice's status and a
// transactions row as recordExternalPayment does, the last one turning the invoice 'paid'; all
// inside the caller's transaction, so a failing portal write rolls Alga's rows back too.
import { expect } from 'chai';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

type Row = Record<string, unknown>;

/** The columns whose values differ between two versions of a row. */
function changed(before: Row, after: Row): Row {
  const diff: Row = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) diff[key] = after[key];
  }
  return diff;
}

const reason = unavailable();

describe('alga-psa binding: rows written as Alga writes them', function () {
  let host: AlgaHost;
  let adapter: HostAdapter;
  let tenant: string;

  before(async function () {
    if (reason) this.skip();
    host = await startAlgaHost({ portalTables: true });
    adapter = host.adapter();
    tenant = host.seed.tenant;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const quote = (quote_id: string) => host.db('quotes').where({ tenant, quote_id }).first<Row>();
  const activities = (quote_id: string) => host.db('quote_activities').where({ tenant, quote_id }).select<Row[]>();

  it('an accepted quote: status accepted, accepted_at and updated_at, and an "accepted" activity', async function () {
    const { bakery } = host.seed.clients;
    const id = host.seed.quotes.accept;
    const before = await quote(id);
    const items = await host.db('quote_items').where({ tenant, quote_id: id }).orderBy('display_order');
    const at = new Date('2026-03-02T14:30:00Z');
    expect(await adapter.offers!.decide(tenant, bakery, 'quotation', id, { outcome: 'accepted', at })).to.equal(true);
    const after = await quote(id);
    const diff = changed(before, after);
    expect(Object.keys(diff).sort()).to.deep.equal(['accepted_at', 'status', 'updated_at']);
    expect(diff.status).to.equal('accepted');
    expect((diff.accepted_at as Date).getTime()).to.equal(at.getTime());
    // Who decided is the portal's evidence; Alga's accepted_by names an Alga user and stays empty.
    expect(after).to.include({ accepted_by: null, rejected_at: null, rejection_reason: null });
    expect(await host.db('quote_items').where({ tenant, quote_id: id }).orderBy('display_order')).to.deep.equal(items);
    const [activity] = await activities(id);
    expect(activity).to.include({
      activity_type: 'accepted',
      performed_by: null,
      description: 'Quote accepted by client in the client portal',
    });
    // Decided once: a second decision changes nothing.
    expect(await adapter.offers!.decide(tenant, bakery, 'quotation', id, { outcome: 'declined', at })).to.equal(false);
    expect(await activities(id)).to.have.length(1);
  });

  it('a declined quote: status rejected, rejected_at, a rejection_reason and a "rejected" activity', async function () {
    const { garage } = host.seed.clients;
    const id = host.seed.quotes.decline;
    const before = await quote(id);
    const at = new Date('2026-03-03T09:00:00Z');
    expect(await adapter.offers!.decide(tenant, garage, 'quotation', id, { outcome: 'declined', at })).to.equal(true);
    const diff = changed(before, await quote(id));
    expect(Object.keys(diff).sort()).to.deep.equal(['rejected_at', 'rejection_reason', 'status', 'updated_at']);
    expect(diff).to.include({ status: 'rejected', rejection_reason: 'Declined in the client portal' });
    expect((diff.rejected_at as Date).getTime()).to.equal(at.getTime());
    const [activity] = await activities(id);
    expect(activity).to.deep.include({ activity_type: 'rejected', metadata: { rejection_reason: 'Declined in the client portal' } });
  });

  it('a decision whose portal write fails leaves the quote and its activities as they were', async function () {
    const { bakery } = host.seed.clients;
    const id = host.seed.quotes.race;
    const before = await quote(id);
    const outcome = await host.db
      .transaction(async (trx) => {
        expect(await adapter.offers!.decide(tenant, bakery, 'quotation', id, { outcome: 'accepted', at: new Date() }, { trx })).to.equal(
          true,
        );
        throw new Error('the portal evidence insert failed');
      })
      .then(
        () => 'committed',
        (error: Error) => error.message,
      );
    expect(outcome).to.equal('the portal evidence insert failed');
    expect(await quote(id)).to.deep.equal(before);
    expect(await activities(id)).to.deep.equal([]);
  });

  it('payments: invoice_payments and transactions as recordExternalPayment writes them, the last one marking the invoice paid', async function () {
    const { db, seed } = host;
    const invoiceId = seed.invoices.unpaid;
    const invoice = () => db('invoices').where({ tenant, invoice_id: invoiceId }).first<Row>();
    const before = await invoice();
    expect(before).to.include({ status: 'sent', currency_code: 'USD' });
    expect(Number(before.total_amount)).to.equal(150_000);
    const paidAt = new Date('2026-03-15T10:00:00Z');

    const first = await db.transaction((trx) =>
      adapter.invoices!.recordPayment(
        tenant,
        seed.clients.bakery,
        invoiceId,
        { amountCents: 50_050, method: 'card', reference: 'pi_3Ab', paidAt },
        { trx },
      ),
    );
    expect(first).to.include({ amountCents: 50_050, method: 'card', reference: 'pi_3Ab' });
    const payment = await db('invoice_payments').where({ tenant, payment_id: first!.id }).first<Row>();
    expect(payment).to.deep.include({
      tenant,
      invoice_id: invoiceId,
      payment_method: 'credit_card',
      reference_number: 'pi_3Ab',
      notes: 'Paid from the client portal',
      status: 'completed',
      metadata: {},
    });
    expect(Number(payment.amount)).to.equal(50_050);
    expect((payment.payment_date as Date).getTime()).to.equal(paidAt.getTime());
    const partial = changed(before, await invoice());
    expect(Object.keys(partial).sort()).to.deep.equal(['status', 'updated_at']);
    expect(partial.status).to.equal('partially_applied');

    const rest = await adapter.invoices!.recordPayment(tenant, seed.clients.bakery, invoiceId, {
      amountCents: 99_950,
      method: 'bank_transfer',
      reference: null,
      paidAt,
    });
    expect(rest).to.include({ amountCents: 99_950, method: 'bank_transfer', reference: null });
    expect((await invoice()).status).to.equal('paid');
    expect(
      await adapter.invoices!.recordPayment(tenant, seed.clients.bakery, invoiceId, {
        amountCents: 1,
        method: 'card',
        reference: null,
        paidAt,
      }),
      'nothing left to pay',
    ).to.equal(null);

    const transactions = await db('transactions').where({ tenant, invoice_id: invoiceId }).orderBy('created_at').select<Row[]>();
    expect(transactions).to.have.length(2);
    expect(transactions[0]).to.deep.include({
      client_id: seed.clients.bakery,
      type: 'payment',
      status: 'completed',
      currency_code: 'USD',
      description: 'Payment received via credit_card - pi_3Ab',
      metadata: { payment_provider: 'credit_card', reference_number: 'pi_3Ab', currency: 'USD' },
    });
    expect(transactions.map((row) => Number(row.amount))).to.deep.equal([50_050, 99_950]);
  });

  it('a payment whose portal write fails leaves no payment, no transaction and the invoice as it was', async function () {
    const { db, seed } = host;
    const invoiceId = seed.invoices.garageOpen;
    const before = await db('invoices').where({ tenant, invoice_id: invoiceId }).first<Row>();
    const outcome = await db
      .transaction(async (trx) => {
        const recorded = await adapter.invoices!.recordPayment(
          tenant,
          seed.clients.garage,
          invoiceId,
          { amountCents: 80_000, method: 'card', reference: 'pi_fail', paidAt: new Date() },
          { trx },
        );
        expect(recorded).to.not.equal(null);
        throw new Error('the portal payment row failed');
      })
      .then(
        () => 'committed',
        (error: Error) => error.message,
      );
    expect(outcome).to.equal('the portal payment row failed');
    expect(await db('invoices').where({ tenant, invoice_id: invoiceId }).first<Row>()).to.deep.equal(before);
    expect(await db('invoice_payments').where({ tenant, invoice_id: invoiceId })).to.deep.equal([]);
    expect(await db('transactions').where({ tenant, invoice_id: invoiceId })).to.deep.equal([]);
  });

  it("a Stripe payment: payment_method stripe and the transaction Alga's own webhook landing writes (PaymentService.recordPaymentFromWebhook)", async function () {
    const { db, seed } = host;
    const invoiceId = seed.invoices.garageOpen;
    const paidAt = new Date('2026-04-01T09:30:00Z');
    const recorded = await db.transaction((trx) =>
      adapter.invoices!.recordPayment(
        tenant,
        seed.clients.garage,
        invoiceId,
        { amountCents: 80_000, method: 'card', reference: 'pi_3StripeGarage', paidAt, provider: 'stripe' },
        { trx },
      ),
    );
    // Alga reads 'stripe' back as a card payment, its reference_number as Stripe's id: for staff, not a reference for the client.
    expect(recorded).to.include({ amountCents: 80_000, method: 'card', reference: null, providerReference: 'pi_3StripeGarage' });
    const payment = await db('invoice_payments').where({ tenant, payment_id: recorded!.id }).first<Row>();
    expect(payment).to.deep.include({
      tenant,
      invoice_id: invoiceId,
      payment_method: 'stripe',
      reference_number: 'pi_3StripeGarage',
      notes: 'Paid from the client portal',
      status: 'completed',
      metadata: {},
    });
    expect(Number(payment.amount)).to.equal(80_000);
    expect((payment.payment_date as Date).getTime()).to.equal(paidAt.getTime());
    expect(await db('invoices').where({ tenant, invoice_id: invoiceId }).first<Row>()).to.include({ status: 'paid' });
    const transactions = await db('transactions').where({ tenant, invoice_id: invoiceId }).select<Row[]>();
    expect(transactions).to.have.length(1);
    expect(transactions[0]).to.deep.include({
      client_id: seed.clients.garage,
      type: 'payment',
      status: 'completed',
      description: 'Payment received via Stripe - pi_3StripeGarage',
      reference_number: null,
      metadata: {
        payment_provider: 'stripe',
        reference_number: 'pi_3StripeGarage',
        currency: 'USD',
        stripe_payment_intent_id: 'pi_3StripeGarage',
      },
    });
    expect(Number(transactions[0]!.amount)).to.equal(80_000);
  });

  it("a task marked done moves to the project's closed column, and back to the open one when reopened", async function () {
    const { db, seed } = host;
    const id = seed.tasks.undated;
    const before = await db('project_tasks').where({ tenant, task_id: id }).first<Row>();
    const done = await adapter.tasks!.setStatus(tenant, seed.clients.bakery, seed.contacts.claire, id, 'done');
    expect(done).to.include({ status: 'done' });
    const after = await db('project_tasks').where({ tenant, task_id: id }).first<Row>();
    expect(Object.keys(changed(before, after)).sort()).to.deep.equal(['project_status_mapping_id', 'updated_at']);
    expect(after.project_status_mapping_id).to.equal(seed.mappings.done);
    await adapter.tasks!.setStatus(tenant, seed.clients.bakery, seed.contacts.claire, id, 'open');
    expect((await db('project_tasks').where({ tenant, task_id: id }).first<Row>()).project_status_mapping_id).to.equal(seed.mappings.todo);
  });
});
