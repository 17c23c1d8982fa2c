// Links styled as buttons look like buttons (no underline), and the invoice's "Pay this invoice"
// stands apart from the items card below it, as far as panels are from each other.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openInvoiceOf } from '../route-matrix/payments.routes.ts';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { launchChromium, signInWithPassword } from '../support/browser-pages.ts';

describe('button links and the pay section in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    const demo = await h.crm.adapter.workspaces.findBySlug('demo');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: demo!.id, allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(demo!.id);
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
  });
  after(async function () {
    await context?.close();
    await browser?.close();
    await h?.close();
  });

  it('draws no underline under a link styled as a button', async function () {
    const invoice = await openInvoiceOf(h.crm.db, 'maria@northwind.test');
    await page.goto(`${h.crm.url}/portal/demo/invoices/${invoice.id}`);
    const decorations = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('a.button')].map(
        (a) => `${a.textContent!.trim()}: ${getComputedStyle(a).textDecorationLine}`,
      ),
    );
    expect(decorations.length).to.be.at.least(2);
    for (const line of decorations) expect(line).to.match(/: none$/);
  });

  it('keeps "Pay this invoice" apart from the items card, as panels are apart', async function () {
    const invoice = await openInvoiceOf(h.crm.db, 'maria@northwind.test');
    for (const width of [1200, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.crm.url}/portal/demo/invoices/${invoice.id}`);
      const gaps = await page.evaluate(() => {
        const pay = document.querySelector('a.button[href$="/pay"]')!.closest('.amount-header') as HTMLElement;
        const items = document.querySelector('section[aria-labelledby="lines-title"]') as HTMLElement;
        const next = items.nextElementSibling as HTMLElement;
        return {
          payToItems: items.getBoundingClientRect().top - pay.getBoundingClientRect().bottom,
          panelToPanel: next.getBoundingClientRect().top - items.getBoundingClientRect().bottom,
        };
      });
      expect(gaps.payToItems, `gap at ${width} px`).to.be.at.least(gaps.panelToPanel);
      expect(gaps.payToItems).to.be.above(0);
    }
  });
});
