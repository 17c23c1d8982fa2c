// In a real Chromium, through `npm run portal -- serve` running as a child process beside a CRM
// that is not Node: staff sign in with their CRM account (the sign-in page has no axe violations
// and fits 390 px), a client signs in with a one-time code read from a real SMTP server, opens the
// dashboard, the proposals (or quotations: Alga PSA has only quotes), an invoice and its PDF,
// accepts an offer and pays an invoice with the demo provider; the CRM's own rows show both. Where
// the CRM keeps the client's password (Alga PSA), the client also signs in with it. Each CRM binding
// is one entry of JOURNEY_HOSTS.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { startAlgaHost, unavailable as algaUnavailable, type AlgaHost } from '../alga-psa/alga-host.ts';
import { ADMIN_PASSWORD, CLAIRE_PASSWORD, NEXTAUTH_SECRET } from '../alga-psa/seed.ts';
import { insertClaireLogin, startDolibarrHost, unavailable as dolibarrUnavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import { expectNoAxeViolations, expectNoOverflowAt390, launchChromium, openPage, type WatchedPage } from '../support/browser-pages.ts';
import { flagsFileFor, sixDigitCode } from '../support/portal-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';
import { runPortal, serveOnAFreePort, stopPortal, type ServingPortal } from './portal-process.ts';

/** What a journey needs from a CRM: its settings, who signs in, and which records to use. */
interface JourneyHost {
  host: string;
  crmName: string;
  env: Record<string, string>;
  slug: string;
  staff: { login: string; password: string };
  /** `password`: the client's password kept by the CRM itself, where it keeps one. */
  client: { email: string; name: string; password?: string };
  /** The open offer the client accepts, in its section of the portal. */
  offer: { section: 'proposals' | 'quotations'; id: string; ref: string };
  invoice: { id: string; ref: string };
  /** After migrate: what the agency would have done (the client's login, online payments on). */
  prepare(): Promise<void>;
  offerAccepted(): Promise<boolean>;
  invoicePaid(): Promise<boolean>;
  close(): Promise<void>;
}

interface JourneyHostFactory {
  name: string;
  /** The CRM keeps the client's password (the journey then signs in with it too). */
  keepsClientPasswords: boolean;
  unavailable(): string | null;
  start(): Promise<JourneyHost>;
}

const dolibarr: JourneyHostFactory = {
  name: 'dolibarr',
  keepsClientPasswords: false,
  unavailable: dolibarrUnavailable,
  async start() {
    const host: DolibarrHost = await startDolibarrHost();
    const { db, seed } = host;
    const ref = async (table: string, rowid: number) => ((await db(table).where({ rowid }).first('ref')) as { ref: string }).ref;
    return {
      host: 'dolibarr',
      crmName: 'Dolibarr',
      env: { DATABASE_URL: host.database.url, DOLIBARR_WORKSPACE_SLUG: seed.workspaceSlug, DOL_DATA_ROOT: host.dataRoot },
      slug: seed.workspaceSlug,
      staff: { login: 'admin', password: 'Admin-dolibarr-2026' },
      client: { email: 'claire@martin.example', name: 'Claire' },
      offer: { section: 'proposals', id: String(seed.proposals.accept), ref: await ref('llx_propal', seed.proposals.accept) },
      invoice: { id: String(seed.invoices.unpaid), ref: await ref('llx_facture', seed.invoices.unpaid) },
      async prepare() {
        // The seed's proposal expired in February; the agency extends it, as Dolibarr's card allows.
        await db('llx_propal').where({ rowid: seed.proposals.accept }).update({ fin_validite: '2099-12-31 23:59:59' });
        await insertClaireLogin(db, seed);
        await db('workspace_client_portal_settings')
          .insert({ workspace_id: '1', allow_online_payments: true })
          .onConflict('workspace_id')
          .merge();
      },
      offerAccepted: async () =>
        ((await db('llx_propal').where({ rowid: seed.proposals.accept }).first('fk_statut')) as { fk_statut: number }).fk_statut === 2,
      invoicePaid: async () =>
        ((await db('llx_facture').where({ rowid: seed.invoices.unpaid }).first('paye')) as { paye: number }).paye === 1,
      close: () => host.close(),
    };
  },
};

const algaPsa: JourneyHostFactory = {
  name: 'alga-psa',
  keepsClientPasswords: true,
  unavailable: algaUnavailable,
  async start() {
    const host: AlgaHost = await startAlgaHost();
    const { db, seed } = host;
    const tenant = seed.tenant;
    const quote = (await db('quotes').where({ tenant, quote_id: seed.quotes.accept }).first('quote_number')) as { quote_number: string };
    const invoice = (await db('invoices').where({ tenant, invoice_id: seed.invoices.unpaid }).first('invoice_number')) as {
      invoice_number: string;
    };
    return {
      host: 'alga-psa',
      crmName: 'Alga PSA',
      env: {
        DATABASE_URL: host.database.url,
        NEXTAUTH_SECRET,
        ALGA_WORKSPACE_SLUGS: `northwind=${tenant}`,
        ALGA_STORAGE_ROOT: host.storageRoot,
        ALGA_BASE_URL: 'https://psa.northwind.example',
      },
      slug: 'northwind',
      staff: { login: 'alice@northwind.example', password: ADMIN_PASSWORD },
      // Claire's client login is Alga's own users row: the portal links its record on first sign-in.
      client: { email: 'claire@harbor.example', name: 'Claire', password: CLAIRE_PASSWORD },
      offer: { section: 'quotations', id: seed.quotes.accept, ref: quote.quote_number },
      invoice: { id: seed.invoices.unpaid, ref: invoice.invoice_number },
      async prepare() {
        // The seed's logo lives on a CDN this offline browser cannot reach (a console error): the
        // journey runs with Alga's colour alone.
        await db('tenant_settings')
          .where({ tenant })
          .update({ settings: { branding: { primaryColor: '#1F6FEB' } } });
        await db('workspace_client_portal_settings')
          .insert({ workspace_id: tenant, allow_online_payments: true })
          .onConflict('workspace_id')
          .merge();
      },
      offerAccepted: async () =>
        ((await db('quotes').where({ tenant, quote_id: seed.quotes.accept }).first('status')) as { status: string }).status === 'accepted',
      invoicePaid: async () =>
        ((await db('invoices').where({ tenant, invoice_id: seed.invoices.unpaid }).first('status')) as { status: string }).status ===
        'paid',
      close: () => host.close(),
    };
  },
};

const JOURNEY_HOSTS: JourneyHostFactory[] = [dolibarr, algaPsa];

for (const factory of JOURNEY_HOSTS) {
  describe(`the standalone portal beside ${factory.name} in Chromium`, function () {
    this.timeout(300_000);
    const reason = factory.unavailable();
    let crm: JourneyHost;
    let smtp: SmtpCapture;
    let serving: ServingPortal | undefined;
    let browser: Browser;
    let base: string;
    const pages: WatchedPage[] = [];

    before(async function () {
      if (reason) this.skip();
      crm = await factory.start();
      smtp = await startSmtpCapture();
      const env = {
        ...crm.env,
        FLAGS_FILE: flagsFileFor([crm.slug]),
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'error',
        PAYMENTS_DEMO_PROVIDER: 'on',
      };
      const migrated = await runPortal(['migrate', '--host', crm.host], env);
      expect(migrated.code, migrated.stderr).to.equal(0);
      await crm.prepare();
      serving = await serveOnAFreePort(['--host', crm.host], (port) => ({
        ...env,
        PORT: String(port),
        APP_URL: `http://127.0.0.1:${port}`,
      }));
      base = serving.url;
      browser = await launchChromium();
    });
    after(async function () {
      for (const watched of pages) await watched.context.close().catch(() => undefined);
      await browser?.close();
      await stopPortal(serving);
      await smtp?.stop();
      await crm?.close();
    });
    afterEach(function () {
      for (const watched of pages) expect(watched.consoleErrors, 'console errors').to.deep.equal([]);
    });

    if (reason) it(`is skipped: ${reason}`, () => {});

    it(`signs staff in with their ${factory.name} account on an accessible page that fits 390 px`, async function () {
      const watched = await openPage(browser);
      pages.push(watched);
      const { page } = watched;
      await page.goto(`${base}/staff/sign-in`);
      await expectNoAxeViolations(page, 'staff sign-in');
      await expectNoOverflowAt390(page, 'staff sign-in');
      await page.fill('#login', crm.staff.login);
      await page.fill('#password', 'not the password');
      await page.press('#password', 'Enter');
      await page.waitForSelector('#sign-in-error');
      // The refusal is a 401 page, which Chromium reports in the console: that one is expected.
      expect(watched.consoleErrors.splice(0)).to.deep.equal([
        `${base}/staff/sign-in: Failed to load resource: the server responded with a status of 401 (Unauthorized)`,
      ]);
      await expectNoAxeViolations(page, 'staff sign-in refused');
      await page.fill('#password', crm.staff.password);
      await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/staff/portal')), page.press('#password', 'Enter')]);
      expect(await page.textContent('.staff-header .crm')).to.equal(crm.crmName);
      await expectNoOverflowAt390(page, 'portal settings in the staff layout');
      await page.click('.staff-header button:has-text("Sign out")');
      await page.waitForSelector('text=You are signed out.');
    });

    if (factory.keepsClientPasswords)
      it(`signs the client in with the password ${factory.name} keeps for them`, async function () {
        const watched = await openPage(browser);
        pages.push(watched);
        const { page } = watched;
        await page.goto(`${base}/portal/${crm.slug}/sign-in`);
        await page.fill('#email', crm.client.email);
        await page.fill('#password', crm.client.password!);
        await Promise.all([page.waitForSelector('#dashboard-title'), page.press('#password', 'Enter')]);
        expect(await page.textContent('#dashboard-title')).to.contain(crm.client.name);
      });

    it('lets a client sign in with an emailed code, read the dashboard, proposals and an invoice with its PDF, accept and pay', async function () {
      const watched = await openPage(browser);
      pages.push(watched);
      const { page } = watched;
      smtp.clear();
      await page.goto(`${base}/portal/${crm.slug}/sign-in`);
      await page.fill('#email', crm.client.email);
      await page.click('text=Email me a one-time code instead');
      await page.waitForSelector('#code');
      const message = await smtp.waitForMessage((m) => m.to.includes(crm.client.email), 15_000);
      await page.fill('#code', sixDigitCode(message.subject));
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('#dashboard-title');
      expect(await page.textContent('#dashboard-title')).to.contain(crm.client.name);

      await page.goto(`${base}/portal/${crm.slug}/${crm.offer.section}`);
      expect(await page.textContent('main')).to.include(crm.offer.ref);

      await page.goto(`${base}/portal/${crm.slug}/invoices/${crm.invoice.id}`);
      expect(await page.textContent('main')).to.include(crm.invoice.ref);
      const pdfHref = await page.getAttribute('a[download]', 'href');
      const pdf = await page.request.get(new URL(pdfHref!, base).toString());
      expect(pdf.status()).to.equal(200);
      expect(pdf.headers()['content-type']).to.contain('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).to.equal('%PDF-');

      await page.goto(`${base}/portal/${crm.slug}/${crm.offer.section}/${crm.offer.id}`);
      await page.click('#offer-actions a:has-text("Accept")');
      await page.waitForURL(/\/accept$/);
      if (crm.offer.section === 'proposals') {
        // A proposal is signed by hand; a quotation is accepted with the typed name alone.
        const canvas = page.locator('#decision-signature');
        await canvas.waitFor({ state: 'visible' });
        await canvas.scrollIntoViewIfNeeded();
        const box = (await canvas.boundingBox())!;
        await page.mouse.move(box.x + 30, box.y + 100);
        await page.mouse.down();
        for (let i = 0; i <= 20; i++) await page.mouse.move(box.x + 30 + i * 12, box.y + 100 - Math.sin(i / 3) * 50, { steps: 2 });
        await page.mouse.up();
      }
      await page.fill('#decision-typedName', 'Claire Martin');
      await page.check('#decision-consent');
      await Promise.all([page.waitForURL(/decided=accepted/), page.click('form button[type=submit]:has-text("Accept")')]);
      expect(await crm.offerAccepted()).to.equal(true);

      await page.goto(`${base}/portal/${crm.slug}/invoices/${crm.invoice.id}/pay`);
      await page.click('form[action$="/pay"] button[type=submit]');
      await page.waitForSelector('button[value=pay]');
      await page.click('button[value=pay]');
      await page.waitForSelector('button[value=pay]', { state: 'detached' });
      expect(await crm.invoicePaid()).to.equal(true);
    });
  });
}
