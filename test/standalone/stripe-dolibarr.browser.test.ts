import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { insertClaireLogin, startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import { expectNoAxeViolations, expectNoOverflowAt390, launchChromium, openPage, type WatchedPage } from '../support/browser-pages.ts';
import { flagsFileFor, sixDigitCode } from '../support/portal-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.ts';
import { runPortal, serveOnAFreePort, stopPortal, type ServingPortal } from './portal-process.ts';
import { dolEncrypt } from '../dolibarr/dol-encrypt.ts';

type Row = Record<string, unknown>;

/** $dolibarr_main_instance_unique_id of this Dolibarr's conf.php. */
const INSTANCE_KEY = '7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6';

describe('paying a Dolibarr invoice with Stripe through the standalone portal in Chromium', function () {
  this.timeout(300_000);
  const reason = unavailable();
  let host: DolibarrHost;
  let stripe: StripeStandIn;
  let smtp: SmtpCapture;
  let serving: ServingPortal | undefined;
  let browser: Browser;
  let base: string;
  let bankAccountId: number;
  const pages: WatchedPage[] = [];

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    stripe = await startStripeStandIn();
    smtp = await startSmtpCapture();
    const { db, seed } = host;
    // What Dolibarr's Stripe and bank admin pages store (dolibarr_set_const, entity 1).
    const [account] = await db('llx_bank_account')
      .insert({
        ref: 'STRIPE',
        label: 'Stripe balance',
        entity: 1,
        currency_code: 'EUR',
        courant: 1,
        clos: 0,
        fk_pays: 1,
        datec: db.fn.now(),
      })
      .returning<Array<{ rowid: number }>>(['rowid']);
    bankAccountId = account!.rowid;
    const settings: Record<string, string> = {
      MAIN_MODULE_BANQUE: '1',
      MAIN_MODULE_STRIPE: '1',
      STRIPE_TEST_SECRET_KEY: dolEncrypt(stripe.secretKey, INSTANCE_KEY),
      STRIPE_TEST_WEBHOOK_KEY: dolEncrypt('whsec_DolibarrOwnIpnEndpoint', INSTANCE_KEY),
      STRIPE_BANK_ACCOUNT_FOR_PAYMENTS: String(bankAccountId),
    };
    for (const [name, value] of Object.entries(settings)) {
      await db('llx_const').where({ name, entity: 1 }).delete();
      await db('llx_const').insert({ name, entity: 1, value, type: 'chaine', visible: 0 });
    }

    const env = {
      DATABASE_URL: host.database.url,
      DOLIBARR_WORKSPACE_SLUG: seed.workspaceSlug,
      DOL_DATA_ROOT: host.dataRoot,
      DOLIBARR_INSTANCE_UNIQUE_ID: INSTANCE_KEY,
      STRIPE_API_BASE: stripe.url,
      // The portal endpoint's own signing secret: Dolibarr's webhook key is its own endpoint's.
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      FLAGS_FILE: flagsFileFor([seed.workspaceSlug]),
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'error',
    };
    const migrated = await runPortal(['migrate', '--host', 'dolibarr'], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    // The agency's part: Claire's login, online payments on, Stripe as the provider. No keys.
    await insertClaireLogin(db, seed);
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    await db('portal_payment_settings').insert({ workspace_id: '1', online_provider: 'stripe' }).onConflict('workspace_id').merge();
    serving = await serveOnAFreePort(['--host', 'dolibarr'], (port) => ({
      ...env,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
    }));
    base = serving.url;
    stripe.webhookUrl = `${base}/portal/${seed.workspaceSlug}/payments/callback/stripe`;
    browser = await launchChromium();
  });
  after(async function () {
    for (const watched of pages) await watched.context.close().catch(() => undefined);
    await browser?.close();
    await stopPortal(serving);
    await smtp?.stop();
    await stripe?.close();
    await host?.close();
  });
  afterEach(function () {
    for (const watched of pages) expect(watched.consoleErrors, 'console errors').to.deep.equal([]);
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("pays on Stripe's checkout and books the payment, with its bank line in the account Dolibarr names", async function () {
    const { db, seed } = host;
    const slug = seed.workspaceSlug;
    const invoiceId = seed.invoices.unpaid;
    const watched = await openPage(browser);
    pages.push(watched);
    const { page } = watched;

    await page.goto(`${base}/portal/${slug}/sign-in`);
    await page.fill('#email', 'claire@martin.example');
    await page.click('text=Email me a one-time code instead');
    await page.waitForSelector('#code');
    const message = await smtp.waitForMessage((m) => m.to.includes('claire@martin.example'), 15_000);
    await page.fill('#code', sixDigitCode(message.subject));
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('#dashboard-title');

    const { ref } = (await db('llx_facture').where({ rowid: invoiceId }).first('ref')) as { ref: string };
    await page.goto(`${base}/portal/${slug}/invoices/${invoiceId}`);
    expect(await page.textContent('main')).to.include(ref);
    await expectNoAxeViolations(page, 'invoice page');
    await expectNoOverflowAt390(page, 'invoice page');

    await page.goto(`${base}/portal/${slug}/invoices/${invoiceId}/pay`);
    await expectNoAxeViolations(page, 'pay page');
    await expectNoOverflowAt390(page, 'pay page');
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${stripe.url}/c/pay/cs_test_`)),
      page.click('form[action$="/pay"] button[type=submit]'),
    ]);
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/portal/${slug}/invoices/${invoiceId}/pay` && url.searchParams.has('payment')),
      page.click('button[value="pay"]'),
    ]);
    expect(await page.getAttribute('[data-outcome]', 'data-outcome')).to.equal('paid');
    expect(await page.textContent('#pay')).to.include('Nothing is left to pay on this invoice');
    await expectNoAxeViolations(page, 'pay page, paid');
    await expectNoOverflowAt390(page, 'pay page, paid');

    // The Checkout Session the SDK created was charged to Dolibarr's own key.
    const sessions = [...stripe.sessions.values()];
    expect(sessions).to.have.length(1);
    const paymentIntent = sessions[0]!.payment_intent;
    expect(paymentIntent).to.match(/^pi_test_/);

    const invoice = await db('llx_facture')
      .where({ rowid: invoiceId })
      .first<Row>(['fk_statut', 'paye', db.raw('total_ttc::text as total')]);
    expect(invoice).to.deep.include({ fk_statut: 2, paye: 1 });
    const payments = await db('llx_paiement')
      .where({ ext_payment_id: paymentIntent })
      .select<Row[]>(['rowid', 'fk_bank', 'ext_payment_site', 'num_paiement', db.raw('amount::text as amount')]);
    expect(payments).to.have.length(1);
    const payment = payments[0]!;
    expect(payment).to.deep.include({ ext_payment_site: 'StripeTest', num_paiement: '' });
    const allocations = await db('llx_paiement_facture').where({ fk_paiement: payment.rowid }).select<Row[]>(['fk_facture']);
    expect(allocations).to.deep.equal([{ fk_facture: invoiceId }]);

    const lines = await db('llx_bank')
      .where({ fk_account: bankAccountId })
      .select<Row[]>(['rowid', 'fk_type', db.raw('amount::text as amount')]);
    expect(lines).to.have.length(1);
    const line = lines[0]!;
    expect(payment.fk_bank).to.equal(line.rowid);
    expect(line).to.deep.include({ fk_type: 'CB', amount: payment.amount });
    const links = await db('llx_bank_url').where({ fk_bank: line.rowid }).orderBy('type', 'desc').select<Row[]>(['url_id', 'type']);
    expect(links).to.deep.equal([
      { url_id: payment.rowid, type: 'payment' },
      { url_id: seed.companies.bakery, type: 'company' },
    ]);
  });
});
