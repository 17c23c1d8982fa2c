// The sign-in and security log in a real Chromium at 390 px, in English, German and French: Olivia,
// Northwind's client admin, opens her own log from the Account page and then her company's; both
// pages have no axe violations, no horizontal overflow, and no console error (CSP included).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { expectAccessibleAt390, launchChromium, pagesClosedAfterEach, signInWithPassword } from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('sign-in and security log in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  const openPage = pagesClosedAfterEach(() => browser);

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  const cases = [
    { locale: 'en-US', title: 'Sign-in and security log' },
    { locale: 'de-DE', title: 'Anmelde- und Sicherheitsprotokoll' },
    { locale: 'fr-FR', title: 'Journal des connexions et de la sécurité' },
  ];
  for (const { locale, title } of cases)
    it(`shows the own and the company's log (${locale}, 390 px)`, async function () {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'olivia@northwind.test')!;
      const { page } = await openPage({ locale, width: 390 });
      await signInWithPassword(page, h.crm.url, 'demo', login);
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await Promise.all([page.waitForURL(/\/account\/security-log$/), page.click('a[href$="/account/security-log"]')]);
      expect(await page.textContent('h1')).to.contain(title);
      expect(await page.locator('.security-log-table tbody tr').count()).to.be.at.least(1);
      await expectAccessibleAt390(page, `security log (${locale})`);
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await Promise.all([page.waitForURL(/\/security-log\/company$/), page.click('a[href$="/account/security-log/company"]')]);
      expect(await page.textContent('.security-log-table')).to.contain('olivia@northwind.test');
      await expectAccessibleAt390(page, `company security log (${locale})`);
    });
});
