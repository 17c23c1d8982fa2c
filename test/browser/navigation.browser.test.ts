// The portal's top navigation in a real Chromium, for the person with the most items: a client
// admin of a workspace with every section on and an unread notification. At 1024 and 1280 px, in
// English and in German, the navigation is one row with every item on screen; what does not fit
// waits behind "More", a disclosure button that opens with Enter or Space, lets Tab through its
// links, closes with Escape (focus back on the button), and keeps the current page marked inside
// it. axe finds nothing with the menu open or closed, and the phone's menu at 390 px is unchanged.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  focused,
  openPage,
  portalInChromium,
  signInWithPassword,
  tabTo,
} from '../support/browser-pages.ts';
import type { PortalHarness } from '../support/portal-harness.ts';

/** Every item the navigation offers this person, wherever it is shown. */
const ITEMS = {
  en: [
    'Dashboard',
    'Proposals',
    'Quotations',
    'Invoices',
    'Tasks',
    'Projects',
    'Documents',
    'Messages',
    'Help',
    'Team',
    'Notifications (1 unread)',
    'Account',
  ],
  de: [
    'Übersicht',
    'Angebote',
    'Kostenvoranschläge',
    'Rechnungen',
    'Aufgaben',
    'Projekte',
    'Dokumente',
    'Nachrichten',
    'Hilfe',
    'Team',
    'Benachrichtigungen (1 ungelesen)',
    'Konto',
  ],
};

interface RowShape {
  /** The offsetTop of each item shown in the row, the More button's item included. */
  tops: number[];
  /** Items whose right edge lies past the row's content box (cut off or scrolled away). */
  offScreen: string[];
  /** The labels in the row and behind More, in order. */
  labels: string[];
  /** The labels in the row, and those behind More, each in its order. */
  inRow: string[];
  behindMore: string[];
}

/**
 * Every item once, those in the row and those behind More each in the navigation's order (an item
 * with an unread count stays in the row, so the row may hold items after some behind More).
 */
function expectEveryItemInOrder(shape: RowShape, items: readonly string[], where: string) {
  expect([...shape.labels].sort(), `every item once ${where}`).to.deep.equal([...items].sort());
  const inOrder = (labels: string[]) => labels.every((label, i) => i === 0 || items.indexOf(labels[i - 1]!) < items.indexOf(label));
  expect(inOrder(shape.inRow), `the row in order ${where}: ${shape.inRow.join(', ')}`).to.equal(true);
  expect(inOrder(shape.behindMore), `More in order ${where}: ${shape.behindMore.join(', ')}`).to.equal(true);
}

function rowShape(page: Page): Promise<RowShape> {
  return page.evaluate(() => {
    const row = document.querySelector<HTMLElement>('.portal-nav__row')!;
    const box = row.getBoundingClientRect();
    const right = box.right - parseFloat(getComputedStyle(row).paddingRight);
    const shown = [...row.children].filter((li): li is HTMLElement => li instanceof HTMLElement && li.getClientRects().length > 0);
    return {
      tops: shown.map((li) => li.offsetTop),
      offScreen: shown.filter((li) => li.getBoundingClientRect().right > right + 0.5).map((li) => li.textContent!.trim()),
      labels: [...row.querySelectorAll('a')].map((a) => a.textContent!.trim()),
      inRow: [...row.querySelectorAll(':scope > li:not(.portal-nav__more) > a')].map((a) => a.textContent!.trim()),
      behindMore: [...row.querySelectorAll('.portal-nav__more-list a')].map((a) => a.textContent!.trim()),
    };
  });
}

