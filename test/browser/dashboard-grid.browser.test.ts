// The dashboard in a real Chromium: every count card is a link to its list filtered to exactly the
// items it counts (following the list's pages), and at 1280, 900 and 390 px no row of cards or
// widgets leaves an empty space beside its cards (a lone card with blank columns next to it).
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { expectNoAxeViolations, launchChromium, signInWithPassword } from '../support/browser-pages.ts';

/** What one item of each list is, on its page. */
const ITEMS: Record<string, string> = {
  proposals: '.records > li',
  quotations: '.records > li',
  invoices: '.records > li',
  tasks: '.task-list > li',
  documents: '#shared-list tbody tr',
};

describe('the dashboard in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
    await page.waitForSelector('#dashboard-title');
  });
  after(async function () {
    await context?.close();
    await browser?.close();
    await h?.close();
  });

  it('links every count card to a list of exactly the items it counts', async function () {
    await page.goto(`${h.crm.url}/portal/demo/`);
    const cards = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('ul.cards > li.card')].map((card) => {
        const link = card.querySelector<HTMLAnchorElement>('.card__headline a');
        return {
          id: card.id,
          headline: card.querySelector('.card__headline')!.textContent!.trim(),
          href: link?.getAttribute('href') ?? null,
        };
      }),
    );
    expect(cards.map((c) => c.id)).to.include.members(['section-proposals', 'section-invoices', 'section-documents']);
    for (const card of cards) {
      expect(card.href, `${card.id} is a link`).to.be.a('string');
      const section = card.id.replace('section-', '');
      const counted = Number(/\d+/.exec(card.headline)![0]);
      let listed = 0;
      let next: string | null = card.href!;
      while (next) {
        await page.goto(new URL(next, h.crm.url).toString());
        listed += await page.locator(ITEMS[section]!).count();
        next = (await page.locator('a[rel="next"]').count()) ? await page.getAttribute('a[rel="next"]', 'href') : null;
      }
      expect(listed, `${card.id}: "${card.headline}" → ${card.href}`).to.equal(counted);
      if (section === 'invoices') {
        const badges = await page.locator('.records .badge').allTextContents();
        expect(
          badges.filter((b) => /^(Paid|Cancelled)$/.test(b.trim())),
          'only unpaid invoices',
        ).to.deep.equal([]);
      }
    }
  });

  for (const width of [1280, 900, 390]) {
    it(`leaves no empty space beside the cards of any row at ${width} px`, async function () {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.crm.url}/portal/demo/`);
      const holes = await page.evaluate(() => {
        const found: string[] = [];
        for (const grid of document.querySelectorAll<HTMLElement>('main .cards')) {
          const inner = grid.getBoundingClientRect();
          const gap = parseFloat(getComputedStyle(grid).columnGap) || 0;
          const rows = new Map<number, DOMRect[]>();
          for (const child of grid.children) {
            const box = child.getBoundingClientRect();
            const top = Math.round(box.top);
            rows.set(top, [...(rows.get(top) ?? []), box]);
          }
          let index = 0;
          for (const boxes of rows.values()) {
            const used = boxes.reduce((sum, box) => sum + box.width, 0) + gap * (boxes.length - 1);
            if (inner.width - used > 2)
              found.push(
                `${grid.className} row ${index}: ${boxes.length} card(s) fill ${Math.round(used)} of ${Math.round(inner.width)} px`,
              );
            index += 1;
          }
        }
        return found;
      });
      expect(holes).to.deep.equal([]);
      if (width === 390) await expectNoAxeViolations(page, 'dashboard at 390 px');
    });
  }
});
