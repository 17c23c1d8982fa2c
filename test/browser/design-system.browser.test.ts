// The design system in Chromium, on the client's and the staff's pages at 1280 and 390 px: every
// status chip says its status in words beside its icon (never colour alone), every sprite icon
// (<use href="#icon-…">) points at a symbol the page has, and the invoice's header shows the amount
// due, its status and the Pay action within the first screen. Each page passes axe, has no
// horizontal overflow at 390 px, logs no console error (a CSP violation is one) and loads at most
// 20 KB of gzipped JavaScript. A German invoice heading wraps between words, not inside the number.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { openInvoiceOf } from '../route-matrix/payments.routes.ts';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  launchChromium,
  openPage,
  scriptBytesGzipped,
  signInWithPassword,
  staffSignIn,
  type WatchedPage,
} from '../support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

interface DesignReport {
  missingSymbols: string[];
  chips: Array<{ text: string; hasIcon: boolean; iconHidden: boolean }>;
  emptyStates: Array<{ text: string; hasIcon: boolean }>;
  /** Record links drawn with no width: squeezed out by the chips beside them. */
  collapsedLinks: string[];
}

/** What the page's icons and chips look like to a reader: the text of each chip, the icons that resolve. */
function designReport(page: Page): Promise<DesignReport> {
  return page.evaluate(() => {
    const missingSymbols = [...document.querySelectorAll('use')]
      .map((use) => use.getAttribute('href') ?? '')
      .filter((href) => !href.startsWith('#') || document.getElementById(href.slice(1))?.tagName.toLowerCase() !== 'symbol');
    const chips = [...document.querySelectorAll<HTMLElement>('.chip')].map((chip) => {
      const icon = chip.querySelector('svg.icon');
      return {
        text: (chip.querySelector('.chip__text')?.textContent ?? '').trim(),
        hasIcon: Boolean(icon),
        iconHidden: icon?.getAttribute('aria-hidden') === 'true',
      };
    });
    const emptyStates = [...document.querySelectorAll<HTMLElement>('.empty-state')].map((state) => ({
      text: (state.querySelector('.empty-state__text')?.textContent ?? '').trim(),
      hasIcon: Boolean(state.querySelector('svg.icon use')),
    }));
    const collapsedLinks = [...document.querySelectorAll<HTMLElement>('.record__link')]
      .filter((a) => a.getBoundingClientRect().width < 1)
      .map((a) => a.textContent ?? '');
    return { missingSymbols, chips, emptyStates, collapsedLinks };
  });
}

async function expectDesignSystem(page: Page, label: string): Promise<DesignReport> {
  const report = await designReport(page);
  expect(report.missingSymbols, `${label}: icons pointing at no symbol`).to.deep.equal([]);
  expect(report.collapsedLinks, `${label}: record links with no width`).to.deep.equal([]);
  for (const chip of report.chips) {
    expect(chip.text, `${label}: a chip without words`).to.not.equal('');
    expect(chip.hasIcon && chip.iconHidden, `${label}: chip "${chip.text}" has a decorative icon`).to.equal(true);
  }
  for (const state of report.emptyStates) {
    expect(state.text, `${label}: an empty state without a sentence`).to.not.equal('');
    expect(state.hasIcon, `${label}: empty state "${state.text}" has an icon`).to.equal(true);
  }
  return report;
}