describe('the top navigation in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('id', 'client_id');
    await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'admin', locale: null });
    const invoice = await h.crm
      .db('invoices')
      .where({ workspace_id: Number(workspace.id), client_id: Number(user.client_id) })
      .whereNot('status', 'draft')
      .first('id', 'number');
    await h.crm.portal.hostRecordChanged({
      workspaceId: workspace.id,
      clientId: String(user.client_id),
      kind: 'invoice',
      id: String(invoice.id),
      happened: 'issued',
      number: invoice.number,
    });
  });

  for (const lang of ['en', 'de'] as const) {
    for (const width of [1024, 1280]) {
      it(`keeps every item in one row at ${width} px in ${lang}, what does not fit behind More`, async function () {
        const tab = await openPage(browser, { width, locale: lang === 'de' ? 'de-DE' : 'en-US' });
        const { page } = tab;
        try {
          await signInWithPassword(page, h.crm.url, 'demo', maria());
          // portal.js fits the row once the page has loaded; a busy machine may run this first.
          await page.waitForSelector('.portal-nav--fitted', { state: 'attached' });
          await page.waitForSelector(`html[lang="${lang}"]`);
          const shape = await rowShape(page);
          expect(new Set(shape.tops).size, `one row: ${JSON.stringify(shape)}`).to.equal(1);
          expect(shape.offScreen, 'items cut off').to.deep.equal([]);
          expectEveryItemInOrder(shape, ITEMS[lang], `at ${width} px`);
          expect(shape.inRow, 'the unread count stays in the row').to.include(ITEMS[lang][10]!);
          await expectNoAxeViolations(page, `navigation at ${width} px (${lang})`);
          expect(tab.consoleErrors).to.deep.equal([]);
        } finally {
          await tab.context.close();
        }
      });
    }
  }

  it('opens More with Enter or Space, tabs through it, and closes it with Escape, focus back on its button', async function () {
    const tab = await openPage(browser, { width: 1024, locale: 'de-DE' });
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      // portal.js fits the row once the page has loaded; a busy machine may run this first.
      await page.waitForSelector('.portal-nav--fitted', { state: 'attached' });
      const toggle = page.locator('.portal-nav__more-toggle');
      expect(await toggle.isVisible(), 'More is shown at 1024 px in German').to.equal(true);
      const menu = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
      expect(await toggle.getAttribute('aria-expanded')).to.equal('false');
      expect(await menu.isVisible()).to.equal(false);

      await tabTo(page, '.portal-nav__more-toggle');
      await page.keyboard.press('Enter');
      expect(await toggle.getAttribute('aria-expanded')).to.equal('true');
      expect(await menu.isVisible()).to.equal(true);
      await expectNoAxeViolations(page, 'navigation with More open');
      const inMenu = await menu.locator('a').allTextContents();
      expect(inMenu.length).to.be.greaterThan(0);
      for (const label of inMenu) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.closest('.portal-nav__more-list') !== null)).to.equal(true);
        expect((await page.evaluate(() => document.activeElement?.textContent ?? '')).trim()).to.equal(label.trim());
      }
      await page.keyboard.press('Escape');
      expect(await toggle.getAttribute('aria-expanded')).to.equal('false');
      expect(await menu.isVisible()).to.equal(false);
      expect(await focused(page)).to.contain('portal-nav__more-toggle');

      await page.keyboard.press(' ');
      expect(await toggle.getAttribute('aria-expanded')).to.equal('true');
      await page.keyboard.press('Escape');
      expect(await toggle.getAttribute('aria-expanded')).to.equal('false');

      // Tabbing out of the open menu closes it: it never stays open over the page being read.
      await page.keyboard.press('Enter');
      for (let i = 0; i <= inMenu.length; i++) await page.keyboard.press('Tab');
      expect(await toggle.getAttribute('aria-expanded')).to.equal('false');
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await tab.context.close();
    }
  });

  it('marks the current page inside More, and again after a boosted page change', async function () {
    const tab = await openPage(browser, { width: 1024, locale: 'de-DE' });
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      // portal.js fits the row once the page has loaded; a busy machine may run this first.
      await page.waitForSelector('.portal-nav--fitted', { state: 'attached' });
      await page.goto(`${h.crm.url}/portal/demo/account`);
      const current = page.locator('.portal-nav__more-list a[aria-current="page"]');
      expect(await current.count(), 'Konto is behind More, marked').to.equal(1);
      expect(await current.textContent()).to.equal('Konto');
      expect(await page.locator('.portal-nav__more-toggle').getAttribute('class')).to.contain('portal-nav__more-toggle--current');

      // A boosted link swaps the page without reloading the script: the new navigation is laid out too.
      await page.click('.portal-nav__row a[href="/portal/demo/invoices"]');
      await page.waitForURL(/\/invoices$/);
      await page.waitForSelector('.portal-nav__row > li > a[aria-current="page"][href="/portal/demo/invoices"]');
      const shape = await rowShape(page);
      expect(new Set(shape.tops).size).to.equal(1);
      expect(shape.offScreen).to.deep.equal([]);
      expect(await page.locator('.portal-nav__more-toggle').isVisible()).to.equal(true);

      // Narrower and wider again: the row is fitted anew each time, the items in their order.
      for (const width of [700, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        // The row is fitted in the frame after the resize.
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        const resized = await rowShape(page);
        expect(new Set(resized.tops).size, `one row at ${width} px`).to.equal(1);
        expect(resized.offScreen, `cut off at ${width} px`).to.deep.equal([]);
        expectEveryItemInOrder(resized, ITEMS.de, `at ${width} px`);
      }
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await tab.context.close();
    }
  });

  it('keeps one row without JavaScript too: it scrolls sideways inside itself, the page does not', async function () {
    const tab = await openPage(browser, { width: 1024, locale: 'de-DE', javaScriptEnabled: false });
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      const shape = await page.evaluate(() => {
        const row = document.querySelector<HTMLElement>('.portal-nav__row')!;
        const shown = [...row.children].filter((li) => li.getClientRects().length > 0) as HTMLElement[];
        return {
          tops: new Set(shown.map((li) => li.offsetTop)).size,
          links: shown.length,
          rowScrolls: row.scrollWidth > row.clientWidth,
          pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        };
      });
      expect(shape).to.deep.equal({ tops: 1, links: ITEMS.de.length, rowScrolls: true, pageOverflow: 0 });
      expect(await page.locator('.portal-nav__more-toggle').isVisible(), 'no button that cannot work').to.equal(false);
    } finally {
      await tab.context.close();
    }
  });

  it('keeps the closed phone menu at 390 px, with nothing overflowing', async function () {
    const tab = await openPage(browser, { width: 390, locale: 'de-DE' });
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      expect(await page.locator('.portal-nav__toggle').isVisible()).to.equal(true);
      expect(await page.locator('.portal-nav__row').isVisible()).to.equal(false);
      await page.click('.portal-nav__toggle');
      expect(await page.locator('.portal-nav__list a').allTextContents()).to.deep.equal(ITEMS.de);
      await expectNoOverflowAt390(page, 'navigation at 390 px');
      await expectNoAxeViolations(page, 'navigation at 390 px');
    } finally {
      await tab.context.close();
    }
  });
});
