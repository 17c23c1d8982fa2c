// In a real Chromium: Maria García opens a proposal, draws a signature with the mouse on the
// signature_pad canvas, types her name, accepts, and downloads the signed PDF; the staff record
// page then shows the evidence. Every new page (accept, decline, public link, staff record, view
// as client) has no axe violations and no horizontal overflow at 390 px, and the strict CSP raises
// no console errors on the signature page.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { scriptBytesGzipped, launchChromium, axeResults } from '../../../../test/support/browser-pages.ts';
import { type DemoClient, demoNorthwind, sentProposal } from '../../../../test/support/demo-records.ts';

describe('deciding on a proposal in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let northwind: DemoClient;
  let seq = 0;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    northwind = await demoNorthwind(h.crm.db);
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  async function openProposal(): Promise<string> {
    seq += 1;
    return sentProposal(h.crm.db, northwind, { number: `BRW-${seq}`, title: 'Website relaunch for the new season' });
  }

  async function signedInClient(width = 1200): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.fill('#email', login.email);
    await page.fill('#password', login.password);
    await page.press('#password', 'Enter');
    await page.waitForSelector('#dashboard-title');
    return { context, page };
  }

  async function signedInStaff(width = 1200): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await page.goto(`${h.crm.url}/signin`);
    await page.fill('input[name="email"]', admin.email);
    await page.fill('input[name="password"]', admin.password);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/signin')), page.press('input[name="password"]', 'Enter')]);
    return { context, page };
  }

  async function checkPage(page: Page, url: string) {
    const results = await axeResults(page);
    expect(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `${url} axe`,
    ).to.deep.equal([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) {
      // Elements sticking out past the viewport that no scroll container clips (a string, so the test
      // runner's transforms never reach the page).
      const wide = (await page.evaluate(`[...document.querySelectorAll('body *')].filter((el) => {
        if (el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false;
        for (let e = el.parentElement; e; e = e.parentElement) if (['auto', 'hidden', 'scroll'].includes(getComputedStyle(e).overflowX)) return false;
        return true;
      }).slice(0, 6).map((el) => el.tagName + '.' + el.className + '#' + el.id + ':' + Math.round(el.getBoundingClientRect().right))`)) as string[];
      expect.fail(`${url} overflows by ${overflow}px: ${wide.join(', ')}`);
    }
  }

  it('draws a signature with the mouse, types the name, accepts and downloads the signed PDF', async function () {
    const id = await openProposal();
    const { context, page } = await signedInClient();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    try {
      await page.goto(`${h.crm.url}/portal/demo/proposals/${id}`);
      await page.click('#offer-actions a:has-text("Accept")');
      await page.waitForURL(/\/accept$/);
      const canvas = page.locator('#decision-signature');
      await canvas.waitFor({ state: 'visible' });
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + 30, box.y + 100);
      await page.mouse.down();
      for (let i = 0; i <= 20; i++) await page.mouse.move(box.x + 30 + i * 12, box.y + 100 - Math.sin(i / 3) * 50, { steps: 2 });
      await page.mouse.up();
      expect(JSON.parse(await page.inputValue('input[name="signatureStrokes"]'))).to.include({ v: 1 });
      await page.fill('#decision-typedName', 'Maria García');
      await page.check('#decision-consent');
      await Promise.all([page.waitForURL(/decided=accepted/), page.click('button:has-text("Accept and sign")')]);
      expect(await page.textContent('#offer-actions')).to.include('Thank you. Your acceptance is recorded.');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download the signed PDF")')]);
      const file = await download.path();
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).to.include('Accepted and signed').and.include('Maria García').and.include('BRW-');
      expect(readFileSync(file).subarray(0, 5).toString()).to.equal('%PDF-');
      expect(consoleErrors, 'console errors (CSP)').to.deep.equal([]);

      const stored = await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first('signature_png', 'typed_name');
      expect(stored.typed_name).to.equal('Maria García');
      expect(Buffer.from(stored.signature_png).subarray(1, 4).toString()).to.equal('PNG');
    } finally {
      await context.close();
    }

    const staff = await signedInStaff();
    try {
      await staff.page.goto(`${h.crm.url}/proposals/${id}`);
      await staff.page.click('a:has-text("Client portal: activity")');
      await staff.page.waitForSelector('#evidence-title');
      const evidence = await staff.page.textContent('main');
      expect(evidence).to.include('Maria García').and.include('still matches');
      expect(await staff.page.locator('img.signature__image').evaluate((img: HTMLImageElement) => img.naturalWidth)).to.be.above(0);
    } finally {
      await staff.context.close();
    }
  });

  it('accepts with the keyboard alone, no drawing', async function () {
    const id = await openProposal();
    const { context, page } = await signedInClient();
    try {
      await page.goto(`${h.crm.url}/portal/demo/proposals/${id}/accept`);
      // The signature pad's page leaves htmx out to stay within the budget of every page.
      expect(await scriptBytesGzipped(page), 'gzipped JavaScript on the accept page').to.be.at.most(20 * 1024);
      await page.focus('#decision-typedName');
      await page.keyboard.type('Maria García');
      await page.focus('#decision-consent');
      await page.keyboard.press('Space');
      await page.focus('form[data-decision-form] button[type="submit"]');
      await Promise.all([page.waitForURL(/decided=accepted/), page.keyboard.press('Enter')]);
      const stored = await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first('signature_png');
      expect(stored.signature_png).to.equal(null);
    } finally {
      await context.close();
    }
  });

  it('has no axe violations and no overflow at 390 px on the new pages', async function () {
    const id = await openProposal();
    const linkProposal = await openProposal();
    const client = await signedInClient(390);
    try {
      for (const path of [`/portal/demo/proposals/${id}`, `/portal/demo/proposals/${id}/accept`, `/portal/demo/proposals/${id}/decline`]) {
        const res = await client.page.goto(`${h.crm.url}${path}`);
        expect(res?.status(), path).to.equal(200);
        await checkPage(client.page, path);
      }
      // A form with every error shown.
      await client.page.goto(`${h.crm.url}/portal/demo/proposals/${id}/accept`);
      await client.page.click('button:has-text("Accept and sign")');
      await client.page.waitForSelector('.notice--error');
      await checkPage(client.page, 'accept with errors');
    } finally {
      await client.context.close();
    }

    const staff = await signedInStaff(390);
    try {
      const record = `/settings/client-portal/records/proposal/${northwind.id}/${linkProposal}`;
      await staff.page.goto(`${h.crm.url}${record}`);
      await Promise.all([staff.page.waitForURL(/created=/), staff.page.click('button:has-text("Create a public link")')]);
      await checkPage(staff.page, record);
      const linkUrl = await staff.page.inputValue('input.link-copy');
      await staff.page.goto(`${h.crm.url}${record}/as-client`);
      await checkPage(staff.page, `${record}/as-client`);

      const visitor = await browser.newContext({ viewport: { width: 390, height: 900 } });
      try {
        const page = await visitor.newPage();
        // The harness listens on a random port, so the configured APP_URL says :0; the path is what matters.
        const res = await page.goto(`${h.crm.url}${new URL(linkUrl).pathname}`);
        expect(res?.status()).to.equal(200);
        await checkPage(page, 'public link page');
        const gone = await page.goto(`${h.crm.url}/portal/demo/p/${'C'.repeat(43)}`);
        expect(gone?.status()).to.equal(404);
        await checkPage(page, 'unknown public link');
      } finally {
        await visitor.close();
      }
    } finally {
      await staff.context.close();
    }
  });
});
