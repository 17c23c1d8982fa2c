// In a real Chromium, at 390 px and at 1200 px, with online payments on: Maria García chooses two
// open invoices on the invoice list with the keyboard alone (Tab to each checkbox, Space; Tab to
// the button, Enter), pays them on the demo provider's checkout, which lists both and their sum,
// and comes back through the checkout's link to the list, which says how it went and shows both
// paid. Each checkbox is named by its invoice, shows where focus is, and is a 24 px target. The list with checkboxes,
// with the error of a form sent with nothing chosen, the checkout of several and the list with
// the outcome have no axe violations and nothing wider than the screen. The same choice paid by
// one bank transfer, by keyboard: its page (invoices, total, one reference naming both, the code to
// scan) and the page after "I have paid", each without axe violations or overflow.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';
import {
  expectAccessible,
  launchChromium,
  pagesClosedAfterEach,
  signInWithPassword,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';

const SUBMIT = '.pay-several button[type=submit]:not([formaction])';
const TRANSFER = '#pay-several-transfer-button';

describe('paying several invoices at once in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let scope: { workspaceId: string; clientId: string };
  const newPage = pagesClosedAfterEach(() => browser);

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    const invoice = await openInvoiceOf(h.crm.db, 'maria@northwind.test');
    scope = { workspaceId: invoice.workspaceId, clientId: invoice.clientId };
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: scope.workspaceId, allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(scope.workspaceId);
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  /** A new open invoice of Maria's company: its id and number. */
  async function openInvoice(cents: number, currency = 'USD'): Promise<{ id: string; number: string }> {
    const created = await createInvoice(h.crm.db, {
      workspaceId: Number(scope.workspaceId),
      clientId: Number(scope.clientId),
      status: 'sent',
      currency,
      issueDate: '2026-11-20',
      dueDate: '2026-12-20',
      notes: '',
      items: [{ description: 'Landing pages', quantity: 1, unitPriceCents: cents }],
    });
    const { number } = await h.crm.db('invoices').where({ id: created.id }).first('number');
    return { id: String(created.id), number };
  }

  async function invoiceList(width: number) {
    const watched = await newPage({ width });
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(watched.page, h.crm.url, 'demo', login, '/portal/demo/invoices');
    await watched.page.waitForSelector(SUBMIT);
    return watched;
  }

  /** Where focus is, and whether it is drawn: an outline of at least 2 px that is not transparent. */
  function focusRing(page: Page) {
    return page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        id: el.id,
        drawn: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2 && style.outlineColor !== 'rgba(0, 0, 0, 0)',
      };
    });
  }

  for (const width of [390, 1200]) {
    it(`chooses two open invoices by keyboard and pays them in one checkout at ${width} px`, async function () {
      const first = await openInvoice(48_000);
      const second = await openInvoice(21_025);
      const { page, consoleErrors } = await invoiceList(width);
      // Each checkbox is named by its invoice and what is left to pay on it.
      expect(await page.getByRole('checkbox', { name: `Pay ${first.number} ($480.00 left to pay)` }).count()).to.equal(1);
      expect(await page.getByRole('checkbox', { name: `Pay ${second.number} ($210.25 left to pay)` }).count()).to.equal(1);
      // Its label is for screen readers only: the box itself is the pointer's target, 24 px at least (WCAG 2.5.8).
      const box = await page.locator(`#pay-${first.id}`).boundingBox();
      expect(Math.min(box!.width, box!.height), 'checkbox size').to.be.at.least(24);
      await expectAccessible(page, `invoice list with checkboxes at ${width} px`);

      // Sent with nothing chosen: the list again, with the server's message.
      await tabTo(page, SUBMIT);
      await Promise.all([page.waitForURL(/\/invoices\/pay$/), page.keyboard.press('Enter')]);
      await page.waitForSelector('#pay-several-error');
      expect(await page.textContent('#pay-several-error')).to.contain('Choose at least one invoice to pay.');
      await expectAccessible(page, `invoice list with an error at ${width} px`);
      // Chromium reports the 400 page itself as a failed load: that one is the answer asked for.
      const expected = consoleErrors.filter((line) => /status of 400 \(Bad Request\)$/.test(line));
      expect(expected).to.have.length(1);
      consoleErrors.splice(consoleErrors.indexOf(expected[0]!), 1);

      // The keyboard alone: Tab to each checkbox (focus drawn on it), Space; Tab to the button, Enter.
      // Tab goes forward from the button: to whichever of the two comes first on the list, then the other.
      const unchosen = `#pay-${first.id}:not(:checked), #pay-${second.id}:not(:checked)`;
      for (const _ of [first, second]) {
        await tabTo(page, unchosen);
        const ring = await focusRing(page);
        expect(ring.drawn, `focus drawn on #${ring.id}`).to.equal(true);
        await page.keyboard.press('Space');
        expect(await page.isChecked(`#${ring.id}`)).to.equal(true);
      }
      await tabTo(page, SUBMIT);
      await Promise.all([page.waitForURL(/\/payments\/demo\/[0-9a-f-]{36}$/), page.keyboard.press('Enter')]);

      // The checkout: both invoices, each with its share, and their sum.
      const shares = await page.locator('.checkout__shares li').allTextContents();
      expect(shares).to.have.members([`${first.number}: $480.00`, `${second.number}: $210.25`]);
      expect(await page.textContent('.checkout__amount')).to.contain('$690.25');
      await expectAccessible(page, `demo checkout of two invoices at ${width} px`);
      await tabTo(page, 'button[value=pay]');
      await page.keyboard.press('Enter');
      // htmx swaps the answer in: the pay button goes, the way back comes.
      await page.waitForSelector('button[value=pay]', { state: 'detached' });
      await tabTo(page, 'a', 'Back to your invoices');
      await Promise.all([page.waitForURL(/\/invoices\?payment=/), page.keyboard.press('Enter')]);

      // The list says how it went, and shows both paid: no checkbox left for either.
      const outcome = page.locator('[data-outcome]');
      expect(await outcome.getAttribute('data-outcome')).to.equal('paid');
      expect(await outcome.textContent()).to.contain('your payment of $690.25 has been received and the 2 invoices are updated');
      for (const invoice of [first, second]) {
        expect(await page.locator(`#pay-${invoice.id}`).count(), `checkbox of ${invoice.number}`).to.equal(0);
        const row = page.locator('.record', { has: page.locator(`a[href$="/invoices/${invoice.id}"]`) });
        expect(await row.locator('.chip').first().textContent(), `chip of ${invoice.number}`).to.contain('Paid');
        const stored = await h.crm.adapter.invoices!.find(scope.workspaceId, scope.clientId, invoice.id);
        expect(stored?.status, `${invoice.number} in the CRM`).to.equal('paid');
      }
      await expectAccessible(page, `invoice list with the outcome at ${width} px`);
    });

    it(`chooses two open invoices by keyboard and pays them by one bank transfer at ${width} px`, async function () {
      const first = await openInvoice(30_000, 'EUR');
      const second = await openInvoice(12_000, 'EUR');
      const { page } = await invoiceList(width);
      for (const invoice of [first, second]) {
        await tabTo(page, `#pay-${invoice.id}`);
        await page.keyboard.press('Space');
      }
      await tabTo(page, TRANSFER);
      await Promise.all([page.waitForURL(/\/invoices\/pay\/transfer\?invoice=/), page.keyboard.press('Enter')]);

      // The invoices, their total, one reference naming both, and the code to scan.
      expect(await page.locator('#several-transfer-invoices tbody tr').count()).to.equal(2);
      const reference = `${first.number} ${second.number}`;
      expect(await page.textContent('.bank-transfer'))
        .to.contain('€420.00')
        .and.contain(reference);
      expect(await page.locator('img[data-epc-qr]').count()).to.equal(1);
      await expectAccessible(page, `several invoices by one bank transfer at ${width} px`);

      // "I have paid", by keyboard: the page again, saying the agency was told.
      await tabTo(page, '#transfer-reference');
      await page.keyboard.type('TRF-BROWSER');
      await tabTo(page, '.bank-transfer button[type=submit]');
      await Promise.all([page.waitForURL(/reported=1$/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#several-transfer-reported')).to.contain('The 2 invoices show as paid once they have received it.');
      await expectAccessible(page, `several invoices reported paid by transfer at ${width} px`);
    });
  }
});
