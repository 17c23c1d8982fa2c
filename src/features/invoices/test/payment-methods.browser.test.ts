// In a real Chromium, at 390 px and at 1200 px, by keyboard alone: Maria García opens "Payment
// methods and autopay" from the invoice list, saves a demo card on the demo provider's page, comes
// back to it saved, is refused autopay without ticking the consent (the error named and focusable),
// then switches it on with the consent and reads who accepted it and when, and that the next
// invoice of the company's monthly retainer ("Coming next") will be paid with that card. Every
// page on the way (the empty page, the demo provider's page, the page with a method, with the
// error, with autopay on, each with "Coming next") has no axe violations and nothing wider than
// the screen.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { allowAutopay, mariasCompany } from './autopay-world.ts';
import {
  expectAccessible,
  launchChromium,
  pagesClosedAfterEach,
  signInWithPassword,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('payment methods and autopay in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let scope: { workspaceId: string; clientId: string };
  const newPage = pagesClosedAfterEach(() => browser);

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    scope = (await mariasCompany(h)).scope;
    await allowAutopay(h, scope.workspaceId);
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  for (const width of [390, 1200]) {
    it(`saves a demo card and switches autopay on by keyboard at ${width} px`, async function () {
      await h.crm.db('client_autopay').where({ workspace_id: scope.workspaceId, client_id: scope.clientId }).delete();
      await h.crm.db('client_payment_methods').where({ workspace_id: scope.workspaceId, client_id: scope.clientId }).delete();
      const { page, consoleErrors } = await newPage({ width });
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
      await signInWithPassword(page, h.crm.url, 'demo', login, '/portal/demo/invoices');

      await tabTo(page, '#payment-methods-link');
      await Promise.all([page.waitForURL(/\/payment-methods$/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#no-methods')).to.contain('No payment method is saved yet.');
      await expectAccessible(page, `payment methods, none saved, at ${width} px`);

      await tabTo(page, '#add-method');
      await Promise.all([page.waitForURL(/\/payment-methods\/demo\/[0-9a-f-]{36}$/), page.keyboard.press('Enter')]);
      await expectAccessible(page, `demo provider's page to save a method at ${width} px`);
      await tabTo(page, 'button[value=save]');
      await Promise.all([page.waitForURL(/\/payment-methods\?setup=/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#methods-setup')).to.contain('The payment method is saved.');
      expect(await page.textContent('#saved-methods'))
        .to.contain('Visa ending in 4242')
        .and.contain('Used for autopay');
      await expectAccessible(page, `payment methods with a card at ${width} px`);

      // Without the consent ticked: the page again, the error tied to the checkbox.
      await tabTo(page, '#autopay-on-button');
      await Promise.all([page.waitForURL(/\/payment-methods\/autopay$/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#consent-error')).to.contain('Tick the box to accept the autopay consent.');
      expect(await page.getAttribute('#consent', 'aria-invalid')).to.equal('true');
      await expectAccessible(page, `autopay refused without consent at ${width} px`);
      const refused = consoleErrors.filter((line) => /status of 400 \(Bad Request\)$/.test(line));
      expect(refused).to.have.length(1);
      consoleErrors.splice(consoleErrors.indexOf(refused[0]!), 1);

      await tabTo(page, '#consent');
      await page.keyboard.press('Space');
      await tabTo(page, '#autopay-on-button');
      await Promise.all([page.waitForURL(/\/payment-methods\?done=autopay_on$/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#autopay-on')).to.contain('Autopay is on: new invoices are charged to Visa ending in 4242.');
      // "Coming next": the demo's monthly retainer of Northwind, and the card autopay will pay it with.
      expect(await page.textContent('#upcoming-invoices'))
        .to.contain('Monthly retainer: website care')
        .and.contain('$1,500.00')
        .and.contain('Every month');
      expect(await page.textContent('#upcoming-payer')).to.contain('Autopay will pay it with Visa ending in 4242');
      expect(await page.textContent('#consent-record'))
        .to.contain('maria@northwind.test')
        .and.contain('consent version 2026-11');
      await expectAccessible(page, `autopay on at ${width} px`);
      expect(consoleErrors).to.deep.equal([]);
    });
  }
});