describe('the design system (chips, icons, empty states, invoice header) in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;

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
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const admin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

  for (const width of [1280, 390]) {
    it(`the client's pages at ${width} px`, async function () {
      const tab: WatchedPage = await openPage(browser, { width });
      const { page, context } = tab;
      try {
        await signInWithPassword(page, h.crm.url, 'demo', maria());
        const base = `${h.crm.url}/portal/demo`;
        const invoice = await openInvoiceOf(h.crm.db, maria().email);
        const pages = [
          '/',
          '/invoices',
          `/invoices/${invoice.id}`,
          '/proposals',
          '/quotations',
          '/documents',
          '/tasks',
          '/tasks?tab=done',
          '/messages',
          '/invoices?status=void',
          // Searched: the box, what was found, and nothing found with the way back.
          '/invoices?q=inv',
          '/proposals?q=no+such+proposal',
          '/documents?q=a',
          '/tasks?q=brand',
        ];
        let chipsSeen = 0;
        let emptyStatesSeen = 0;
        for (const path of pages) {
          await page.goto(`${base}${path}`);
          const report = await expectDesignSystem(page, `${path} at ${width}`);
          chipsSeen += report.chips.length;
          emptyStatesSeen += report.emptyStates.length;
          if (width === 390) await expectNoOverflowAt390(page, path);
          else await expectNoAxeViolations(page, path);
          expect(await scriptBytesGzipped(page), `${path}: gzipped JavaScript`).to.be.at.most(20 * 1024);
        }
        expect(chipsSeen, 'chips across the pages').to.be.above(3);
        expect(emptyStatesSeen, 'empty states across the pages').to.be.above(0);

        // A record page opened from a list shows its status as a chip too.
        await page.goto(`${base}/proposals`);
        const proposal = await page.getAttribute('.record__link >> nth=0', 'href');
        await page.goto(new URL(proposal!, page.url()).toString());
        await page.waitForSelector('#offer-title');
        const chips = (await expectDesignSystem(page, `a proposal at ${width}`)).chips.map((chip) => chip.text);
        expect(chips, 'the status chip, then any deadline chip').to.include('Awaiting your answer');
        expect(tab.consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });

    it(`the invoice header shows amount, status and Pay in the first screen at ${width} px`, async function () {
      const tab = await openPage(browser, { width });
      const { page, context } = tab;
      try {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await signInWithPassword(page, h.crm.url, 'demo', maria());
        const invoice = await openInvoiceOf(h.crm.db, maria().email);
        await page.goto(`${h.crm.url}/portal/demo/invoices/${invoice.id}`);
        // No named functions inside evaluate: the test's compiler would wrap them in a helper the page lacks.
        const parts = {
          amount: '.amount-header__amount',
          chip: '.chip',
          pay: 'a.button[href$="/pay"]',
          download: 'a[download]',
          due: '.amount-header__dates',
        };
        const boxes = await page.evaluate(
          (selectors) =>
            Object.fromEntries(
              Object.entries(selectors).map(([name, selector]) => {
                const el = document.querySelector<HTMLElement>(`.amount-header ${selector}`);
                const r = el?.getBoundingClientRect();
                return [name, el && r ? { text: (el.textContent ?? '').trim(), bottom: r.bottom, left: r.left, right: r.right } : null];
              }),
            ),
          parts,
        );
        const viewport = await page.evaluate(() => ({ width: document.documentElement.clientWidth, height: window.innerHeight }));
        const header = { ...boxes, viewport } as Record<
          keyof typeof parts,
          { text: string; bottom: number; left: number; right: number } | null
        > & { viewport: { width: number; height: number } };
        expect(header.amount?.text).to.match(/^\$[\d,]+\.\d\d$/);
        expect(header.chip?.text).to.match(/\w/);
        expect(header.pay?.text).to.equal('Pay this invoice');
        expect(header.download?.text).to.equal('Download PDF');
        expect(header.due?.text).to.match(/Due /);
        for (const [name, box] of Object.entries({
          amount: header.amount,
          chip: header.chip,
          pay: header.pay,
          download: header.download,
        })) {
          expect(box!.bottom, `${name} within the first screen`).to.be.at.most(header.viewport.height);
          expect(box!.right, `${name} within the width`).to.be.at.most(header.viewport.width);
          expect(box!.left).to.be.at.least(0);
        }
        expect(tab.consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }

  it('a German invoice heading wraps between words, the number whole, at 390 px', async function () {
    const tab = await openPage(browser, { width: 390, locale: 'de-DE' });
    const { page, context } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      const invoice = await openInvoiceOf(h.crm.db, maria().email);
      await page.goto(`${h.crm.url}/portal/demo/invoices/${invoice.id}`);
      const heading = await page.evaluate(() => {
        const number = document.querySelector('#invoice-title .record__number');
        return {
          text: document.querySelector('#invoice-title')?.textContent ?? '',
          numberLines: number ? number.getClientRects().length : 0,
          lang: document.documentElement.lang,
        };
      });
      expect(heading.numberLines, `the number in "${heading.text}"`).to.equal(1);
      await expectNoOverflowAt390(page, 'a German invoice');
      await expectDesignSystem(page, 'a German invoice');
    } finally {
      await context.close();
    }
  });

  for (const width of [1280, 390]) {
    it(`the staff pages use the same chips and icons at ${width} px`, async function () {
      const tab = await openPage(browser, { width });
      const { page, context } = tab;
      try {
        await staffSignIn(page, h.crm.url, admin());
        let chipsSeen = 0;
        for (const path of [
          '/settings/client-portal/clients',
          '/settings/client-portal/activity',
          '/client-portal/notifications',
          '/client-messages',
        ]) {
          const response = await page.goto(`${h.crm.url}${path}`);
          expect(response?.status(), path).to.equal(200);
          chipsSeen += (await expectDesignSystem(page, `${path} at ${width}`)).chips.length;
          if (width === 390) await expectNoOverflowAt390(page, path);
          else await expectNoAxeViolations(page, path);
        }
        expect(chipsSeen, 'client status chips').to.be.above(0);
        expect(tab.consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
