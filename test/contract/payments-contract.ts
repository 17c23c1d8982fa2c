// The contract of InvoicesPort.recordPayment, run against every adapter (host-adapters.test.ts):
// scoped by workspace AND client, refused (null, nothing written) for an amount over the balance,
// a settled invoice, another client's or workspace's invoice and malformed ids; a partial payment
// leaves the invoice open, the last one turns it paid; written inside the caller's transaction
// (HostWrite.trx), so a rollback leaves no payment behind. A payment an online provider took keeps
// the provider's id apart (providerReference), never as the reference a client may quote.
import { expect } from 'chai';
import type { HostAdapter, HostWorkspace } from '../../src/core/ports/host.ts';
import type { InvoicesPort, InvoiceSummary } from '../../src/features/invoices/port.ts';
import type { AdapterContractSetup } from './host-adapter-contract.ts';

const MALFORMED = ['abc', '-1', '1.5', '', '0', "1' or '1'='1", 'x'.repeat(500)];

export function describeRecordPaymentContract(name: string, setup: () => Promise<AdapterContractSetup>): void {
  describe(`host adapter contract: ${name}: recording payments`, function () {
    let ctx: AdapterContractSetup;
    let invoices: InvoicesPort;
    let workspace: HostWorkspace;
    let open: { clientId: string; invoice: InvoiceSummary };
    let otherClientId: string;

    before(async function () {
      ctx = await setup();
      const adapter: HostAdapter = ctx.adapter;
      if (!adapter.invoices) throw new Error(`${name} has no invoices port`);
      invoices = adapter.invoices;
      workspace = (await adapter.workspaces.findBySlug(ctx.fixture.workspaceSlug))!;
      const clients = await adapter.clients.list(workspace.id);
      for (const client of clients) {
        const page = await invoices.list(workspace.id, client.id, { status: ['open'] }, { limit: 50 });
        const invoice = page.items.find((item) => item.balanceCents > 100);
        if (invoice && !open) open = { clientId: client.id, invoice };
      }
      if (!open) throw new Error(`${name}: the fixture has no open invoice with a balance`);
      otherClientId = clients.find((client) => client.id !== open.clientId)!.id;
    });

    after(async function () {
      await ctx?.close();
    });

    const payment = (amountCents: number) => ({
      amountCents,
      method: 'card',
      reference: `contract-${amountCents}`,
      paidAt: new Date('2026-03-01T10:00:00Z'),
    });
    const current = async () => (await invoices.find(workspace.id, open.clientId, open.invoice.id))!;

    it("refuses an amount over the balance, another client's invoice, another workspace and malformed ids, writing nothing", async function () {
      const before = await current();
      expect(await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, payment(before.balanceCents + 1))).to.equal(null);
      expect(await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, payment(0))).to.equal(null);
      expect(await invoices.recordPayment!(workspace.id, otherClientId, open.invoice.id, payment(100))).to.equal(null);
      const other = ctx.fixture.otherWorkspaceSlug ? await ctx.adapter.workspaces.findBySlug(ctx.fixture.otherWorkspaceSlug) : null;
      if (other) expect(await invoices.recordPayment!(other.id, open.clientId, open.invoice.id, payment(100))).to.equal(null);
      for (const id of MALFORMED) {
        expect(await invoices.recordPayment!(workspace.id, open.clientId, id, payment(100)), `invoice ${id.slice(0, 20)}`).to.equal(null);
        expect(await invoices.recordPayment!(id, open.clientId, open.invoice.id, payment(100)), `workspace ${id.slice(0, 20)}`).to.equal(
          null,
        );
        expect(await invoices.recordPayment!(workspace.id, id, open.invoice.id, payment(100)), `client ${id.slice(0, 20)}`).to.equal(null);
      }
      expect(await current()).to.deep.equal(before);
    });

    it("writes in the caller's transaction: a rollback leaves no payment", async function () {
      const before = await current();
      await ctx.db
        .transaction(async (trx) => {
          const recorded = await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, payment(100), { trx });
          expect(recorded).to.not.equal(null);
          throw new Error('roll back');
        })
        .catch((err: Error) => expect(err.message).to.equal('roll back'));
      expect(await current()).to.deep.equal(before);
    });

    it("keeps an online provider's id apart from the reference a client may quote, written and read back", async function () {
      const online = {
        amountCents: 1,
        method: 'card',
        reference: 'demo:evt_contract',
        paidAt: new Date('2026-03-01T09:00:00Z'),
        provider: 'demo',
      };
      const recorded = await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, online);
      expect(recorded).to.not.equal(null);
      const read = (await current()).payments.find((p) => p.id === recorded!.id);
      expect(read, 'the payment read back').to.not.equal(undefined);
      for (const payment of [recorded!, read!]) {
        expect(payment.providerReference).to.equal('demo:evt_contract');
        expect(payment.reference ?? null).to.not.equal('demo:evt_contract');
        expect(payment.number ?? null).to.not.equal('demo:evt_contract');
      }
    });

    it('records a partial payment (still open), then the rest (paid), then refuses more', async function () {
      const before = await current();
      const first = await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, payment(100));
      expect(first).to.include({ amountCents: 100, method: 'card', reference: 'contract-100' });
      expect(first!.id).to.be.a('string').and.not.equal('');
      expect(first!.paidAt).to.be.instanceOf(Date);
      const partly = await current();
      expect(partly.status).to.equal('open');
      expect(partly.paidCents).to.equal(before.paidCents + 100);
      expect(partly.balanceCents).to.equal(before.balanceCents - 100);
      expect(partly.payments.map((p) => p.id)).to.include(first!.id);

      const rest = await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, payment(partly.balanceCents));
      expect(rest).to.not.equal(null);
      const settled = await current();
      expect(settled.status).to.equal('paid');
      expect(settled.balanceCents).to.equal(0);
      expect(settled.paidCents).to.equal(settled.totalCents);

      expect(await invoices.recordPayment!(workspace.id, open.clientId, open.invoice.id, payment(1))).to.equal(null);
      expect((await current()).payments).to.have.length(settled.payments.length);
    });
  });
}
