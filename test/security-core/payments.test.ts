// Paying invoices (src/features/invoices/payments) on a real database with the reference CRM's host adapter, without
// HTTP: the demo provider's callback signature (HMAC per workspace, five minutes either way, any
// change to the body refused), a callback recorded at most once per idempotency key (in sequence
// and concurrently), a checkout over the balance refused, money taken for another amount kept as
// unapplied (never applied, never dropped), partial payments
// until the invoice is paid, bank transfer reports, the payment tables scoped by workspace and
// client, and the pay form's amounts.
import { expect } from 'chai';
import { createHmac, randomUUID } from 'node:crypto';
import { createInvoice } from '../../plugins/reference-crm/queries/invoices.ts';
import {
  DemoCheckoutCommand,
  InvoiceIdParam,
  parseAmountCents,
  PayCommand,
  PaymentIdParam,
  PayPageQuery,
  ReportTransferCommand,
} from '../../src/features/invoices/payments/commands.ts';
import {
  createDemoProvider,
  DEMO_SIGNATURE_HEADER,
  type DemoPaymentEvent,
  type DemoProvider,
} from '../../src/features/invoices/payments/demo-provider.ts';
import type { PaymentProvider } from '../../src/core/ports/payment-provider.ts';
import {
  claimCallback,
  DEFAULT_PAYMENT_SETTINGS,
  findClientPayment,
  findPaymentSettings,
  insertClientPayment,
  savePaymentSettings,
} from '../../src/features/invoices/payments/queries.ts';
import { createPaymentService, type PayingClient, type PaymentService } from '../../src/features/invoices/payments/service.ts';
import { openReferenceCrmDatabase, type ReferenceCrmDatabase } from './reference-crm-database.ts';

const SECRET = 'payments-secret-'.padEnd(48, 'x');
const meta = { ip: '198.51.100.7', userAgent: 'test agent' };

