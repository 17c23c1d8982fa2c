// The portal on a 390 px phone, in a real Chromium: the line items of a proposal, a quotation and
// an invoice fit their panel with the Total of every line on screen (no sideways scroll); on the
// documents page a long file name wraps at its separators and Delete stays on screen; the
// navigation is one closed menu button (not three rows of links) that opens by keyboard and
// without JavaScript; record numbers never break inside the number.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { expectNoAxeViolations, expectNoOverflowAt390, launchChromium, signInWithPassword } from '../support/browser-pages.ts';
import { pdfOfSize } from '../support/upload-fixtures.ts';

const LONG_NAME = 'Northwind_Traders_signed_service_agreement_2026-final-version.pdf';

describe('the portal on a 390 px phone in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let dir: string;
  const contexts: BrowserContext[] = [];

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    dir = mkdtempSync(path.join(os.tmpdir(), 'portal-phones-'));
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
  });
  after(async function () {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function phone(options: { javaScriptEnabled?: boolean; locale?: string } = {}): Promise<Page> {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: { width: 390, height: 844 },
      ...(options.locale ? { locale: options.locale } : {}),
    });
    contexts.push(context);
    const page = await context.newPage();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
    await page.waitForSelector('#dashboard-title');
    return page;
  }

  /** Every element wider than what holds it (its scroll box), named; none expected. */
  function tooWide(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const doc = document.documentElement;
      const wide: string[] = [];
      if (doc.scrollWidth > doc.clientWidth) wide.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
      for (const el of document.querySelectorAll<HTMLElement>('main table, main .table-scroll')) {
        if (el.scrollWidth > el.clientWidth) wide.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
        const box = el.getBoundingClientRect();
        if (box.right > doc.clientWidth) wide.push(`${el.tagName.toLowerCase()}.${el.className} right ${box.right}`);
      }
      return wide;
    });
  }

  for (const section of ['proposals', 'quotations', 'invoices']) {
    it(`shows every line of a ${section.slice(0, -1)} with its Total on screen, without a sideways scroll`, async function () {
      const page = await phone();
      await page.goto(`${h.crm.url}/portal/demo/${section}`);
      await page.click('.record__link');
      await page.waitForSelector('.lines');
      expect(await tooWide(page)).to.deep.equal([]);
      const totals = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.lines tbody td[data-label]:last-child')].map((td) => {
          const box = td.getBoundingClientRect();
          const label = getComputedStyle(td, '::before').content;
          return { right: box.right, width: box.width, label, text: td.textContent!.trim() };
        }),
      );
      expect(totals.length).to.be.above(0);
      for (const cell of totals) {
        expect(cell.right, `Total ${cell.text}`).to.be.at.most(390);
        expect(cell.width).to.be.above(0);
        // Each stacked cell says what it is: the column heading, drawn from data-label.
        expect(cell.label).to.equal('"Total"');
      }
      // A record number in the list never breaks inside the number.
      await page.goto(`${h.crm.url}/portal/demo/${section}`);
      const numbers = await page.evaluate(() =>
        [...document.querySelectorAll('.record__number')].map((el) => getComputedStyle(el).whiteSpace),
      );
      expect(numbers.every((ws) => ws === 'nowrap')).to.equal(true);
      await expectNoAxeViolations(page, section);
    });
  }

  it('shows the account’s sessions as cards in German, each “Abmelden” on screen', async function () {
    // A session elsewhere first, so the list has a row with its sign-out button.
    await phone();
    const page = await phone({ locale: 'de-DE' });
    await page.goto(`${h.crm.url}/portal/demo/account`);
    await page.waitForSelector('.sessions-table');
    expect(await tooWide(page)).to.deep.equal([]);
    const buttons = page.locator('.sessions-table button:has-text("Abmelden")');
    expect(await buttons.count()).to.be.at.least(1);
    for (const box of await Promise.all((await buttons.all()).map((button) => button.boundingBox()))) {
      expect(box, 'Abmelden').to.not.equal(null);
      expect(box!.x).to.be.at.least(0);
      expect(box!.x + box!.width).to.be.at.most(390);
    }
    await expectNoAxeViolations(page, 'account in German');
    await expectNoOverflowAt390(page, 'account in German');
  });

  it('wraps a long document name at its separators and keeps Delete on screen', async function () {
    const page = await phone();
    const file = path.join(dir, LONG_NAME);
    writeFileSync(file, pdfOfSize(2000));
    await page.goto(`${h.crm.url}/portal/demo/documents`);
    await page.setInputFiles('#upload-file', file);
    await Promise.all([page.waitForURL(/\/documents/), page.click('.upload-form button[type=submit]')]);
    await page.waitForSelector(`#uploads-list a:has-text("Northwind")`);
    expect(await tooWide(page)).to.deep.equal([]);
    const name = await page.evaluate(() => {
      const link = [...document.querySelectorAll<HTMLElement>('#uploads-list .documents-table__name a')].find((a) =>
        a.textContent!.includes('Northwind'),
      )!;
      // The lines the name is drawn on: a break inside a word shows as a line ending in a letter
      // whose next line starts with a letter, with no separator between.
      const range = document.createRange();
      range.selectNodeContents(link);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return { lines: lines.size, width: link.getBoundingClientRect().width, html: link.innerHTML };
    });
    expect(name.html, 'break opportunities after separators').to.contain('<wbr>');
    // At most a few lines (letter by letter would be dozens).
    expect(name.lines).to.be.within(1, 4);
    // Read in one turn of the page: the list's live refresh after the upload may swap it in
    // between a locator finding the link and measuring it (which then measures nothing).
    const del = await page.evaluate(() => {
      const link = [...document.querySelectorAll<HTMLElement>('#uploads-list a')].find((a) => a.textContent!.includes('Delete'));
      const box = link?.getBoundingClientRect();
      return box ? { x: box.x, width: box.width } : null;
    });
    expect(del, 'Delete link').to.not.equal(null);
    expect(del!.width, 'Delete link drawn').to.be.above(0);
    expect(del!.x).to.be.at.least(0);
    expect(del!.x + del!.width).to.be.at.most(390);
    await expectNoAxeViolations(page, 'documents');
    await expectNoOverflowAt390(page, 'documents');
  });

  it('folds the navigation into a menu button that opens by keyboard', async function () {
    const page = await phone();
    const closed = await page.evaluate(() => document.querySelector('.portal-nav')!.getBoundingClientRect().height);
    expect(closed, 'closed navigation height').to.be.below(80);
    // The links are not reachable while the menu is closed; the menu button is.
    expect(await page.locator('.portal-nav a:visible').count()).to.equal(0);
    await page.focus('.portal-nav summary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.portal-nav a[href$="/invoices"]:visible');
    await page.keyboard.press('Tab');
    const focusedHref = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    expect(focusedHref).to.match(/\/portal\/demo\/?$/);
    await expectNoAxeViolations(page, 'dashboard with the menu open');
    await Promise.all([page.waitForURL(/\/invoices$/), page.click('.portal-nav a[href$="/invoices"]:visible')]);
    await page.waitForSelector('.portal-nav summary');
    expect(await page.locator('.portal-nav a:visible').count(), 'menu closed again on the next page').to.equal(0);
  });

  it('opens the menu without JavaScript too', async function () {
    const page = await phone({ javaScriptEnabled: false });
    await page.click('.portal-nav summary');
    await page.waitForSelector('.portal-nav a[href$="/documents"]:visible');
  });

  it('shows the navigation as one row of links on a wide screen', async function () {
    const page = await phone();
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.locator('.portal-nav summary').isVisible()).to.equal(false);
    expect(await page.locator('.portal-nav a[href$="/invoices"]:visible').count()).to.equal(1);
    const height = await page.evaluate(() => document.querySelector('.portal-nav')!.getBoundingClientRect().height);
    expect(height).to.be.below(80);
  });
});
