// Covers the accessibility of the reference CRM's staff pages: every page (sign-in, dashboard,
// each list, detail and form (help articles too; orders, an order with its shipments and the form
// to send one, approvals, a client's contracts and devices, a device's form, a contract with its time entry form, the set-up
// screens for appointment services, opening hours and the request catalogue), a form showing errors, a ticket with its files listed, settings,
// the 404 page) is checked with axe in Chromium and must have no violations. It also checks that no page breaks the strict CSP.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, axeResults } from '../support/browser-pages.ts';
import { DEMO_ADMIN, idOf, startCrm, type CrmTestContext } from './support.ts';

describe('reference CRM accessibility (axe)', function () {
  this.timeout(120_000);
  let crm: CrmTestContext;
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  before(async function () {
    crm = await startCrm();
    server = crm.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  });

  after(async function () {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    await crm?.close();
  });

  async function expectNoViolations(path: string, status = 200): Promise<void> {
    const response = await page.goto(`${base}${path}`);
    expect(response?.status(), path).to.equal(status);
    const results = await axeResults(page);
    const problems = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
    );
    expect(problems, `${path}\n  ${problems.join('\n  ')}`).to.deep.equal([]);
  }

  it('the sign-in page, empty and with errors', async function () {
    await expectNoViolations('/signin');
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').count()).to.equal(1);
    const results = await axeResults(page);
    expect(results.violations.map((v) => v.id)).to.deep.equal([]);
  });

  it('every staff page once signed in', async function () {
    await page.goto(`${base}/signin`);
    await page.fill('#email', DEMO_ADMIN.email);
    await page.fill('#password', DEMO_ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);

    const ids = {
      client: await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo'),
      contact: await idOf(crm.db, 'contacts', { email: 'maria@northwind.test' }, 'demo'),
      proposal: await idOf(crm.db, 'proposals', { title: 'Website redesign' }, 'demo'),
      quotation: await idOf(crm.db, 'quotations', { title: 'Packaging refresh' }, 'demo'),
      invoice: await idOf(crm.db, 'invoices', { number: 'INV-0002' }, 'demo'),
      task: await idOf(crm.db, 'tasks', { title: 'Review homepage wireframes' }, 'demo'),
      document: await idOf(crm.db, 'documents', { filename: 'kickoff-notes.txt' }, 'demo'),
      ticket: await idOf(crm.db, 'tickets', { subject: 'Contact form on the website sends no email' }, 'demo'),
      article: await idOf(crm.db, 'kb_articles', { title: 'How to pay an invoice by bank transfer' }, 'demo'),
      contract: await idOf(crm.db, 'contracts', { number: 'CT-2026-001' }, 'demo'),
      order: await idOf(crm.db, 'orders', { number: 'SO-2026-002' }, 'demo'),
    };
    const paths = [
      '/',
      '/clients',
      `/clients/${ids.client}`,
      '/clients/new',
      '/contacts',
      `/contacts/${ids.contact}`,
      '/contacts/new',
      '/proposals',
      `/proposals/${ids.proposal}`,
      '/proposals/new',
      '/quotations',
      `/quotations/${ids.quotation}`,
      '/quotations/new',
      '/invoices',
      `/invoices/${ids.invoice}`,
      '/invoices/new',
      '/tasks',
      `/tasks/${ids.task}`,
      '/tasks/new',
      '/documents',
      `/documents/${ids.document}`,
      '/documents/new',
      '/tickets',
      `/tickets/${ids.ticket}`,
      '/knowledge-base',
      `/knowledge-base/${ids.article}`,
      '/knowledge-base/new',
      '/orders',
      `/orders/${ids.order}`,
      '/approvals',
      `/clients/${ids.client}/contracts`,
      `/clients/${ids.client}/devices`,
      `/contracts/${ids.contract}`,
      '/settings',
    ];
    for (const path of paths) await expectNoViolations(path);
    await expectNoViolations('/no-such-page', 404);
  });

  it('the set-up screens (services, opening hours, the request catalogue) and a device’s forms', async function () {
    const ids = {
      client: await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo'),
      service: await idOf(crm.db, 'appointment_services', { name: 'Consultation' }, 'demo'),
      definition: await idOf(crm.db, 'request_definitions', { name: 'Request a quote for printing' }, 'demo'),
      device: await idOf(crm.db, 'devices', { name: 'Old router' }, 'demo'),
    };
    for (const path of [
      '/settings/services',
      '/settings/services/new',
      `/settings/services/${ids.service}`,
      '/settings/opening-hours',
      '/settings/request-catalogue',
      '/settings/request-catalogue/new',
      `/settings/request-catalogue/${ids.definition}`,
      `/clients/${ids.client}/devices/new`,
      `/devices/${ids.device}`,
    ])
      await expectNoViolations(path);
  });

  it('a ticket page with a file listed, as staff attach one through its form', async function () {
    const ticket = await idOf(crm.db, 'tickets', { subject: 'Logo looks blurry on the invoices' }, 'demo');
    await page.goto(`${base}/tickets/${ticket}`);
    await page.fill('#body', 'The logo in print quality.');
    await page.setInputFiles('#attachments', {
      name: 'logo-print.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await page.click('form[enctype="multipart/form-data"] button[type=submit]');
    await page.waitForURL(`${base}/tickets/${ticket}`);
    const listed = page.locator('main ul > li', { has: page.locator('a[download]', { hasText: 'logo-print.pdf' }) });
    expect(await listed.textContent()).to.match(/logo-print\.pdf \(\d+ B\), sent by \S+/);
    await expectNoViolations(`/tickets/${ticket}`);
  });

  it('forms showing validation errors', async function () {
    this.timeout(240_000);
    const contract = await idOf(crm.db, 'contracts', { number: 'CT-2026-001' }, 'demo');
    const client = await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo');
    // Forms whose first showing is valid get one input spoiled before they are sent.
    const spoil: Record<string, string> = {
      '/settings/opening-hours': '#day1',
      '/settings/request-catalogue/new': '#fields-0-label',
    };
    for (const path of [
      '/proposals/new',
      '/invoices/new',
      '/tasks/new',
      '/clients/new',
      '/knowledge-base/new',
      `/contracts/${contract}`,
      '/settings/services/new',
      '/settings/opening-hours',
      '/settings/request-catalogue/new',
      `/clients/${client}/devices/new`,
    ]) {
      await page.goto(`${base}${path}`);
      if (spoil[path]) await page.fill(spoil[path], path.includes('hours') ? '17:00–09:00' : 'A list without choices');
      if (path.includes('catalogue')) await page.selectOption('#fields-0-type', 'select');
      await page.click('main button[type=submit]');
      await page.waitForLoadState();
      expect(await page.locator('.error-summary').count(), path).to.equal(1);
      const results = await axeResults(page);
      expect(
        results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        path,
      ).to.deep.equal([]);
    }
  });

  it('lets keyboard users skip to the main content', async function () {
    await page.goto(`${base}/clients`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(focused).to.equal('Skip to main content');
  });

  it('loads without breaking the content security policy', async function () {
    // A browser context of its own, signed in here, so the check does not lean on earlier tests.
    const own = await browser.newContext();
    try {
      const tab = await own.newPage();
      const violations: string[] = [];
      tab.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await tab.goto(`${base}/signin`);
      await tab.fill('#email', DEMO_ADMIN.email);
      await tab.fill('#password', DEMO_ADMIN.password);
      await tab.click('button[type=submit]');
      await tab.waitForURL(`${base}/`);
      for (const path of ['/clients', '/proposals/new', '/invoices', '/settings']) {
        expect((await tab.goto(`${base}${path}`))?.status(), path).to.equal(200);
      }
      await tab.goto(`${base}/tasks/new`);
      await tab.click('main button[type=submit]');
      await tab.waitForLoadState();
      expect(await tab.locator('.error-summary').count()).to.equal(1);
      expect(violations).to.deep.equal([]);
    } finally {
      await own.close();
    }
  });
});