describe('demo payment provider (callback signature)', function () {
  // Made per test, so what the provider is made of is part of each test.
  let demo: DemoProvider;
  beforeEach(function () {
    demo = createDemoProvider({ secret: SECRET });
  });
  const at = new Date('2026-11-22T12:00:00Z');
  const body: DemoPaymentEvent = {
    id: 'evt_1',
    type: 'payment.succeeded',
    payment: { id: '6f1c2a1e-8a4e-4b1a-9a59-3d7a2b7c1f00', amount_cents: 12_345, currency: 'EUR', paid_at: '2026-11-22T11:59:00Z' },
  };
  const verify = (rawBody: Buffer, signature: string | undefined, options: { workspaceId?: string; now?: Date } = {}) =>
    demo.verifySigned({
      workspaceId: options.workspaceId ?? '1',
      rawBody,
      header: (name) => (name === DEMO_SIGNATURE_HEADER ? signature : undefined),
      now: options.now ?? at,
    });

  it('accepts its own signed callback and reads the event from it', function () {
    const signed = demo.signedCallback('1', body, at);
    expect(signed.signature).to.match(/^t=1795348800,v1=[0-9a-f]{64}$/);
    expect(signed.rawBody.toString()).to.equal(JSON.stringify(body));
    expect(verify(signed.rawBody, signed.signature)).to.deep.equal({
      idempotencyKey: 'evt_1',
      paymentId: body.payment.id,
      outcome: 'succeeded',
      amountCents: 12_345,
      currency: 'EUR',
      reference: 'demo:evt_1',
      paidAt: new Date('2026-11-22T11:59:00Z'),
    });
    expect(verify(signed.rawBody, signed.signature.replace(',', ' , '))).to.not.equal(null);
    const failed = demo.signedCallback('1', { ...body, type: 'payment.failed' }, at);
    expect(verify(failed.rawBody, failed.signature)).to.include({ outcome: 'failed' });
    expect(DEMO_SIGNATURE_HEADER).to.equal('Demo-Signature');
    expect(demo).to.include({ id: 'demo', method: 'card', allowsPartial: true });
  });

  it("refuses a wrong, missing or malformed signature, another workspace's key and another secret", function () {
    const signed = demo.signedCallback('1', body, at);
    const [t, v1] = signed.signature.split(',');
    const flipped = v1!.slice(0, -1) + (v1!.endsWith('0') ? '1' : '0');
    expect(verify(signed.rawBody, `${t},${flipped}`)).to.equal(null);
    expect(verify(signed.rawBody, undefined)).to.equal(null);
    expect(verify(signed.rawBody, '')).to.equal(null);
    expect(verify(signed.rawBody, t)).to.equal(null);
    expect(verify(signed.rawBody, v1)).to.equal(null);
    expect(verify(signed.rawBody, `${t},${v1!.toUpperCase()}`)).to.equal(null);
    expect(verify(signed.rawBody, `${t},${v1}0`)).to.equal(null);
    expect(verify(signed.rawBody, `${t}x,${v1}`)).to.equal(null);
    expect(verify(signed.rawBody, `t=,${v1}`)).to.equal(null);
    expect(verify(signed.rawBody, `t=1234567890123,${v1}`)).to.equal(null);
    expect(verify(signed.rawBody, `x${t},${v1}`)).to.equal(null);
    expect(verify(signed.rawBody, signed.signature, { workspaceId: '2' })).to.equal(null);
    const other = createDemoProvider({ secret: `${SECRET}y` }).signedCallback('1', body, at);
    expect(verify(other.rawBody, other.signature)).to.equal(null);
  });

  it('refuses a tampered body: another amount, currency or payment', function () {
    const signed = demo.signedCallback('1', body, at);
    for (const tampered of [
      { ...body, payment: { ...body.payment, amount_cents: 12_346 } },
      { ...body, payment: { ...body.payment, currency: 'USD' } },
      { ...body, id: 'evt_2' },
    ]) {
      expect(verify(Buffer.from(JSON.stringify(tampered)), signed.signature)).to.equal(null);
    }
    expect(verify(Buffer.concat([signed.rawBody, Buffer.from(' ')]), signed.signature)).to.equal(null);
  });

  it('accepts within five minutes either way, not a second more', function () {
    const signed = demo.signedCallback('1', body, at);
    for (const seconds of [-300, 300, 0, 299.5])
      expect(verify(signed.rawBody, signed.signature, { now: new Date(at.getTime() + seconds * 1000) }), `${seconds}s`).to.not.equal(null);
    for (const seconds of [-301, 301, 300.5, -300.5])
      expect(verify(signed.rawBody, signed.signature, { now: new Date(at.getTime() + seconds * 1000) }), `${seconds}s`).to.equal(null);
  });

  it('refuses a well-signed body that is not JSON or not a payment event', function () {
    const cases: unknown[] = [
      { ...body, type: 'payment.refunded' },
      { ...body, id: '' },
      { ...body, id: 'x'.repeat(101) },
      { ...body, payment: { ...body.payment, id: 'not-a-uuid' } },
      { ...body, payment: { ...body.payment, amount_cents: 0 } },
      { ...body, payment: { ...body.payment, amount_cents: 1.5 } },
      { ...body, payment: { ...body.payment, currency: 'eur' } },
      { ...body, payment: { ...body.payment, paid_at: 'yesterday' } },
    ];
    for (const bad of cases) {
      const signed = demo.signedCallback('1', bad as DemoPaymentEvent, at);
      expect(verify(signed.rawBody, signed.signature), JSON.stringify(bad)).to.equal(null);
    }
    const longest = demo.signedCallback('1', { ...body, id: 'x'.repeat(100) }, at);
    expect(verify(longest.rawBody, longest.signature)).to.include({ idempotencyKey: 'x'.repeat(100) });
  });

  it('follows the documented scheme: HMAC-SHA256 of "<t>.<raw body>" under a per-workspace key from the secret', function () {
    // The scheme a provider implements (see demo-provider.ts): computed here independently.
    const sign = (raw: Buffer, t: number | string) => {
      const key = createHmac('sha256', SECRET).update('demo-payments:1').digest();
      return `t=${t},v1=${createHmac('sha256', key).update(`${t}.`).update(raw).digest('hex')}`;
    };
    const t = Math.floor(at.getTime() / 1000);
    const raw = Buffer.from(JSON.stringify(body));
    expect(demo.signedCallback('1', body, at).signature).to.equal(sign(raw, t));
    expect(verify(raw, sign(raw, t))).to.include({ idempotencyKey: 'evt_1' });
    // Correctly signed, but the timestamp is not 1 to 12 digits: refused before any arithmetic.
    for (const stamp of [`${t}x`, `x${t}`, `${t} `, `0${t}0`.padStart(13, '0'), ''])
      expect(verify(raw, sign(raw, stamp)), JSON.stringify(stamp)).to.equal(null);
    // Well signed, but not JSON, or JSON that is no event: refused.
    for (const text of ['not json', '{"id":', '"evt_1"', 'null', '[]']) {
      const bytes = Buffer.from(text);
      expect(verify(bytes, sign(bytes, t)), text).to.equal(null);
    }
  });

  it('sends the client to its own checkout page in the portal', async function () {
    expect(
      await demo.createCheckout({
        paymentId: 'p1',
        workspaceId: '1',
        invoiceNumber: 'INV-1',
        description: 'Invoice INV-1',
        amountCents: 1,
        currency: 'EUR',
        returnUrl: '/r',
        portalBase: '/portal/demo',
        appUrl: 'http://localhost:3000',
        locale: 'en',
        customerEmail: 'maria@northwind.test',
      }),
    ).to.deep.equal({ redirectUrl: '/portal/demo/payments/demo/p1' });
  });
});

