// In a real Chromium, signed in as Maria García: every proposals, quotations and invoices page
// (lists, a record of each, the dashboard with its widgets) has no axe violations and no horizontal
// overflow at 390 px; the status filter works without JavaScript; a comment posted through htmx
// lands in the thread; the statement of account's period is chosen by keyboard.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, openPage, portalInChromium, signInWithPassword, tabTo } from '../support/browser-pages.ts';
import type { PortalHarness } from '../support/portal-harness.ts';

describe('proposals, quotations and invoices in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  async function signedInPage(
    options: { javaScriptEnabled?: boolean; width?: number } = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await openPage(browser, options);
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
    return { context, page };
  }

  async function pages(page: Page): Promise<string[]> {
    const urls = ['/portal/demo/', '/portal/demo/proposals', '/portal/demo/quotations', '/portal/demo/invoices'];
    for (const section of ['proposals', 'quotations', 'invoices']) {
      await page.goto(`${h.crm.url}/portal/demo/${section}`);
      const href = await page.getAttribute('.record__link', 'href');
      if (href) urls.push(href);
    }
    return urls;
  }

  it('has no axe violations and no horizontal overflow at 390 px on every page', async function () {
    const { context, page } = await signedInPage({ width: 390 });
    try {
      const urls = await pages(page);
      expect(urls.length).to.equal(7);
      for (const url of urls) {
        const res = await page.goto(`${h.crm.url}${url}`);
        expect(res?.status(), url).to.equal(200);
        await expectAccessible(page, url);
      }
    } finally {
      await context.close();
    }
  });

  it('filters by status without JavaScript', async function () {
    const { context, page } = await signedInPage({ javaScriptEnabled: false });
    try {
      await page.goto(`${h.crm.url}/portal/demo/invoices`);
      await page.selectOption('#invoices-status', 'paid');
      await page.click('.filters button');
      await page.waitForURL(/status=paid/);
      const badges = await page.locator('.record .chip .chip__text').allTextContents();
      expect(badges.length).to.be.above(0);
      expect(badges.every((badge) => badge.trim() === 'Paid')).to.equal(true);
    } finally {
      await context.close();
    }
  });

  it('downloads the statement of account for the period chosen by keyboard on the invoice list', async function () {
    const { context, page } = await signedInPage({ width: 390 });
    try {
      await page.goto(`${h.crm.url}/portal/demo/invoices`);
      await tabTo(page, '#statement-period');
      expect(await page.inputValue('#statement-period'), 'since the balance was last zero, by default').to.equal('since-zero');
      // Last year: the third choice, two down from the default.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const lastYear = `year:${new Date().getFullYear() - 1}`;
      expect(await page.inputValue('#statement-period')).to.equal(lastYear);
      await tabTo(page, '#statement-form button');
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.url()).to.match(new RegExp(`/portal/demo/invoices/statement\\.pdf\\?period=${lastYear.replace(':', '(:|%3A)')}$`));
      expect(download.suggestedFilename()).to.match(/^Statement-Northwind-Traders-\d{4}-\d{2}-\d{2}\.pdf$/);
      await expectAccessible(page, 'the invoice list after the download');
    } finally {
      await context.close();
    }
  });

  it('adds a comment through htmx without leaving the page', async function () {
    const { context, page } = await signedInPage();
    try {
      await page.goto(`${h.crm.url}/portal/demo/proposals`);
      await page.click('.record__link');
      await page.waitForSelector('#comment-body');
      const url = page.url();
      await page.fill('#comment-body', 'Could we start in January?');
      await page.click('#comments button[type="submit"]');
      await page.waitForSelector('.comment:has-text("Could we start in January?")');
      expect(page.url()).to.equal(url);
    } finally {
      await context.close();
    }
  });
});
