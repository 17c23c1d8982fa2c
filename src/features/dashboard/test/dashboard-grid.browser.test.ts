// The dashboard in a real Chromium: every figure on a count card is a link to its list filtered to
// exactly what it counts (following the list's pages: "1 proposal in all" to every proposal,
// "Outstanding" to the unpaid invoices whose balances add up to it, "1 overdue" to the overdue
// ones); at 1280, 900 and 390 px no row of cards or widgets leaves an empty space beside its cards,
// and the space between two rows of cards is the space between two cards of a row; on a phone what
// waits for the client (offers to answer, invoices to pay, tasks to do) comes before every other card;
// in German at 1280, 1024 and 390 px no word of a card ("Kostenvoranschläge") is cut across two lines.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  launchChromium,
  signInWithPassword,
} from '../../../../test/support/browser-pages.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';

/** What one item of each list is, on its page. */
const ITEMS: Record<string, string> = {
  proposals: '.records > li',
  quotations: '.records > li',
  invoices: '.records > li',
  tasks: '.task-list > li',
  projects: '.records > li',
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
    // An invoice of Northwind's past its due date, so the invoices card counts one overdue.
    const northwind = await h.crm.db('clients').where({ name: 'Northwind Traders' }).first('id', 'workspace_id');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await createInvoice(h.crm.db, {
      workspaceId: northwind.workspace_id,
      clientId: northwind.id,
      status: 'sent',
      currency: 'USD',
      issueDate: day(-45),
      dueDate: day(-15),
      notes: '',
      items: [{ description: 'Hosting, last quarter', quantity: 1, unitPriceCents: 45_000 }],
    });
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

  it('links every figure of the count cards to a list of exactly what it counts', async function () {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${h.crm.url}/portal/demo/`);
    const cards = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('ul.cards > li.card')].map((card) => {
        // Every text with a figure in it sits inside a link.
        const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
        const unlinked: string[] = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode())
          if (/\d/.test(node.textContent ?? '') && !node.parentElement?.closest('a')) unlinked.push(node.textContent!.trim());
        return {
          id: card.id,
          unlinked,
          links: [...card.querySelectorAll('a')].map((a) => ({
            text: a.textContent!.replace(/\s+/g, ' ').trim(),
            href: a.getAttribute('href')!,
          })),
        };
      }),
    );
    expect(cards.map((c) => c.id)).to.include.members(['section-proposals', 'section-invoices', 'section-documents']);
    const texts = cards.flatMap((card) => card.links.map((link) => link.text));
    expect(
      texts.some((text) => /in all/.test(text)),
      'a link of all proposals',
    ).to.equal(true);
    expect(
      texts.some((text) => /^Outstanding: /.test(text)),
      'a link of what is outstanding',
    ).to.equal(true);
    expect(
      texts.some((text) => /^1 overdue$/.test(text)),
      'a link of the overdue invoices',
    ).to.equal(true);
    for (const card of cards) {
      expect(card.unlinked, `${card.id}: figures that are not links`).to.deep.equal([]);
      expect(card.links.length, `${card.id} has a link`).to.be.greaterThan(0);
      const section = card.id.replace('section-', '');
      for (const link of card.links) {
        let listed = 0;
        let balances = 0;
        const badges: string[] = [];
        let next: string | null = link.href;
        while (next) {
          await page.goto(new URL(next, h.crm.url).toString());
          listed += await page.locator(ITEMS[section]!).count();
          if (section === 'invoices') {
            badges.push(...(await page.locator('.records .chip').allTextContents()).map((b) => b.trim()));
            for (const due of await page.locator('.records .record__amount small').allTextContents())
              balances += Number(/[\d,]+\.\d\d/.exec(due)![0].replace(/,/g, ''));
          }
          next = (await page.locator('a[rel="next"]').count()) ? await page.getAttribute('a[rel="next"]', 'href') : null;
        }
        const what = `${card.id}: "${link.text}" → ${link.href}`;
        const money = /\$([\d,]+\.\d\d)/.exec(link.text);
        if (money) expect(balances.toFixed(2), `${what}: balances of the listed invoices`).to.equal(money[1]!.replace(/,/g, ''));
        else expect(listed, what).to.equal(Number(/\d+/.exec(link.text)![0]));
        if (section === 'invoices') {
          expect(
            badges.filter((b) => /^(Paid|Cancelled)$/.test(b)),
            `${what}: only unpaid invoices`,
          ).to.deep.equal([]);
          if (/overdue/.test(link.text))
            expect(
              badges.filter((b) => b !== 'Overdue'),
              `${what}: only overdue ones`,
            ).to.deep.equal([]);
        }
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

  for (const width of [1280, 900, 390]) {
    it(`leaves the same space between rows of cards as between the cards of a row at ${width} px`, async function () {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.crm.url}/portal/demo/`);
      const gaps = await page.evaluate(() => {
        const cards = [...document.querySelectorAll<HTMLElement>('main .card')].map((card) => card.getBoundingClientRect());
        const rows = new Map<number, DOMRect[]>();
        for (const box of cards) rows.set(Math.round(box.top), [...(rows.get(Math.round(box.top)) ?? []), box]);
        const ordered = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, boxes]) => boxes.sort((a, b) => a.left - b.left));
        const across = ordered.flatMap((boxes) => boxes.slice(1).map((box, i) => Math.round(box.left - boxes[i]!.right)));
        const down = ordered.slice(1).map((boxes, i) => Math.round(boxes[0]!.top - Math.max(...ordered[i]!.map((box) => box.bottom))));
        const grid = getComputedStyle(document.querySelector('main .cards')!);
        return { across, down, columnGap: Math.round(parseFloat(grid.columnGap)), rows: ordered.length };
      });
      expect(gaps.rows, 'rows of cards').to.be.greaterThan(2);
      const between = gaps.across.length ? gaps.across : [gaps.columnGap];
      expect(new Set(between).size, `space between the cards of a row: ${between}`).to.equal(1);
      expect(between[0]).to.be.greaterThan(0);
      expect(gaps.down, `space between rows (between cards: ${between[0]} px)`).to.deep.equal(gaps.down.map(() => between[0]));
    });
  }

  // German has long compound words ("Kostenvoranschläge"): a card title or figure may wrap
  // between words, never inside one, at the widths where a row holds four cards and at a phone's.
  for (const width of [1280, 1024, 390]) {
    it(`breaks no word of a card in German at ${width} px`, async function () {
      const german = await browser.newContext({
        viewport: { width, height: 900 },
        locale: 'de-DE',
        extraHTTPHeaders: { 'Accept-Language': 'de' },
      });
      try {
        const dePage = await german.newPage();
        const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
        await signInWithPassword(dePage, h.crm.url, 'demo', login);
        await dePage.goto(`${h.crm.url}/portal/demo/`);
        expect(await dePage.getAttribute('html', 'lang')).to.equal('de');
        const broken = await dePage.evaluate(() => {
          const found: string[] = [];
          for (const card of document.querySelectorAll<HTMLElement>('main .card')) {
            const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const text = node.textContent ?? '';
              // Each word's boxes: a word drawn on two lines has two boxes at different heights.
              for (const match of text.matchAll(/[^\s\u00a0]+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                if (tops.size > 1) found.push(`${card.id}: ${match[0]}`);
              }
            }
          }
          return found;
        });
        expect(broken, 'words broken across lines').to.deep.equal([]);
        expect(await dePage.locator('main .card__title', { hasText: 'Kostenvoranschläge' }).count()).to.equal(1);
      } finally {
        await german.close();
      }
    });
  }

  it('shows first, on a phone, what waits for the client: offers to answer, invoices to pay, tasks to do', async function () {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.crm.url}/portal/demo/`);
    const order = await page.evaluate(() => {
      // No named functions in here: the test runner's transform would wrap them in a helper the page lacks.
      const waiting = ['widget-awaiting', 'widget-unpaid', 'widget-tasks'];
      return [...document.querySelectorAll<HTMLElement>('main .card')]
        .map((card) => ({
          waiting: waiting.some((id) => card.getAttribute('aria-labelledby')?.startsWith(id)),
          top: card.getBoundingClientRect().top,
          name: card.querySelector('h2')!.textContent!.trim(),
        }))
        .sort((a, b) => a.top - b.top)
        .map((card) => `${card.waiting ? 'waiting' : 'other'}: ${card.name}`);
    });
    const firstOther = order.findIndex((card) => card.startsWith('other'));
    expect(order.slice(0, 3), order.join(' | ')).to.deep.equal([
      'waiting: Awaiting your answer',
      'waiting: Unpaid invoices',
      'waiting: Open tasks by due date',
    ]);
    expect(firstOther, order.join(' | ')).to.equal(3);
    expect(
      order.slice(3).every((card) => card.startsWith('other')),
      order.join(' | '),
    ).to.equal(true);
    await expectNoOverflowAt390(page, 'dashboard at 390 px');
    await expectNoAxeViolations(page, 'dashboard at 390 px, waiting first');
  });
});