describe('payment service (security core)', function () {
  this.timeout(120_000);
  let crm: ReferenceCrmDatabase;
  let service: PaymentService;
  let afterCalls = 0;
  const demo = createDemoProvider({ secret: SECRET });
  const _now = new Date();
  let client: PayingClient;

  async function newInvoice(cents = 50_000, status: 'sent' | 'draft' | 'paid' = 'sent') {
    const created = await createInvoice(crm.db, {
      workspaceId: Number(crm.workspaceId),
      clientId: Number(crm.clientId),
      status,
      currency: 'EUR',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Design work', quantity: 1, unitPriceCents: cents }],
    });
    return String(created.id);
  }

  async function checkout(invoiceId: string, amountCents: number, svc = service) {
    const found = (await svc.options(client, invoiceId))!;
    const started = await svc.start(
      client,
      found,
      {
        amountCents,
        portalBase: '/portal/demo',
        returnUrl: '/portal/demo/invoices',
        origin: undefined,
        locale: 'en',
        description: 'Invoice',
      },
      meta,
    );
    const match = /\/payments\/demo\/([0-9a-f-]{36})$/.exec((started as { redirectUrl: string }).redirectUrl ?? '');
    expect(match, JSON.stringify(started)).to.not.equal(null);
    return match![1]!;
  }

  function callback(
    paymentId: string,
    amountCents: number,
    options: { currency?: string; eventId?: string; type?: DemoPaymentEvent['type']; workspaceId?: string } = {},
  ) {
    const signed = demo.signedCallback(
      crm.workspaceId,
      {
        id: options.eventId ?? `evt_${randomUUID()}`,
        type: options.type ?? 'payment.succeeded',
        payment: { id: paymentId, amount_cents: amountCents, currency: options.currency ?? 'EUR', paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    return service.handleCallback(
      options.workspaceId ?? crm.workspaceId,
      'demo',
      { rawBody: signed.rawBody, header: (name) => (name === DEMO_SIGNATURE_HEADER ? signed.signature : undefined) },
      meta,
    );
  }

  const invoice = async (id: string) => (await crm.adapter.invoices!.find(crm.workspaceId, crm.clientId, id))!;
  const payment = (id: string) => crm.db('client_payments').where({ id }).first();
  const events = (event: string, paymentId: string) =>
    crm
      .db('client_activity_logs')
      .where({ workspace_id: crm.workspaceId, event })
      .whereRaw("details->>'paymentId' = ?", [paymentId])
      .select('*');

  before(async function () {
    crm = await openReferenceCrmDatabase('security-core-commerce');
    service = createPaymentService({
      appUrl: 'http://localhost:3000',
      db: crm.db,
      adapter: crm.adapter,
      providers: [demo],
      now: () => new Date(),
      afterActivity: () => {
        afterCalls += 1;
      },
    });
    const user = await crm
      .db('contacts')
      .where({ client_id: Number(crm.clientId) })
      .first('id', 'email');
    client = { workspaceId: crm.workspaceId, clientId: crm.clientId, clientUserId: randomUUID(), email: user.email };
    await crm.db('portal_payment_settings').where({ workspace_id: crm.workspaceId }).delete();
  });
  after(async function () {
    await crm?.close();
  });

  it("starts a checkout for the balance: a pending row, the activity, the provider's page", async function () {
    const invoiceId = await newInvoice();
    const found = await service.options(client, invoiceId);
    // The demo workspace's invoices carry its IBAN: a transfer is offered beside the online payment.
    expect(found).to.deep.include({ bankTransfer: true });
    expect(found!.provider).to.equal(demo);
    expect(found!.settings).to.deep.equal(DEFAULT_PAYMENT_SETTINGS);
    expect(service.payable(found!.invoice)).to.equal(true);
    const calls = afterCalls;
    const paymentId = await checkout(invoiceId, 50_000);
    expect(afterCalls).to.equal(calls + 1);
    expect(await payment(paymentId)).to.include({
      workspace_id: crm.workspaceId,
      client_id: crm.clientId,
      client_user_id: client.clientUserId,
      invoice_id: invoiceId,
      invoice_number: found!.invoice.number,
      provider: 'demo',
      currency: 'EUR',
      status: 'pending',
      host_payment_id: null,
      completed_at: null,
    });
    expect(Number((await payment(paymentId)).amount_cents)).to.equal(50_000);
    const [started] = await events('invoice.payment_started', paymentId);
    expect(started).to.include({
      client_user_id: client.clientUserId,
      client_id: crm.clientId,
      email: client.email,
      ip: meta.ip,
      user_agent: meta.userAgent,
    });
    expect(started.details).to.deep.equal({
      invoiceId,
      invoiceNumber: found!.invoice.number,
      amountCents: 50_000,
      currency: 'EUR',
      provider: 'demo',
      paymentId,
    });
    expect((await service.checkout(client, paymentId))?.id).to.equal(paymentId);
    expect(await service.checkout({ ...client, clientId: crm.otherClientId }, paymentId)).to.equal(null);
    expect(service.provider('demo')).to.equal(demo);
    expect(service.provider('stripe')).to.equal(null);
  });

  it('refuses more than the balance, an invoice not open, no provider, and a partial amount where the provider takes none', async function () {
    const invoiceId = await newInvoice(10_000);
    const found = (await service.options(client, invoiceId))!;
    const start = (amountCents: number, options = found) =>
      service.start(
        client,
        options,
        { amountCents, portalBase: '/p', returnUrl: '/r', origin: undefined, locale: 'en', description: 'Invoice' },
        meta,
      );
    expect(await start(10_001)).to.deep.equal({ error: 'amount_too_high' });
    expect(await start(10_000, { ...found, provider: null })).to.deep.equal({ error: 'no_provider' });
    const wholeOnly: PaymentProvider = { ...demo, id: 'whole', allowsPartial: false };
    expect(await start(9_999, { ...found, provider: wholeOnly })).to.deep.equal({ error: 'partial_not_allowed' });
    expect(await start(10_000, { ...found, provider: wholeOnly })).to.have.property('redirectUrl');
    expect(await start(10_000, { ...found, invoice: { ...found.invoice, status: 'paid' } })).to.deep.equal({ error: 'not_payable' });
    expect(await start(10_000, { ...found, invoice: { ...found.invoice, balanceCents: 0 } })).to.deep.equal({ error: 'not_payable' });
    expect(service.payable({ ...found.invoice, balanceCents: 1 })).to.equal(true);
    expect(service.payable({ ...found.invoice, status: 'void' })).to.equal(false);
    const draft = await newInvoice(10_000, 'draft');
    expect(await service.options(client, draft)).to.equal(null);
    expect(await service.options({ ...client, clientId: crm.otherClientId }, invoiceId)).to.equal(null);
    const noInvoices = createPaymentService({
      appUrl: 'http://localhost:3000',
      db: crm.db,
      adapter: { ...crm.adapter, invoices: undefined },
      providers: [demo],
      now: () => new Date(),
    });
    expect(await noInvoices.options(client, invoiceId)).to.equal(null);
    expect(await crm.db('client_payments').where({ invoice_id: invoiceId, provider: 'demo' })).to.deep.equal([]);
  });

  it('records a partial payment, then the rest, and the invoice is paid', async function () {
    const invoiceId = await newInvoice(50_000);
    const first = await checkout(invoiceId, 20_000);
    const calls = afterCalls;
    const result = await callback(first, 20_000, { eventId: `evt_first_${first}` });
    expect(result).to.deep.equal({ outcome: 'recorded', paymentId: first, invoiceId });
    expect(afterCalls).to.equal(calls + 1);
    expect(await invoice(invoiceId)).to.include({ paidCents: 20_000, balanceCents: 30_000, status: 'open' });
    const row = await payment(first);
    expect(row).to.include({ status: 'recorded' });
    expect(row.host_payment_id).to.be.a('string').and.not.equal('');
    expect(row.completed_at).to.be.instanceOf(Date);
    expect(
      await crm
        .db('client_payment_callbacks')
        .where({ idempotency_key: `evt_first_${first}` })
        .first(),
    ).to.include({ outcome: 'recorded', payment_id: first, workspace_id: crm.workspaceId, provider: 'demo' });
    const [recorded] = await events('invoice.payment_recorded', first);
    expect(recorded).to.include({ client_user_id: client.clientUserId, client_id: crm.clientId, ip: meta.ip, user_agent: meta.userAgent });
    expect(recorded.details).to.deep.include({
      invoiceId,
      amountCents: 20_000,
      currency: 'EUR',
      provider: 'demo',
      paymentId: first,
      hostPaymentId: row.host_payment_id,
    });
    const hostPayment = (await invoice(invoiceId)).payments.find((p) => p.id === row.host_payment_id)!;
    // The provider's id is kept for staff, apart from the reference a client may quote.
    expect(hostPayment).to.include({ amountCents: 20_000, method: 'card', reference: null, providerReference: `demo:evt_first_${first}` });

    const rest = await checkout(invoiceId, 30_000);
    expect((await callback(rest, 30_000)).outcome).to.equal('recorded');
    expect(await invoice(invoiceId)).to.include({ balanceCents: 0, status: 'paid' });
  });

  it('records a callback delivered twice, or twice at once, only once', async function () {
    const invoiceId = await newInvoice(40_000);
    const paymentId = await checkout(invoiceId, 10_000);
    const eventId = `evt_twice_${paymentId}`;
    expect((await callback(paymentId, 10_000, { eventId })).outcome).to.equal('recorded');
    const calls = afterCalls;
    expect(await callback(paymentId, 10_000, { eventId })).to.deep.equal({ outcome: 'duplicate' });
    expect(afterCalls).to.equal(calls);
    const again = await checkout(invoiceId, 10_000);
    const results = await Promise.all([1, 2, 3].map(() => callback(again, 10_000, { eventId: `evt_race_${again}` })));
    expect(results.filter((r) => r.outcome === 'recorded')).to.have.length(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).to.have.length(2);
    expect(await invoice(invoiceId)).to.include({ paidCents: 20_000 });
    // A second event for a payment already recorded is refused, and nothing more is paid.
    expect(await callback(paymentId, 10_000)).to.deep.equal({ outcome: 'refused', reason: 'payment already recorded' });
    expect(await invoice(invoiceId)).to.include({ paidCents: 20_000 });
  });

  it('applies nothing whose amount or currency differs from the checkout (kept as unapplied), nor a reported failure', async function () {
    const invoiceId = await newInvoice(40_000);
    const tampered = await checkout(invoiceId, 10_000);
    const kept = await callback(tampered, 10_001);
    expect(kept).to.deep.include({ outcome: 'unapplied', reason: 'amount_differs' });
    expect(await payment(tampered)).to.include({ status: 'unapplied', host_payment_id: null });
    expect((await payment(tampered)).completed_at).to.be.instanceOf(Date);
    const currency = await checkout(invoiceId, 10_000);
    expect(await callback(currency, 10_000, { currency: 'USD' })).to.deep.include({ outcome: 'unapplied', reason: 'amount_differs' });
    expect(await crm.db('client_unapplied_payments').where({ invoice_id: invoiceId }).orderBy('received_at')).to.have.length(2);
    const failed = await checkout(invoiceId, 10_000);
    expect(await callback(failed, 10_000, { type: 'payment.failed' })).to.deep.equal({
      outcome: 'refused',
      reason: 'the provider reports a failure',
    });
    expect(await payment(failed)).to.include({ status: 'refused' });
    expect(await invoice(invoiceId)).to.include({ paidCents: 0, balanceCents: 40_000 });
    // A later payment that succeeds marks its own callback recorded, and no other.
    const good = await checkout(invoiceId, 10_000);
    expect((await callback(good, 10_000)).outcome).to.equal('recorded');
    const claimed = await crm.db('client_payment_callbacks').where({ payment_id: tampered }).first();
    expect(claimed).to.include({ outcome: 'unapplied' });
    expect(await crm.db('client_payment_callbacks').where({ payment_id: good }).first()).to.include({ outcome: 'recorded' });
    expect(await events('invoice.payment_recorded', tampered)).to.deep.equal([]);
  });

  it("keeps one pending checkout per invoice, keeps money over what is left as unapplied, and refuses an unknown or another workspace's checkout", async function () {
    const invoiceId = await newInvoice(30_000);
    const whole = await checkout(invoiceId, 30_000);
    // Pay again for the same amount: the same checkout. Another amount closes it first.
    expect(await checkout(invoiceId, 30_000)).to.equal(whole);
    const part = await checkout(invoiceId, 10_000);
    expect(await payment(whole)).to.include({ status: 'cancelled' });
    expect((await callback(part, 10_000)).outcome).to.equal('recorded');
    // The rest is paid in the CRM; then the closed checkout's money arrives after all (the host
    // refuses it: over what is left). It is kept, not dropped.
    await crm.adapter.invoices!.recordPayment!(crm.workspaceId, crm.clientId, invoiceId, {
      amountCents: 20_000,
      method: 'bank_transfer',
      reference: null,
      paidAt: new Date(),
      provider: null,
    });
    const calls = afterCalls;
    expect(await callback(whole, 30_000)).to.deep.include({ outcome: 'unapplied', reason: 'checkout_closed' });
    expect(afterCalls).to.equal(calls + 1);
    expect(await payment(whole)).to.include({ status: 'unapplied', host_payment_id: null });
    expect(await invoice(invoiceId)).to.include({ paidCents: 30_000, status: 'paid' });
    expect(await events('invoice.payment_recorded', whole)).to.deep.equal([]);
    expect(await events('invoice.payment_unapplied', whole)).to.have.length(1);
    expect(await callback(randomUUID(), 100)).to.deep.equal({ outcome: 'refused', reason: 'unknown payment' });
    // Signed for another workspace, naming this workspace's checkout: not found there.
    const fresh = await checkout(await newInvoice(5_000), 5_000);
    const signed = demo.signedCallback(
      crm.otherWorkspaceId,
      {
        id: `evt_${randomUUID()}`,
        type: 'payment.succeeded',
        payment: { id: fresh, amount_cents: 5_000, currency: 'EUR', paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    const header = (name: string) => (name === DEMO_SIGNATURE_HEADER ? signed.signature : undefined);
    expect(await service.handleCallback(crm.otherWorkspaceId, 'demo', { rawBody: signed.rawBody, header }, meta)).to.deep.equal({
      outcome: 'refused',
      reason: 'unknown payment',
    });
    expect(await payment(fresh)).to.include({ status: 'pending' });
  });

  it('answers invalid for a bad signature, an unknown provider, or a host without invoices, recording nothing', async function () {
    const paymentId = await checkout(await newInvoice(5_000), 5_000);
    const signed = demo.signedCallback(
      crm.workspaceId,
      {
        id: `evt_${paymentId}`,
        type: 'payment.succeeded',
        payment: { id: paymentId, amount_cents: 5_000, currency: 'EUR', paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    const header = (name: string) => (name === DEMO_SIGNATURE_HEADER ? signed.signature : undefined);
    expect(await service.handleCallback(crm.workspaceId, 'demo', { rawBody: signed.rawBody, header: () => undefined }, meta)).to.deep.equal(
      { outcome: 'invalid' },
    );
    expect(await service.handleCallback(crm.workspaceId, 'stripe', { rawBody: signed.rawBody, header }, meta)).to.deep.equal({
      outcome: 'invalid',
    });
    const noInvoices = createPaymentService({
      appUrl: 'http://localhost:3000',
      db: crm.db,
      adapter: { ...crm.adapter, invoices: undefined },
      providers: [demo],
      now: () => new Date(),
    });
    expect(await noInvoices.handleCallback(crm.workspaceId, 'demo', { rawBody: signed.rawBody, header }, meta)).to.deep.equal({
      outcome: 'invalid',
    });
    // Past the tolerance of the service's own clock.
    const late = createPaymentService({
      appUrl: 'http://localhost:3000',
      db: crm.db,
      adapter: crm.adapter,
      providers: [demo],
      now: () => new Date(Date.now() + 3_600_000),
    });
    expect(await late.handleCallback(crm.workspaceId, 'demo', { rawBody: signed.rawBody, header }, meta)).to.deep.equal({
      outcome: 'invalid',
    });
    expect(await crm.db('client_payment_callbacks').where({ payment_id: paymentId })).to.deep.equal([]);
    expect(await payment(paymentId)).to.include({ status: 'pending' });
    expect((await service.handleCallback(crm.workspaceId, 'demo', { rawBody: signed.rawBody, header }, meta)).outcome).to.equal('recorded');
  });

  it('logs a bank transfer report without changing the invoice, only where transfers are offered', async function () {
    const invoiceId = await newInvoice(7_000);
    // Without the workspace's bank account on its invoices and without instructions, no transfer is offered.
    const workspace = { id: Number(crm.workspaceId) };
    const bank = await crm.db('workspaces').where(workspace).first('iban');
    await crm.db('workspaces').where(workspace).update({ iban: null });
    try {
      expect(await service.reportTransfer(client, invoiceId, { reference: 'REF-1' }, meta)).to.equal(null);
      await savePaymentSettings(
        crm.db,
        crm.workspaceId,
        { ...DEFAULT_PAYMENT_SETTINGS, bankTransferInstructions: 'IBAN DE89', onlineProvider: 'demo' },
        'staff-1',
      );
      expect(await service.options(client, invoiceId)).to.deep.include({ bankTransfer: true });
      const calls = afterCalls;
      expect(await service.reportTransfer(client, invoiceId, { reference: 'REF-1' }, meta)).to.equal('reported');
      expect(afterCalls).to.equal(calls + 1);
      const [reported] = await crm
        .db('client_activity_logs')
        .where({ workspace_id: crm.workspaceId, event: 'invoice.payment_reported' })
        .whereRaw("details->>'invoiceId' = ?", [invoiceId]);
      expect(reported).to.include({
        client_user_id: client.clientUserId,
        client_id: crm.clientId,
        email: client.email,
        ip: meta.ip,
        user_agent: meta.userAgent,
      });
      expect(reported.details).to.deep.include({ invoiceId, balanceCents: 7_000, currency: 'EUR', reference: 'REF-1' });
      expect(await invoice(invoiceId)).to.include({ paidCents: 0, status: 'open' });
      const paid = await newInvoice(1_000, 'paid');
      expect(await service.reportTransfer(client, paid, { reference: null }, meta)).to.equal('not_payable');
      expect(await service.reportTransfer({ ...client, clientId: crm.otherClientId }, invoiceId, { reference: null }, meta)).to.equal(null);
      // Instructions of blanks only are none.
      await savePaymentSettings(
        crm.db,
        crm.workspaceId,
        { ...DEFAULT_PAYMENT_SETTINGS, bankTransferInstructions: '  \n ', onlineProvider: 'other' },
        'staff-1',
      );
      expect(await findPaymentSettings(crm.db, crm.workspaceId)).to.deep.equal({
        ...DEFAULT_PAYMENT_SETTINGS,
        bankTransferInstructions: null,
        onlineProvider: 'other',
      });
      expect(await service.options(client, invoiceId)).to.deep.include({ bankTransfer: false, provider: null });
    } finally {
      await crm.db('portal_payment_settings').where({ workspace_id: crm.workspaceId }).delete();
      await crm.db('workspaces').where(workspace).update({ iban: bank.iban });
    }
    expect(await findPaymentSettings(crm.db, crm.workspaceId)).to.deep.equal(DEFAULT_PAYMENT_SETTINGS);
  });

  it('works without an after-activity hook, and reads saved settings without instructions', async function () {
    const quiet = createPaymentService({
      appUrl: 'http://localhost:3000',
      db: crm.db,
      adapter: crm.adapter,
      providers: [demo],
      now: () => new Date(),
    });
    const invoiceId = await newInvoice(3_000);
    const paymentId = await checkout(invoiceId, 3_000, quiet);
    const signed = demo.signedCallback(
      crm.workspaceId,
      {
        id: `evt_${paymentId}`,
        type: 'payment.succeeded',
        payment: { id: paymentId, amount_cents: 3_000, currency: 'EUR', paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    const header = (name: string) => (name === DEMO_SIGNATURE_HEADER ? signed.signature : undefined);
    expect((await quiet.handleCallback(crm.workspaceId, 'demo', { rawBody: signed.rawBody, header }, meta)).outcome).to.equal('recorded');
    await savePaymentSettings(
      crm.db,
      crm.workspaceId,
      { ...DEFAULT_PAYMENT_SETTINGS, bankTransferInstructions: null, onlineProvider: 'demo' },
      'staff-1',
    );
    try {
      expect(await findPaymentSettings(crm.db, crm.workspaceId)).to.deep.equal({
        ...DEFAULT_PAYMENT_SETTINGS,
        bankTransferInstructions: null,
        onlineProvider: 'demo',
      });
      await savePaymentSettings(
        crm.db,
        crm.workspaceId,
        { ...DEFAULT_PAYMENT_SETTINGS, bankTransferInstructions: 'IBAN DE89', onlineProvider: 'demo' },
        'staff-1',
      );
      expect(await findPaymentSettings(crm.db, crm.workspaceId)).to.deep.equal({
        ...DEFAULT_PAYMENT_SETTINGS,
        bankTransferInstructions: 'IBAN DE89',
        onlineProvider: 'demo',
      });
      expect(await quiet.reportTransfer(client, await newInvoice(1_000), { reference: null }, meta)).to.equal('reported');
      expect(await findPaymentSettings(crm.db, crm.otherWorkspaceId)).to.deep.equal(DEFAULT_PAYMENT_SETTINGS);
    } finally {
      await crm.db('portal_payment_settings').where({ workspace_id: crm.workspaceId }).delete();
    }
  });

  it('keeps each checkout to its workspace and client, and each event key to one claim', async function () {
    const id = randomUUID();
    await insertClientPayment(crm.db, {
      id,
      workspaceId: crm.workspaceId,
      clientId: crm.clientId,
      clientUserId: randomUUID(),
      invoiceId: '1',
      invoiceNumber: 'INV',
      provider: 'demo',
      amountCents: 1,
      currency: 'EUR',
    });
    expect((await findClientPayment(crm.db, { workspaceId: crm.workspaceId, clientId: crm.clientId, paymentId: id }))?.id).to.equal(id);
    expect(await findClientPayment(crm.db, { workspaceId: crm.otherWorkspaceId, clientId: crm.clientId, paymentId: id })).to.equal(null);
    expect(await findClientPayment(crm.db, { workspaceId: crm.workspaceId, clientId: crm.otherClientId, paymentId: id })).to.equal(null);
    const key = `evt_claim_${id}`;
    const claim = (provider: string) =>
      crm.db.transaction((trx) =>
        claimCallback(trx, { workspaceId: crm.workspaceId, provider, idempotencyKey: key, paymentId: id, outcome: 'refused' }),
      );
    expect(await claim('demo')).to.equal(true);
    expect(await claim('demo')).to.equal(false);
    expect(await claim('other')).to.equal(true);
  });
});

describe('payment form schemas', function () {
  it('reads amounts as integer cents', function () {
    expect(parseAmountCents('250')).to.equal(25_000);
    expect(parseAmountCents('250.5')).to.equal(25_050);
    expect(parseAmountCents(' 250,05 ')).to.equal(25_005);
    expect(parseAmountCents('0.01')).to.equal(1);
    expect(parseAmountCents('999999999999.99')).to.equal(99_999_999_999_999);
    for (const bad of ['', '1.234', '1,2,3', '-1', '1e3', 'abc', '1 000', '1234567890123', '.5', '1.'])
      expect(parseAmountCents(bad), bad).to.equal(null);
  });

  it('pays the whole balance or a positive amount', function () {
    expect(PayCommand.parse({ choice: 'full', amount: 'junk' })).to.deep.equal({ choice: 'full', amountText: '', amountCents: null });
    expect(PayCommand.parse({ choice: 'partial', amount: '12,5' })).to.deep.equal({
      choice: 'partial',
      amountText: '12,5',
      amountCents: 1250,
    });
    const issues = (input: unknown) => {
      const r = PayCommand.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`);
    };
    expect(issues({ choice: 'partial', amount: '0' })).to.deep.equal(['amount:payments:errors.amount']);
    expect(issues({ choice: 'partial' })).to.deep.equal(['amount:payments:errors.amount']);
    expect(issues({ choice: 'partial', amount: 'x' })).to.deep.equal(['amount:payments:errors.amount']);
    expect(issues({ choice: 'some' })).to.deep.equal(['choice:payments:errors.choice']);
    const tooLong = PayCommand.safeParse({ choice: 'partial', amount: '1'.repeat(41) });
    expect(tooLong.success ? [] : tooLong.error.issues.map((i) => i.code)).to.deep.equal(['too_big']);
  });

  it('checks the transfer reference, the demo checkout action and the ids', function () {
    expect(ReportTransferCommand.parse({ reference: '  REF ' })).to.deep.equal({ reference: 'REF' });
    expect(ReportTransferCommand.parse({ reference: '  ' })).to.deep.equal({ reference: null });
    expect(ReportTransferCommand.parse({})).to.deep.equal({ reference: null });
    const long = ReportTransferCommand.safeParse({ reference: 'r'.repeat(121) });
    expect(long.success ? '' : long.error.issues[0]!.message).to.equal('payments:errors.reference');
    expect(ReportTransferCommand.safeParse({ reference: 'r'.repeat(120) }).success).to.equal(true);
    expect(DemoCheckoutCommand.parse({ action: 'pay' })).to.deep.equal({ action: 'pay' });
    const bad = DemoCheckoutCommand.safeParse({ action: 'steal' });
    expect(bad.success ? '' : bad.error.issues[0]!.message).to.equal('payments:errors.choice');
    expect(PaymentIdParam.safeParse(randomUUID()).success).to.equal(true);
    expect(PaymentIdParam.safeParse('1').success).to.equal(false);
    expect(InvoiceIdParam.safeParse('').success).to.equal(false);
    expect(InvoiceIdParam.safeParse('x'.repeat(64)).success).to.equal(true);
    expect(InvoiceIdParam.safeParse('x'.repeat(65)).success).to.equal(false);
    expect(PayPageQuery.parse({ reported: '1' })).to.deep.equal({ reported: true, payment: null, cancelled: false });
    expect(PayPageQuery.parse({ reported: 'yes' })).to.deep.equal({ reported: false, payment: null, cancelled: false });
    expect(PayPageQuery.parse({})).to.deep.equal({ reported: false, payment: null, cancelled: false });
    const id = '6f1c2a1e-8a4e-4b1a-9a59-3d7a2b7c1f00';
    expect(PayPageQuery.parse({ payment: id, cancelled: '1' })).to.deep.equal({ reported: false, payment: id, cancelled: true });
    for (const payment of ['nope', ['a', 'b'], { id }, `${id}'`]) expect(PayPageQuery.parse({ payment }).payment).to.equal(null);
  });
});
