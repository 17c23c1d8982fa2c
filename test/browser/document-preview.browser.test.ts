// The document preview in a real Chromium, at 1280 and at 390 px, and without JavaScript:
// on an invoice's and a proposal's page the Preview disclosure opens by keyboard and shows the
// document (brand, heading, every line, the total), with no axe violation, no horizontal overflow
// at 390 px and no console error (a CSP violation would be one); the preview's own page likewise.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { expectNoAxeViolations, expectNoOverflowAt390, launchChromium, openPage, signInWithPassword } from '../support/browser-pages.ts';

describe('document preview in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  const records: Record<'proposals' | 'invoices', { id: string; lines: number }> = {
    proposals: { id: '', lines: 0 },
    invoices: { id: '', lines: 0 },
  };

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    for (const table of ['proposals', 'invoices'] as const) {
      const row = await h.crm
        .db(`${table} as r`)
        .join('clients as c', (on) => on.on('c.workspace_id', 'r.workspace_id').andOn('c.id', 'r.client_id'))
        .join('workspaces as w', 'w.id', 'r.workspace_id')
        .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
        .whereNot('r.status', 'draft')
        .orderBy('r.id', 'desc')
        .first('r.id');
      const items = table === 'proposals' ? 'proposal_items' : 'invoice_items';
      const key = table === 'proposals' ? 'proposal_id' : 'invoice_id';
      const counted = await h.crm
        .db(items)
        .where({ [key]: row.id })
        .count({ count: '*' })
        .first();
      records[table] = { id: String(row.id), lines: Number(counted?.count) };
    }
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  const login = () => {
    const found = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    return { email: found.email, password: found.password };
  };

  for (const width of [1280, 390]) {
    it(`opens the preview of an invoice and a proposal by keyboard at ${width} px`, async function () {
      const { context, page, consoleErrors } = await openPage(browser, { width });
      try {
        await signInWithPassword(page, h.crm.url, 'demo', login());
        for (const section of ['invoices', 'proposals'] as const) {
          const href = `/portal/demo/${section}/${records[section].id}`;
          await page.goto(`${h.crm.url}${href}`);
          const sheet = page.locator('.preview__details .doc-sheet');
          expect(await sheet.isVisible(), `${section}: closed at first`).to.equal(false);
          expect(await page.locator(`.preview__actions a[href="${href}.pdf"][download]`).count(), `${section}: download kept`).to.equal(1);

          await page.locator('.preview__toggle').focus();
          await page.keyboard.press('Enter');
          await sheet.waitFor({ state: 'visible' });
          expect(await page.locator('.preview__details').getAttribute('open')).to.equal('');
          const heading = (await page.textContent('h1'))?.trim() ?? '';
          expect((await sheet.locator('.doc-sheet__heading').textContent())?.trim()).to.equal(heading);
          expect(await sheet.locator('tbody tr').count(), `${section}: every line`).to.equal(records[section].lines);
          expect(await sheet.locator('.totals__grand').first().isVisible()).to.equal(true);
          // Nothing of the sheet is cut off at the right.
          const box = await sheet.boundingBox();
          expect(box!.x + box!.width, `${section}: sheet within ${width} px`).to.be.at.most(width);

          await expectNoAxeViolations(page, `${section} page with the preview open at ${width} px`);
          if (width === 390) await expectNoOverflowAt390(page, `${section} page with the preview open`);

          await page.goto(`${h.crm.url}${href}/preview`);
          expect(await page.locator('.doc-sheet tbody tr').count()).to.equal(records[section].lines);
          await expectNoAxeViolations(page, `${section} preview page at ${width} px`);
          if (width === 390) await expectNoOverflowAt390(page, `${section} preview page`);
        }
        expect(consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }

  // No script runs on this page (axe and the width check need one; the markup is the one above).
  it('opens by keyboard without JavaScript', async function () {
    const { context, page } = await openPage(browser, { width: 390, javaScriptEnabled: false });
    try {
      await signInWithPassword(page, h.crm.url, 'demo', login());
      await page.goto(`${h.crm.url}/portal/demo/invoices/${records.invoices.id}`);
      await page.locator('.preview__toggle').focus();
      await page.keyboard.press('Enter');
      await page.locator('.preview__details .doc-sheet').waitFor({ state: 'visible' });
      expect(await page.locator('.preview__details .doc-sheet tbody tr').count()).to.equal(records.invoices.lines);
    } finally {
      await context.close();
    }
  });
});
