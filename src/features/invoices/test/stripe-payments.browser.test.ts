// In a real Chromium beside the reference CRM, with Stripe's SDK pointed at the stand-in
// (test/support/stripe-stand-in.ts): the admin chooses Stripe and tests the connection; Maria
// García pays an invoice's balance, lands on the stand-in's checkout page, pays there (the stand-in
// completes the session, sends the signed checkout.session.completed to the portal's webhook and
// redirects back), and the pay page says the payment was received and nothing is left to pay; a
// second checkout given up on the provider's page comes back saying it was cancelled. Every portal
// page on the way (pay page, each outcome, the staff payments page with its Stripe section and a
// connection test, the list of money received but not applied with a row, its Refund button and
// the list again after the refund) has no axe violations and no horizontal overflow at 390 px, and
// the console stays free of errors.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ListenError } from '../../../core/http/listen.ts';
import type { Browser, Page } from 'playwright-core';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';
import {
  expectAccessible,
  launchChromium,
  pagesClosedAfterEach,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { startStripeStandIn, type StripeStandIn } from '../../../../test/support/stripe-stand-in.ts';
import { onAFreePort } from '../../../../test/support/free-port.ts';

describe('paying an invoice with Stripe in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let stripe: StripeStandIn;
  let browser: Browser;
  let invoice: { id: string; workspaceId: string; clientId: string };
  const newPage = pagesClosedAfterEach(() => browser);

  before(async function () {
    stripe = await startStripeStandIn({ balance: [{ amount: 4_200, currency: 'eur' }] });
    // APP_URL (Stripe's return address) names the port before the portal listens on it.
    h = await onAFreePort(
      (port) =>
        startPortalHarness({
          boot: {
            port,
            appUrl: `http://127.0.0.1:${port}`,
            stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiBase: stripe.url },
          },
        }),
      (error) => error instanceof ListenError && error.code === 'EADDRINUSE',
    );
    stripe.webhookUrl = `${h.crm.url}/portal/demo/payments/callback/stripe`;
    browser = await launchChromium();
    invoice = await openInvoiceOf(h.crm.db, 'maria@northwind.test');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: invoice.workspaceId, allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(invoice.workspaceId);
  });
  after(async function () {
    await browser?.close();
    await h?.close();
    await stripe?.close();
  });
  async function clientPage(width: number, locale?: string): Promise<Page> {
    const { page } = await newPage({ width, locale });
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
    return page;
  }

  it('lets the admin choose Stripe and test the connection, at 390 px', async function () {
    const { page: staff } = await newPage({ width: 390 });
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await staffSignIn(staff, h.crm.url, admin);
    await staff.goto(`${h.crm.url}/settings/client-portal/payments`);
    await staff.selectOption('#online-provider', 'stripe');
    await Promise.all([staff.waitForURL(/saved=1/), staff.click('button:has-text("Save payment settings")')]);
    await expectAccessible(staff, 'staff payments page with Stripe');
    await Promise.all([staff.waitForLoadState('load'), staff.click('button:has-text("Test the connection")')]);
    expect(await staff.textContent('#stripe-connection')).to.include('Connected to Stripe in test mode. Available balance: €42.00.');
    await expectAccessible(staff, 'staff payments page after a connection test');
  });

  it('pays the balance on Stripe’s checkout and comes back to a paid invoice, at 390 px', async function () {
    const page = await clientPage(390);
    await page.goto(`${h.crm.url}/portal/demo/invoices/${invoice.id}/pay`);
    await expectAccessible(page, 'pay page');
    await page.click('form[action$="/pay"] button[type=submit]');
    await page.waitForURL((url) => url.href.startsWith(`${stripe.url}/c/pay/cs_test_`));
    expect(await page.textContent('h1')).to.match(/^Pay \d+\.\d{2} [A-Z]{3}$/);
    await page.click('button[value="pay"]');
    await page.waitForURL((url) => url.pathname === `/portal/demo/invoices/${invoice.id}/pay` && url.searchParams.has('payment'));
    expect(await page.getAttribute('[data-outcome]', 'data-outcome')).to.equal('paid');
    expect(await page.textContent('[data-outcome]')).to.include('has been received');
    expect(await page.textContent('#pay')).to.include('Nothing is left to pay on this invoice');
    await expectAccessible(page, 'pay page, paid');
    const detail = await h.crm.adapter.invoices!.find(invoice.workspaceId, invoice.clientId, invoice.id);
    expect(detail).to.include({ status: 'paid', balanceCents: 0 });
    const recorded = await h.crm
      .db('payments')
      .where({ workspace_id: invoice.workspaceId, invoice_id: invoice.id })
      .orderBy('id', 'desc')
      .first();
    expect(recorded.reference).to.match(/^pi_test_/);
  });

  it('comes back from a checkout given up on the provider’s page saying it was cancelled, at 390 px', async function () {
    const created = await createInvoice(h.crm.db, {
      workspaceId: Number(invoice.workspaceId),
      clientId: Number(invoice.clientId),
      status: 'sent',
      currency: 'EUR',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Hosting', quantity: 1, unitPriceCents: 9_900 }],
    });
    const page = await clientPage(390);
    await page.goto(`${h.crm.url}/portal/demo/invoices/${created.id}/pay`);
    await page.click('form[action$="/pay"] button[type=submit]');
    await page.waitForURL((url) => url.href.startsWith(`${stripe.url}/c/pay/`));
    await page.click('button[value="cancel"]');
    await page.waitForURL((url) => url.searchParams.get('cancelled') === '1');
    expect(await page.getAttribute('[data-outcome]', 'data-outcome')).to.equal('cancelled');
    await expectAccessible(page, 'pay page, cancelled');
    // The same outcome in German, for a reader whose browser asks for it.
    const german = await clientPage(390, 'de-DE');
    await german.goto(page.url());
    expect(await german.textContent('[data-outcome]')).to.include('wurde abgebrochen');
    await expectAccessible(german, 'pay page, cancelled, German');
  });

  it('lists money received but not applied to staff, with its Refund button, and refunds it through Stripe, at 390 px', async function () {
    // The money of the paid checkout above, as if a second checkout had paid the same balance.
    const paid = [...stripe.sessions.values()].find((session) => session.payment_status === 'paid');
    expect(paid, 'a session paid by the test above').to.not.equal(undefined);
    const id = randomUUID();
    await h.crm.db('client_unapplied_payments').insert({
      workspace_id: invoice.workspaceId,
      id,
      payment_id: paid!.client_reference_id,
      client_id: invoice.clientId,
      invoice_id: invoice.id,
      invoice_number: paid!.metadata.invoice_number ?? 'INV',
      provider: 'stripe',
      amount_cents: paid!.amount_total,
      currency: paid!.currency.toUpperCase(),
      reference: paid!.payment_intent!,
      reason: 'not_applicable',
    });
    const { page: staff } = await newPage({ width: 390 });
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await staffSignIn(staff, h.crm.url, admin);
    await staff.goto(`${h.crm.url}/settings/client-portal/payments/unapplied`);
    const refund = staff.locator(`#unapplied-${id} button[type=submit]`);
    expect(await refund.textContent()).to.match(/^\s*Refund /);
    await expectAccessible(staff, 'unapplied payments with one to refund');
    // Post/redirect/get: the answer is the list again, saying what happened.
    await Promise.all([staff.waitForURL(/\/payments\/unapplied\?refund=refunded$/), refund.click()]);
    expect(await staff.textContent('[role=status]')).to.include('Refunded: the money goes back to the client.');
    expect(await staff.locator(`#unapplied-${id} button`).count()).to.equal(0);
    expect(stripe.refunds.map((r) => r.payment_intent)).to.include(paid!.payment_intent);
    await expectAccessible(staff, 'unapplied payments after a refund');
  });
});
