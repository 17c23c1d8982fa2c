// A newcomer walks the sign-in, account and admin flows in Chromium, on a desktop and at 390 px:
// a wrong password and a failed account save keep what was typed, every address reloads to a page
// (never a 404), a form sent from a second tab after signing out in the first goes to sign-in and
// back to the same page, the admin settings keep what was typed when refused, and a destructive
// admin action is asked first. No console error anywhere, and nothing wider than 390 px.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { PortalHarness } from '../support/portal-harness.ts';
import { expectNoOverflowAt390, portalInChromium, openPage, staffSignIn, type WatchedPage } from '../support/browser-pages.ts';

describe('a newcomer walks sign-in, account and admin in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const admin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

  /** Reloads the page: it must answer 200, whatever address the last step left in the bar. */
  async function reloadIsAPage(page: Page, label: string) {
    const response = await page.reload();
    expect(response?.status(), `${label}: reload of ${page.url()}`).to.equal(200);
  }

  async function check(page: Page, width: number, label: string) {
    if (width === 390) await expectNoOverflowAt390(page, label);
  }

  for (const width of [1200, 390]) {
    it(`the client side at ${width} px`, async function () {
      const tab: WatchedPage = await openPage(browser, { width });
      const { page, context } = tab;
      try {
        await page.goto(`${h.crm.url}/portal/demo/sign-in`);
        await check(page, width, 'sign-in');
        await page.fill('#email', maria().email);
        await page.fill('#password', 'not-the-password');
        await page.click('button:has-text("Sign in")');
        await page.waitForSelector('#password-error');
        expect(await page.inputValue('#email')).to.equal(maria().email);
        await reloadIsAPage(page, 'after a wrong password');

        await page.fill('#email', maria().email);
        await page.fill('#password', maria().password);
        await Promise.all([page.waitForURL(/\/portal\/demo\/$/), page.press('#password', 'Enter')]);
        await check(page, width, 'dashboard');

        await page.goto(`${h.crm.url}/portal/demo/account`);
        await check(page, width, 'account');
        await page.fill('#profile-name', '');
        await page.fill('#profile-phone', 'call me maybe');
        await page.click('button:has-text("Save profile")');
        await page.waitForSelector('#profile-name-error');
        expect(await page.inputValue('#profile-phone')).to.equal('call me maybe');
        await reloadIsAPage(page, 'after a failed account save');
        await page.fill('#profile-name', 'Maria García');
        await page.fill('#profile-phone', '+1 206 555 0142');
        await page.click('button:has-text("Save profile")');
        await page.waitForSelector('.notice');
        await reloadIsAPage(page, 'after saving the profile');

        // A second tab of the same browser signs out; the first still shows the account form.
        const other = await context.newPage();
        const otherErrors: string[] = [];
        other.on('console', (m) => m.type() === 'error' && otherErrors.push(m.text()));
        await other.goto(`${h.crm.url}/portal/demo/`);
        await Promise.all([other.waitForURL(/sign-in/), other.click('.sign-out button')]);
        await other.close();
        expect(otherErrors).to.deep.equal([]);

        await page.fill('#profile-name', 'Typed before noticing');
        await page.click('button:has-text("Save profile")');
        await page.waitForURL(/\/sign-in\?next=/);
        expect(new URL(page.url()).searchParams.get('next')).to.equal('/portal/demo/account');
        await check(page, width, 'sign-in after a sign-out elsewhere');
        await page.fill('#email', maria().email);
        await page.fill('#password', maria().password);
        await Promise.all([page.waitForURL(/\/portal\/demo\/account$/), page.press('#password', 'Enter')]);
        await reloadIsAPage(page, 'back on the account page');
        expect(tab.consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });

    it(`the admin side at ${width} px`, async function () {
      const tab = await openPage(browser, { width });
      const { page, context } = tab;
      try {
        await staffSignIn(page, h.crm.url, admin());
        await page.goto(`${h.crm.url}/settings/client-portal`);
        await check(page, width, 'admin settings');
        expect(await page.locator('nav[aria-label="Main"]').count(), 'the CRM navigation').to.equal(1);
        await page.fill('#setting-portalTitle', 'A title typed on the walk');
        await page.fill('#setting-maxUploadMb', '500');
        await page.uncheck('#setting-showTasks');
        await page.click('button:has-text("Save settings")');
        await page.waitForSelector('#setting-maxUploadMb-error');
        expect(await page.inputValue('#setting-portalTitle')).to.equal('A title typed on the walk');
        expect(await page.inputValue('#setting-maxUploadMb')).to.equal('500');
        expect(await page.isChecked('#setting-showTasks')).to.equal(false);
        await reloadIsAPage(page, 'admin settings after an error');

        await page.goto(`${h.crm.url}/settings/client-portal/clients`);
        await check(page, width, 'client users');
        const disable = page.locator('a:has-text("Disable")').first();
        await disable.click();
        await page.waitForSelector('#confirm-title');
        await check(page, width, 'disable confirmation');
        await reloadIsAPage(page, 'disable confirmation');
        await page.click('a:has-text("Cancel")');
        await page.waitForURL(/\/settings\/client-portal\/clients/);
        expect(tab.consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
